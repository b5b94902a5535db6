package io.fluxion.orchestrator.api;

import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.ledger.StepRecord;
import io.fluxion.orchestrator.window.StoreProgress;
import io.fluxion.orchestrator.window.WindowRun;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON-ready views (maps of plain values) of runs, their progress and their ledger records. */
final class Views {
    private Views() {
    }

    /** ISO-8601 with offset, to the second, in the window zone: "2026-11-21T01:30:00-04:00". */
    static final java.time.format.DateTimeFormatter ISO = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    static String iso(Instant i, ZoneId zone) {
        return i == null ? null : ISO.format(i.atZone(zone));
    }

    /**
     * Estimated ETL time left: from the rows expected (each store's last loaded day) while nothing waits
     * for a retry, else from the share of store loads finished for good (a failed store with attempts
     * left still counts as work to do).
     */
    static Duration eta(WindowRun run, Instant now, int awaitingRetry) {
        Duration eta = awaitingRetry == 0 ? run.eta(now) : null;
        if (eta != null) {
            return eta;
        }
        long total = run.getWorkItems().size();
        long done = run.count(StoreProgress.Status.SUCCEEDED) + run.count(StoreProgress.Status.FAILED) - awaitingRetry;
        if (done <= 0 || total == 0) {
            return null;
        }
        long elapsed = Duration.between(run.startedAt(), now).toMillis();
        return Duration.ofMillis(elapsed * (total - done) / done);
    }

    static Map<String, Object> currentRun(WindowRun run, Instant now, ZoneId zone, int awaitingRetry) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", run.getId());
        m.put("kind", run.getKind());
        m.put("phase", run.phase().name().toLowerCase());
        m.put("business_dates", run.getDates().stream().map(Object::toString).toList());
        m.put("started_at", iso(run.startedAt(), zone));
        m.put("deadline", iso(run.deadline(), zone));
        int total = run.getWorkItems().size();
        long ok = run.count(StoreProgress.Status.SUCCEEDED);
        long failed = run.count(StoreProgress.Status.FAILED);
        m.put("stores_total", total);
        m.put("stores_done", ok + failed);
        m.put("exitosas", ok);
        m.put("fallidas", failed);
        m.put("rows", run.rows());
        double secs = Math.max(0.001, Duration.between(run.startedAt(), now).toMillis() / 1000.0);
        m.put("rows_per_second", Math.round(run.rows() / secs));
        m.put("percent", total == 0 ? 100.0 : round1(100.0 * (ok + failed) / total));
        Duration eta = eta(run, now, awaitingRetry);
        m.put("pending_retries", awaitingRetry);
        m.put("eta_seconds", eta == null ? null : eta.toSeconds());
        m.put("failure", run.failure());
        m.put("strategy", run.strategy());
        m.put("backend_down", run.backendDown());
        m.put("staged", run.count(StoreProgress.Status.STAGED));
        m.put("merges", run.merges());
        m.put("staging_seconds", run.stagingTime().toSeconds());
        m.put("downtime_seconds", run.downtime().toSeconds());
        List<Map<String, Object>> stores = new ArrayList<>();
        for (StoreProgress p : run.progress()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("store_id", p.storeId());
            s.put("name", p.storeName());
            s.put("fecha", p.date().toString());
            s.put("status", p.status().name());
            s.put("rows", p.rows());
            s.put("expected_rows", p.expectedRows());
            s.put("percent", percent(p));
            s.put("rows_per_second", Math.round(p.rate(now)));
            Duration e = p.eta(now);
            s.put("eta_seconds", e == null ? null : e.toSeconds());
            s.put("attempts", p.attempts());
            s.put("error", p.error());
            s.put("note", p.note());
            stores.add(s);
        }
        m.put("stores", stores);
        return m;
    }

    static double percent(StoreProgress p) {
        return switch (p.status()) {
            case SUCCEEDED, FAILED -> 100.0;
            // pulled into its staging file, waiting for the merge stop
            case STAGED -> 99.0;
            case PENDING -> 0.0;
            case RUNNING -> p.expectedRows() == null || p.expectedRows() <= 0 ? 0.0
                    : Math.min(99.0, round1(100.0 * p.rows() / p.expectedRows()));
        };
    }

    static double round1(double d) {
        return Math.round(d * 10) / 10.0;
    }

    static Long downtimeSeconds(RunRecord r) {
        if (r.downtimeMs() != null) {
            // recorded at the run's end: every stop of the run together (a staged run may stop twice)
            return r.downtimeMs() / 1000;
        }
        if (r.backendStoppedAt() == null) {
            return null;
        }
        Instant end = r.backendStartedAt() != null ? r.backendStartedAt() : r.endedAt();
        return end == null ? null : Duration.between(r.backendStoppedAt(), end).toSeconds();
    }

    static Map<String, Object> run(RunRecord r, ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", r.id());
        m.put("kind", r.kind());
        m.put("requested_by", r.requestedBy());
        m.put("status", r.status());
        m.put("reason", r.reason());
        m.put("business_dates", r.businessDates().stream().map(Object::toString).toList());
        m.put("store_ids", r.storeIds() == null || r.storeIds().isBlank() ? List.of() : List.of(r.storeIds().split(",")));
        m.put("started_at", iso(r.startedAt(), zone));
        m.put("ended_at", iso(r.endedAt(), zone));
        m.put("duration_seconds", r.endedAt() == null ? null : Duration.between(r.startedAt(), r.endedAt()).toSeconds());
        m.put("backend_mode", r.backendMode());
        m.put("backend_state", r.backendState());
        m.put("downtime_seconds", downtimeSeconds(r));
        m.put("strategy", r.strategy() == null ? "stop-first" : r.strategy());
        m.put("staging_seconds", r.stagingMs() == null ? null : r.stagingMs() / 1000);
        m.put("merges", r.merges());
        m.put("total", r.storesTotal());
        m.put("exitosas", r.storesSucceeded());
        m.put("fallidas", r.storesFailed());
        m.put("rows", r.rowsLoaded());
        return m;
    }

    static Map<String, Object> step(StepRecord s, ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", s.step());
        m.put("status", s.status());
        m.put("detail", s.detail());
        m.put("started_at", iso(s.startedAt(), zone));
        m.put("ended_at", iso(s.endedAt(), zone));
        return m;
    }

    static Map<String, Object> attempt(AttemptRecord a, ZoneId zone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("store_id", a.storeId());
        m.put("fecha", a.businessDate().toString());
        m.put("attempt", a.attempt());
        m.put("status", a.status());
        m.put("rows", a.rows());
        m.put("total", a.total());
        m.put("error", a.error());
        m.put("rows_left_out", a.rowsLeftOut());
        m.put("note", a.note());
        m.put("started_at", iso(a.startedAt(), zone));
        m.put("ended_at", iso(a.endedAt(), zone));
        return m;
    }
}
