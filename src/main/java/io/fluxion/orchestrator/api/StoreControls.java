package io.fluxion.orchestrator.api;

import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.StoreControlRecord;
import io.fluxion.orchestrator.schedule.SavedSettings;
import io.fluxion.orchestrator.schedule.StoreRules;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Store controls (seed 002 P1/P2: the store blacklist, priorities, attempts per store): {@code GET /api/stores},
 * {@code POST /api/stores/{id}/enable|disable}, {@code PUT /api/stores/{id}}. Saved in the ledger over the
 * configuration (table store_control, each change with who made it in store_control_change); the window's plan, the
 * KLK routes, the inventory and the gaps answer read them through {@link StoreRules}. Disabling the last enabled store
 * is allowed, and the answer says so ({@code warning}).
 */
public class StoreControls {
    private static final Logger LOG = LoggerFactory.getLogger(StoreControls.class);
    static final String LAST_STORE_WARNING = "no store is enabled any more: the window, the KLK syncs and the inventory"
            + " load nothing until one is enabled again";

    private final FluxionConfig config;
    private final Ledger ledger;
    private final SavedSettings settings;
    private final Clock clock;

    public StoreControls(FluxionConfig config, Ledger ledger, SavedSettings settings, Clock clock) {
        this.config = config;
        this.ledger = ledger;
        this.settings = settings;
        this.clock = clock;
    }

    private ZoneId zone() {
        return config.window().zone();
    }

    public Answers.Stores list() {
        StoreRules rules = settings.storeRules();
        List<Answers.StoreView> out = new ArrayList<>();
        for (StoreConfig s : config.stores()) {
            out.add(view(s, rules));
        }
        long enabled = config.stores().stream().filter(rules::enabled).count();
        return new Answers.Stores(out, (int) enabled, enabled == 0 ? LAST_STORE_WARNING : null);
    }

    public Answers.StoreChanged enable(@Body Requests.NoFields none, @Header("id") String id, Exchange ex) {
        return switched(store(id), true, ex);
    }

    public Answers.StoreChanged disable(@Body Requests.NoFields none, @Header("id") String id, Exchange ex) {
        return switched(store(id), false, ex);
    }

    public Answers.StoreChanged update(@Body Requests.StoreUpdate body, @Header("id") String id, Exchange ex) {
        StoreConfig s = store(id);
        Requests.StoreUpdate u = Requests.storeUpdate(body);
        StoreControlRecord old = settings.storeRules().controls().get(s.id());
        StoreControlRecord neu = new StoreControlRecord(s.id(), old == null ? null : old.enabled(),
                u.priority() != null ? u.priority() : old == null ? null : old.priority(),
                u.maxAttempts() != null ? u.maxAttempts() : old == null ? null : old.maxAttempts(),
                u.retryIntervalMinutes() != null ? u.retryIntervalMinutes() : old == null ? null : old.retryIntervalMinutes(),
                by(ex), clock.instant());
        List<String> parts = new ArrayList<>();
        if (u.priority() != null) {
            parts.add("priority=" + u.priority());
        }
        if (u.maxAttempts() != null) {
            parts.add("max_attempts=" + u.maxAttempts());
        }
        if (u.retryIntervalMinutes() != null) {
            parts.add("retry_interval_minutes=" + u.retryIntervalMinutes());
        }
        return save(s, neu, String.join(", ", parts), ex, "Tienda " + s.id() + " actualizada");
    }

    private Answers.StoreChanged switched(StoreConfig s, boolean on, Exchange ex) {
        StoreControlRecord old = settings.storeRules().controls().get(s.id());
        StoreControlRecord neu = new StoreControlRecord(s.id(), on, old == null ? null : old.priority(),
                old == null ? null : old.maxAttempts(), old == null ? null : old.retryIntervalMinutes(), by(ex),
                clock.instant());
        return save(s, neu, on ? "enabled" : "disabled", ex, "Tienda " + s.id() + (on ? " habilitada" : " deshabilitada"));
    }

    private Answers.StoreChanged save(StoreConfig s, StoreControlRecord neu, String change, Exchange ex, String message) {
        ledger.saveStoreControl(neu, change, clock.instant());
        StoreRules rules = settings.storeRules();
        long enabled = config.stores().stream().filter(rules::enabled).count();
        String client = ex.getIn().getHeader(ApiGuard.CLIENT, String.class);
        LOG.info("Store {} changed through the API by {}: {}", s.id(), client, change);
        if (enabled == 0) {
            LOG.warn("Store {} disabled by {}: {}", s.id(), client, LAST_STORE_WARNING);
        }
        return new Answers.StoreChanged(view(s, rules), (int) enabled, enabled == 0 ? LAST_STORE_WARNING : null, message);
    }

    private String by(Exchange ex) {
        return "api " + ex.getIn().getHeader(Exchange.HTTP_METHOD) + " " + ex.getIn().getHeader(Exchange.HTTP_PATH)
                + " from " + ex.getIn().getHeader(ApiGuard.CLIENT, String.class);
    }

    /** A configured store, or 404 naming the path's field. */
    private StoreConfig store(String id) {
        StoreConfig s = id == null ? null : config.store(id);
        if (s == null) {
            throw new ApiException(404, "unknown store '" + Requests.shown(id, 64) + "'", "id");
        }
        return s;
    }

    Answers.StoreView view(StoreConfig s, StoreRules rules) {
        StoreControlRecord c = rules.controls().get(s.id());
        return new Answers.StoreView(s.id(), s.name(), s.system(), rules.enabled(s), s.enabled(), rules.priority(s.id()),
                rules.maxAttempts(s.id(), settings.maxAttempts()),
                Math.max(1, rules.retryInterval(s.id(), settings.retryInterval()).toMinutes()),
                c != null && c.maxAttempts() != null, c != null && c.retryIntervalMinutes() != null,
                c == null ? null : c.changedBy(), c == null ? null : Views.iso(c.updatedAt(), zone()));
    }
}
