package io.fluxion.orchestrator.window;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.Texts;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * What a window run did: stores total / succeeded / failed, rows, duration, backend downtime.
 * {@link #succeeded()} is true only when every (store, date) loaded and the backend is back.
 */
public record RunSummary(long runId, String kind, String status, String reason, List<LocalDate> dates, int total,
                         int storesSucceeded, int storesFailed, long rows, Duration duration, Duration downtime,
                         List<Line> lines, String strategy, Duration staging, int merges) {

    public RunSummary(long runId, String kind, String status, String reason, List<LocalDate> dates, int total,
                      int storesSucceeded, int storesFailed, long rows, Duration duration, Duration downtime,
                      List<Line> lines) {
        this(runId, kind, status, reason, dates, total, storesSucceeded, storesFailed, rows, duration, downtime, lines,
                "stop-first", null, 0);
    }

    /** Lines printed one by one; a longer run prints its unsuccessful and noted lines first, up to this many. */
    static final int MAX_LINES = 100;

    /** One (store, date) of the run; {@code note}: rows left out, or a suspect load that kept its old rows. */
    public record Line(String storeId, String storeName, LocalDate date, String status, long rows, int attempts,
                       String error, String note) {
        public Line(String storeId, String storeName, LocalDate date, String status, long rows, int attempts,
                    String error) {
            this(storeId, storeName, date, status, rows, attempts, error, null);
        }
    }

    /** True only when every (store, date) loaded and the backend is back. */
    public boolean succeeded() {
        return "SUCCEEDED".equals(status);
    }

    /** The summary printed by {@code run-window} and logged at the end of every run. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("Window run #").append(runId).append(" (").append(kind).append(") ").append(status);
        if (reason != null) {
            sb.append(": ").append(reason);
        }
        sb.append('\n');
        sb.append("  business dates: ").append(Texts.dates(dates)).append('\n');
        sb.append("  stores: ").append(total).append(" total, ").append(storesSucceeded).append(" succeeded, ")
                .append(storesFailed).append(" failed");
        long notStarted = lines.stream().filter(l -> "PENDING".equals(l.status())).count();
        if (notStarted > 0) {
            // the run stopped before these stores started (backend did not drain, DuckDB locked, ...)
            sb.append(" (").append(notStarted).append(" of them never started)");
        }
        sb.append("; rows loaded: ").append(rows).append('\n');
        sb.append("  duration: ").append(Durations.format(duration));
        if (staging != null) {
            // strategy staged: the pull ran while the backend served; the downtime is only the merge stop(s)
            sb.append(", staging (backend serving): ").append(Durations.format(staging)).append(", merge stops: ")
                    .append(merges);
        }
        sb.append(", backend downtime: ").append(downtime == null ? "none" : Durations.format(downtime)).append('\n');
        List<Line> shown = lines;
        if (lines.size() > MAX_LINES) {
            // a long run (a sync of a year): what went wrong first, the plain successes only as a count
            shown = new java.util.ArrayList<>(lines.stream().filter(l -> !"SUCCEEDED".equals(l.status())
                    || l.note() != null).limit(MAX_LINES).toList());
        }
        for (Line l : shown) {
            String text = l.error() != null ? l.error() : l.note();
            sb.append(String.format("  %-10s %-16s %s %-9s %9d rows  attempts=%d%s%n", l.storeId(),
                    l.storeName() == null ? "" : l.storeName(), l.date(), l.status(), l.rows(), l.attempts(),
                    text == null ? "" : "  " + Texts.clip(text, 500)));
        }
        if (shown.size() < lines.size()) {
            sb.append("  ... and ").append(lines.size() - shown.size()).append(" more store loads not shown (")
                    .append(lines.stream().filter(l -> "SUCCEEDED".equals(l.status()) && l.note() == null).count())
                    .append(" succeeded without a remark); GET /api/etl/runs/").append(runId)
                    .append(" lists them all\n");
        }
        return sb.toString();
    }
}
