package io.fluxion.orchestrator.api;

import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.ledger.StepRecord;
import io.fluxion.orchestrator.window.StoreProgress;
import io.fluxion.orchestrator.window.WindowRun;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The answers' views of runs, their progress and their ledger records. */
final class Views {
    /** ISO-8601 with offset, to the second, in the window zone: "2026-11-21T01:30:00-04:00". */
    static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX");

    private Views() {
    }

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

    static Answers.CurrentRun currentRun(WindowRun run, Instant now, ZoneId zone, int awaitingRetry) {
        int total = run.getWorkItems().size();
        long ok = run.count(StoreProgress.Status.SUCCEEDED);
        long failed = run.count(StoreProgress.Status.FAILED);
        double secs = Math.max(0.001, Duration.between(run.startedAt(), now).toMillis() / 1000.0);
        Duration eta = eta(run, now, awaitingRetry);
        List<Answers.StoreRow> stores = run.progress().stream().map(p -> new Answers.StoreRow(p.storeId(), p.storeName(),
                p.date(), p.status().name(), p.rows(), p.expectedRows(), percent(p), Math.round(p.rate(now)),
                seconds(p.eta(now)), p.attempts(), p.error(), p.note())).toList();
        return new Answers.CurrentRun(run.getId(), run.getKind(), run.phase().name().toLowerCase(), run.getDates(),
                iso(run.startedAt(), zone), iso(run.deadline(), zone), total, ok + failed, ok, failed, run.rows(),
                Math.round(run.rows() / secs), total == 0 ? 100.0 : round1(100.0 * (ok + failed) / total), awaitingRetry,
                seconds(eta), run.failure(), stores, run.strategy(), run.backendDown(),
                run.count(StoreProgress.Status.STAGED), run.merges(), run.stagingTime().toSeconds(),
                run.downtime().toSeconds());
    }

    /**
     * The run the leader of a cluster has open, as a follower sees it from the ledger: per (store, date) the newest
     * attempt's status and rows (a (store, date) with no attempt yet is PENDING), the phase from the run's backend
     * state. No rates or estimates: rows reach the ledger when an attempt ends (staged, loaded or failed).
     */
    static Answers.CurrentRun leaderRun(RunRecord r, List<AttemptRecord> attempts, Instant now, ZoneId zone,
                                        Function<String, String> storeName) {
        Map<String, AttemptRecord> newest = new HashMap<>();
        for (AttemptRecord a : attempts) {
            newest.merge(a.storeId() + "|" + a.businessDate(), a, (x, y) -> y.attempt() >= x.attempt() ? y : x);
        }
        List<String> storeIds = r.storeIds() == null || r.storeIds().isBlank() ? List.of()
                : Arrays.stream(r.storeIds().split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        List<Answers.StoreRow> stores = new ArrayList<>();
        long ok = 0;
        long failed = 0;
        long staged = 0;
        long rows = 0;
        for (LocalDate d : r.businessDates()) {
            for (String id : storeIds) {
                AttemptRecord a = newest.get(id + "|" + d);
                String status = a == null ? "PENDING" : a.status();
                long n = a == null || a.rows() == null ? 0 : a.rows();
                ok += "SUCCEEDED".equals(status) ? 1 : 0;
                failed += "FAILED".equals(status) ? 1 : 0;
                staged += "STAGED".equals(status) ? 1 : 0;
                rows += "SUCCEEDED".equals(status) || "STAGED".equals(status) ? n : 0;
                double pct = switch (status) {
                    case "SUCCEEDED", "FAILED" -> 100.0;
                    case "STAGED" -> 99.0;
                    default -> 0.0;
                };
                stores.add(new Answers.StoreRow(id, storeName.apply(id), d, status, n, null, pct, 0, null,
                        a == null ? 0 : a.attempt(), a == null ? null : a.error(), a == null ? null : a.note()));
            }
        }
        int total = stores.size();
        boolean staging = "staged".equals(r.strategy());
        String phase = switch (r.backendState() == null ? "" : r.backendState()) {
            case "STOPPING" -> "stopping_backend";
            case "STOPPED" -> staging ? "merging" : "etl";
            case "STARTING", "START_REQUESTED" -> "starting_backend";
            default -> staging ? "staging" : "probing_stores";
        };
        boolean down = Set.of("STOPPING", "STOPPED", "STARTING", "START_REQUESTED").contains(r.backendState());
        double secs = Math.max(0.001, Duration.between(r.startedAt(), now).toMillis() / 1000.0);
        return new Answers.CurrentRun(r.id(), r.kind(), phase, r.businessDates(), iso(r.startedAt(), zone), null, total,
                ok + failed, ok, failed, rows, Math.round(rows / secs), total == 0 ? 100.0 : round1(100.0 * (ok + failed) / total),
                0, null, null, stores, r.strategy(), down, staged, r.merges() == null ? 0 : r.merges(),
                r.stagingMs() == null ? 0 : r.stagingMs() / 1000, r.downtimeMs() == null ? 0 : r.downtimeMs() / 1000);
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

    private static Long seconds(Duration d) {
        return d == null ? null : d.toSeconds();
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

    static Answers.RunView run(RunRecord r, ZoneId zone) {
        return new Answers.RunView(r.id(), r.kind(), r.requestedBy(), r.status(), r.reason(), r.businessDates(),
                r.storeIds() == null || r.storeIds().isBlank() ? List.of() : List.of(r.storeIds().split(",")),
                iso(r.startedAt(), zone), iso(r.endedAt(), zone),
                r.endedAt() == null ? null : Duration.between(r.startedAt(), r.endedAt()).toSeconds(), r.backendMode(),
                r.backendState(), downtimeSeconds(r), r.storesTotal(), r.storesSucceeded(), r.storesFailed(), r.rowsLoaded(),
                r.strategy() == null ? "stop-first" : r.strategy(), r.stagingMs() == null ? null : r.stagingMs() / 1000,
                r.merges());
    }

    static Answers.StepView step(StepRecord s, ZoneId zone) {
        return new Answers.StepView(s.step(), s.status(), s.detail(), iso(s.startedAt(), zone), iso(s.endedAt(), zone));
    }

    static Answers.AttemptView attempt(AttemptRecord a, ZoneId zone) {
        return new Answers.AttemptView(a.storeId(), a.businessDate(), a.attempt(), a.status(), a.rows(), a.total(),
                a.error(), a.rowsLeftOut(), a.note(), iso(a.startedAt(), zone), iso(a.endedAt(), zone));
    }
}
