package io.fluxion.orchestrator.monitoring;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fluxion.orchestrator.config.Secrets;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts one alert to {@code fluxion.alerts.webhook-url} as Slack-compatible JSON {@code {"text": ...}}
 * ({@code routes/monitoring.camel.yaml} retries it). The URL is a secret (a Slack webhook's path is its
 * token): it is never logged, never put in an error, and no Camel endpoint is built from it (Hawtio would
 * show an endpoint's URI).
 */
public class AlertWebhook {
    private static final Logger LOG = LoggerFactory.getLogger(AlertWebhook.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ATTEMPTS = "fluxionWebhookAttempts";

    private final Alerts alerts;
    private final MonitoringLedger ledger;
    private final Clock clock;
    private final HttpClient http;

    public AlertWebhook(Alerts alerts, MonitoringLedger ledger, Clock clock) {
        this.alerts = alerts;
        this.ledger = ledger;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(alerts.settings().webhookTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** One try; throws (the route redelivers) on a connection error, a timeout or an answer other than 2xx. */
    public void send(Exchange ex) throws IOException, InterruptedException {
        long id = ex.getIn().getHeader(Alerts.ALERT_ID, Long.class);
        String text = ex.getIn().getBody(String.class);
        int attempt = attempts(ex) + 1;
        ex.setProperty(ATTEMPTS, attempt);
        byte[] body = JSON.writeValueAsBytes(Map.of("text", text));
        HttpRequest req = HttpRequest.newBuilder(alerts.settings().webhookUrl())
                .timeout(alerts.settings().webhookTimeout())
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<Void> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            // e.g. "Connection refused", "request timed out": the exception type says which, the URL is left out
            throw new WebhookException(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                    + Secrets.scrub(e.getMessage(), alerts.secrets())));
        }
        if (r.statusCode() / 100 != 2) {
            throw new WebhookException("the webhook answered HTTP " + r.statusCode());
        }
        ledger.alertSent(id, attempt, clock.instant());
        LOG.info("Alert #{} sent to the webhook (attempt {})", id, attempt);
    }

    /** The route gave up: the alert stays in the ledger, marked FAILED with the last reason. */
    public void failed(Exchange ex) {
        Long id = ex.getIn().getHeader(Alerts.ALERT_ID, Long.class);
        Throwable e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = e == null ? "unknown error" : Secrets.scrub(String.valueOf(e.getMessage()), alerts.secrets());
        int attempt = attempts(ex);
        LOG.warn("Alert #{} not delivered to the webhook after {} attempt(s): {}", id, attempt, reason);
        if (id != null) {
            ledger.alertFailed(id, attempt, reason);
        }
    }

    /** Tries of this alert so far (counted here: redelivery headers are not reliable in the failure handler). */
    private static int attempts(Exchange ex) {
        Integer n = ex.getProperty(ATTEMPTS, Integer.class);
        return n == null ? 0 : n;
    }

    /** A post the webhook did not take; its message never holds the URL. */
    public static class WebhookException extends IOException {
        public WebhookException(String message) {
            super(message);
        }
    }
}
