package io.fluxion.orchestrator.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The product's own Prometheus metrics (names are a contract: dashboards and alert rules use them):
 * <ul>
 * <li>{@code fluxion_rows_loaded_total{store}}: rows committed to DuckDB by window store loads</li>
 * <li>{@code fluxion_store_loads_total{store,outcome}}: window (store, date) loads by final outcome
 *     (succeeded, failed, not_started)</li>
 * <li>{@code fluxion_window_runs_total{kind,outcome}}: window runs (scheduled, manual, cli, recovery,
 *     catch-up) by outcome (succeeded, failed, skipped)</li>
 * <li>{@code fluxion_window_duration_seconds}, {@code fluxion_backend_downtime_seconds}: of the last run</li>
 * <li>{@code fluxion_window_staging_seconds}: of the last run, the time it pulled while the backend served
 *     (strategy staged; 0 for stop-first)</li>
 * <li>{@code fluxion_store_days_behind{store}}: days between yesterday and the store's last loaded date</li>
 * <li>{@code fluxion_last_completed_business_date_seconds}: epoch of the newest completed business date</li>
 * <li>{@code fluxion_klk_runs_total{route,outcome}}: KLK runs by outcome (succeeded, failed, skipped, dropped)</li>
 * <li>{@code fluxion_cluster_leader{node}}: 1 while this instance leads (always with one instance), else 0</li>
 * </ul>
 * Counters start at zero with the process; the gauges read the ledger (one query, cached a few seconds),
 * so they are right after a restart too.
 */
public class FluxionMetrics {
    private static final Logger LOG = LoggerFactory.getLogger(FluxionMetrics.class);
    private static final long CACHE_NANOS = Duration.ofSeconds(5).toNanos();

    private final MeterRegistry registry;
    private final MonitoringLedger ledger;
    private final ZoneId zone;
    private final Supplier<LocalDate> businessDate;
    private volatile double windowDuration = Double.NaN;
    private volatile double backendDowntime = Double.NaN;
    private volatile double windowStaging = Double.NaN;
    private volatile Snapshot snapshot;

    private record Snapshot(Map<String, LocalDate> lastLoaded, Optional<LocalDate> lastCompleted, long readAt) {
    }

    /**
     * @param stores       the window's stores (their series exist from the start, at zero)
     * @param businessDate the window's business date now (yesterday in the window zone)
     */
    /** {@code fluxion_cluster_leader{node}}: 1 while this instance leads, 0 while it follows (SPEC 2.8). */
    public void leadership(java.util.function.BooleanSupplier leads, String node) {
        // a strong reference: Micrometer keeps a gauge's object weakly, and nothing else holds this supplier
        Gauge.builder("fluxion.cluster.leader", leads, l -> l.getAsBoolean() ? 1 : 0).strongReference(true).tag("node", node)
                .description("1 while this instance leads the cluster (always with one instance), 0 while it follows")
                .register(registry);
    }

    public FluxionMetrics(MeterRegistry registry, MonitoringLedger ledger, ZoneId zone,
                          Supplier<LocalDate> businessDate, Collection<String> stores) {
        this.registry = registry;
        this.ledger = ledger;
        this.zone = zone;
        this.businessDate = businessDate;
        Gauge.builder("fluxion.window.duration.seconds", this, m -> m.windowDuration)
                .description("Duration of the last window run").register(registry);
        Gauge.builder("fluxion.backend.downtime.seconds", this, m -> m.backendDowntime)
                .description("Backend downtime of the last window run (0 when it was not stopped)").register(registry);
        Gauge.builder("fluxion.window.staging.seconds", this, m -> m.windowStaging)
                .description("Staging time of the last window run, backend serving (0: strategy stop-first)")
                .register(registry);
        Gauge.builder("fluxion.last.completed.business.date.seconds", this, FluxionMetrics::lastCompletedEpoch)
                .description("Start (window zone) of the newest business date every store loaded, epoch seconds")
                .register(registry);
        for (String store : stores) {
            Gauge.builder("fluxion.store.days.behind", this, m -> m.daysBehind(store)).tag("store", store)
                    .description("Days between yesterday and the store's last loaded business date").register(registry);
            rowsLoaded(store);
            for (String outcome : new String[] {"succeeded", "failed"}) {
                storeLoads(store, outcome);
            }
        }
        try {
            ledger.lastFinishedRun().ifPresent(r -> lastRun(between(r[0], r[1]), r[2] == null ? Duration.ZERO
                    : between(r[2], r[3] != null ? r[3] : r[1])));
        } catch (RuntimeException e) {
            LOG.warn("Last run's duration not read from the ledger: {}", e.getMessage());
        }
    }

    private static Duration between(Instant a, Instant b) {
        return a == null || b == null ? null : Duration.between(a, b);
    }

    public Counter rowsLoaded(String store) {
        return Counter.builder("fluxion.rows.loaded").tag("store", store)
                .description("Rows committed to DuckDB by window store loads").register(registry);
    }

    public Counter storeLoads(String store, String outcome) {
        return Counter.builder("fluxion.store.loads").tag("store", store).tag("outcome", outcome)
                .description("Window (store, date) loads by final outcome").register(registry);
    }

    public Counter windowRuns(String kind, String outcome) {
        return Counter.builder("fluxion.window.runs").tag("kind", kind).tag("outcome", outcome)
                .description("Window runs by kind and outcome").register(registry);
    }

    public Counter klkRuns(String route, String outcome) {
        return Counter.builder("fluxion.klk.runs").tag("route", route).tag("outcome", outcome)
                .description("KLK runs by route and outcome").register(registry);
    }

    /** The last run's duration and backend downtime (null downtime: the backend was not stopped, 0). */
    public void lastRun(Duration duration, Duration downtime) {
        lastRun(duration, downtime, null);
    }

    /** The same, with the run's staging time (null: strategy stop-first, 0). */
    public void lastRun(Duration duration, Duration downtime, Duration staging) {
        windowStaging = staging == null ? 0 : staging.toMillis() / 1000.0;
        if (duration != null) {
            windowDuration = duration.toMillis() / 1000.0;
        }
        backendDowntime = downtime == null ? 0 : downtime.toMillis() / 1000.0;
    }

    /** Forgets the cached ledger reads (after a run changed them). */
    public void refresh() {
        snapshot = null;
    }

    /** Days behind of one store; NaN when it never loaded a date. */
    public double daysBehind(String store) {
        LocalDate last = snapshot().lastLoaded().get(store);
        return last == null ? Double.NaN : Math.max(0, ChronoUnit.DAYS.between(last, businessDate.get()));
    }

    /** Every store that loaded at least one date, with its last loaded date. */
    public Map<String, LocalDate> lastLoadedDates() {
        return snapshot().lastLoaded();
    }

    double lastCompletedEpoch() {
        return snapshot().lastCompleted().map(d -> (double) d.atStartOfDay(zone).toEpochSecond()).orElse(Double.NaN);
    }

    private Snapshot snapshot() {
        Snapshot s = snapshot;
        if (s == null || System.nanoTime() - s.readAt() > CACHE_NANOS) {
            try {
                s = new Snapshot(ledger.lastLoadedDates(), ledger.lastCompletedBusinessDate(), System.nanoTime());
            } catch (RuntimeException e) {
                LOG.warn("Metrics: ledger not read: {}", e.getMessage());
                s = new Snapshot(Map.of(), Optional.empty(), System.nanoTime());
            }
            snapshot = s;
        }
        return s;
    }

    static String outcome(String status) {
        return status == null ? "unknown" : status.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
