package io.fluxion.orchestrator.monitoring;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.etl.SourceDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Probes the stores' sources: a fresh connection (login timeout = the probe timeout) and {@code SELECT 1},
 * every store in parallel, the whole round bounded by the probe timeout. A round is reused for
 * {@code maxAge}, so a health poller does not reach over the VPN on every request. The window's
 * connectivity probe at its start can call {@link #probeNow()}.
 */
public class StoreProbe {
    /** One store's answer. */
    public record Result(String storeId, boolean reachable, String error, Instant at) {
    }

    /** One round over every store, in the configured order. */
    public record Round(Map<String, Result> results, Instant at) {
    }

    private final List<StoreConfig> stores;
    private final Clock clock;
    private final Duration timeout;
    private final Duration maxAge;
    private final List<String> secrets;
    private final ExecutorService pool;
    private volatile Round last;

    public StoreProbe(List<StoreConfig> stores, Clock clock, Duration timeout, Duration maxAge, List<String> secrets,
                      ExecutorService pool) {
        this.stores = List.copyOf(stores);
        this.clock = clock;
        this.timeout = timeout;
        this.maxAge = maxAge;
        this.secrets = secrets;
        this.pool = pool;
    }

    /** The last round if younger than {@code maxAge}, else a new one. */
    public Round latest() {
        Round r = last;
        if (r != null && Duration.between(r.at(), clock.instant()).compareTo(maxAge) < 0) {
            return r;
        }
        return probeNow();
    }

    /** Probes every store now (concurrent callers share nothing but the pool; the newest round is kept). */
    public Round probeNow() {
        Instant started = clock.instant();
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Future<Result>> futures = new LinkedHashMap<>();
        for (StoreConfig s : stores) {
            futures.put(s.id(), pool.submit(() -> probe(s)));
        }
        Map<String, Result> out = new LinkedHashMap<>();
        futures.forEach((id, f) -> {
            Result r;
            try {
                r = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                r = new Result(id, false, "no answer within " + Durations.format(timeout), clock.instant());
            } catch (ExecutionException e) {
                r = new Result(id, false, String.valueOf(e.getCause()), clock.instant());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r = new Result(id, false, "interrupted", clock.instant());
            }
            out.put(id, r);
        });
        Round round = new Round(out, started);
        last = round;
        return round;
    }

    private Result probe(StoreConfig s) {
        try (Connection c = new SourceDataSource(s, timeout, timeout).getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            st.execute("SELECT 1");
            return new Result(s.id(), true, null, clock.instant());
        } catch (SQLException | RuntimeException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            // driver messages may quote the URL (and its password): scrubbed, first line only, bounded
            msg = Secrets.scrub(msg, secrets).lines().findFirst().orElse("");
            return new Result(s.id(), false, msg.length() > 200 ? msg.substring(0, 200) + "..." : msg, clock.instant());
        }
    }
}
