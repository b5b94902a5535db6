package io.fluxion.orchestrator.monitoring;

import io.fluxion.orchestrator.config.Secrets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raises alerts: each one is written to the ledger first (so nothing depends on the webhook), logged,
 * and, when {@code fluxion.alerts.webhook-url} is set, handed to the {@code alert-webhook} route's queue
 * ({@code routes/monitoring.camel.yaml}), which posts it on its own thread with retries. Raising never
 * waits for the network and never throws: a run that raises an alert is never held up by it.
 */
public class Alerts {
    public static final String QUEUE = "seda:fluxion-alerts";
    /** Header of the queued message: the alert's ledger id. */
    public static final String ALERT_ID = "FluxionAlertId";

    public static final String WINDOW_FAILED = "window-failed";
    public static final String BACKEND_NOT_BACK = "backend-not-back";
    public static final String MAX_DURATION = "max-duration";
    public static final String DAYS_BEHIND = "days-behind";
    public static final String KLK_FAILURES = "klk-failures";
    public static final String SUMMARY = "summary";

    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);

    private final MonitoringLedger ledger;
    private final AlertSettings settings;
    private final Clock clock;
    private final CamelContext context;
    private final List<String> secrets;
    private volatile ProducerTemplate producer;

    public Alerts(MonitoringLedger ledger, AlertSettings settings, Clock clock, CamelContext context, List<String> secrets) {
        this.ledger = ledger;
        this.settings = settings;
        this.clock = clock;
        this.context = context;
        List<String> s = new ArrayList<>(secrets);
        if (settings.webhookUrl() != null) {
            s.add(settings.webhookUrl().toString());
        }
        this.secrets = List.copyOf(s);
    }

    public AlertSettings settings() {
        return settings;
    }

    /** Every secret value to keep out of an alert text or a webhook error (the webhook URL among them). */
    public List<String> secrets() {
        return secrets;
    }

    /**
     * Records the alert and queues it for the webhook. With a {@code dedupeKey}, an alert already raised
     * with that key (in this process or an earlier one) is not raised again.
     *
     * @return the alert's ledger id, empty when it was a duplicate or the ledger refused it
     */
    public synchronized Optional<Long> raise(String kind, String severity, String dedupeKey, Long runId, String text) {
        String clean = MonitoringLedger.clip(Secrets.scrub(text, secrets), MonitoringLedger.TEXT_MAX);
        long id;
        try {
            if (dedupeKey != null && ledger.alertExists(dedupeKey)) {
                return Optional.empty();
            }
            id = ledger.insertAlert(kind, severity, dedupeKey, clean, runId, settings.hasWebhook() ? "PENDING" : "NONE",
                    clock.instant());
        } catch (RuntimeException e) {
            // the ledger is down: the alert still reaches the log (and the ledger health check says why)
            LOG.error("ALERT {} ({}), not recorded in the ledger ({}): {}", kind, severity,
                    Secrets.scrub(e.getMessage(), secrets), clean);
            return Optional.empty();
        }
        LOG.warn("ALERT #{} {} ({}): {}", id, kind, severity, clean);
        if (settings.hasWebhook()) {
            try {
                producer().sendBodyAndHeader(QUEUE, clean, ALERT_ID, id);
            } catch (RuntimeException e) {
                // queue full or the route stopped: recorded, the run goes on
                String why = "not queued for the webhook: " + Secrets.scrub(String.valueOf(e.getMessage()), secrets);
                LOG.warn("ALERT #{} {}", id, why);
                try {
                    ledger.alertFailed(id, 0, why);
                } catch (RuntimeException ignored) {
                    // already logged
                }
            }
        }
        return Optional.of(id);
    }

    /** The newest alerts first, for the API and the page. */
    public List<AlertRecord> recent(int limit) {
        return ledger.recentAlerts(limit);
    }

    private ProducerTemplate producer() {
        ProducerTemplate p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = context.createProducerTemplate();
                }
                p = producer;
            }
        }
        return p;
    }
}
