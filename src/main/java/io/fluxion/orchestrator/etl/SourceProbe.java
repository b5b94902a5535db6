package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.config.Texts;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Probes stores' sources: a fresh connection (login timeout = the probe timeout) and {@code SELECT 1}, every store
 * in parallel on the probe pool, the whole round bounded by the probe timeout (a store that has not answered by then
 * is unreachable, whatever its driver does). The newest answer of each store is kept, whoever asked (the window at
 * its start, the health check, the status API), so every view shows the same, newest knowledge.
 */
public class SourceProbe {
    /** The probe's timeout: connect + query of one round. */
    public static final String TIMEOUT_KEY = "fluxion.monitoring.probe-timeout";
    /** Longest {@link Result#error()}. */
    public static final int ERROR_MAX = 300;

    /**
     * One store's answer.
     *
     * @param millis how long the connection and the query took (the timeout when it gave up)
     * @param by     who asked: "window run #12", "health", ...
     */
    public record Result(String storeId, boolean reachable, String error, long millis, Instant at, String by) {
    }

    /** One round over the stores asked, in their order. */
    public record Round(Map<String, Result> results, Instant at, String by) {
        public List<Result> unreachable() {
            return results.values().stream().filter(r -> !r.reachable()).toList();
        }
    }

    private final Clock clock;
    private final Duration timeout;
    private final List<String> secrets;
    private final ExecutorService pool;
    private final Map<String, Result> newest = new ConcurrentHashMap<>();

    public SourceProbe(Clock clock, Duration timeout, List<String> secrets, ExecutorService pool) {
        this.clock = clock;
        this.timeout = timeout;
        this.secrets = List.copyOf(secrets);
        this.pool = pool;
    }

    public Duration timeout() {
        return timeout;
    }

    /** The newest answer of each store probed since the start (any caller), by store id. */
    public Map<String, Result> newest() {
        return Map.copyOf(newest);
    }

    /** Probes these stores now, in parallel; returns within about the probe timeout. Never throws. */
    public Round probe(Collection<StoreConfig> stores, String by) {
        Instant started = clock.instant();
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Future<Result>> futures = new LinkedHashMap<>();
        Map<String, Result> out = new LinkedHashMap<>();
        for (StoreConfig s : stores) {
            try {
                futures.put(s.id(), pool.submit(() -> probe(s, by)));
            } catch (RejectedExecutionException e) {
                out.put(s.id(), new Result(s.id(), false, "not probed: the probe pool is shut down", 0, started, by));
            }
        }
        futures.forEach((id, f) -> {
            Result r;
            try {
                r = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                r = new Result(id, false, "no answer within " + Durations.format(timeout), timeout.toMillis(),
                        clock.instant(), by);
            } catch (ExecutionException e) {
                r = new Result(id, false, bounded(String.valueOf(e.getCause())), 0, clock.instant(), by);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                r = new Result(id, false, "interrupted", 0, clock.instant(), by);
            }
            out.put(id, r);
        });
        out.values().forEach(r -> newest.merge(r.storeId(), r, (old, now) -> now.at().isBefore(old.at()) ? old : now));
        return new Round(out, started, by);
    }

    private Result probe(StoreConfig s, String by) {
        long t0 = System.nanoTime();
        try (Connection c = new SourceDataSource(s, timeout, timeout).getConnection(); Statement st = c.createStatement()) {
            st.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            st.execute("SELECT 1");
            return new Result(s.id(), true, null, elapsed(t0), clock.instant(), by);
        } catch (SQLException | RuntimeException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new Result(s.id(), false, bounded(msg), elapsed(t0), clock.instant(), by);
        }
    }

    /** Driver messages may quote the URL (and its password): scrubbed, first line only, bounded. */
    private String bounded(String msg) {
        String line = Secrets.scrub(msg, secrets).lines().findFirst().orElse("");
        return Texts.clip(line, ERROR_MAX);
    }

    private static long elapsed(long t0) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    }
}
