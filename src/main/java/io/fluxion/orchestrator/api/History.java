package io.fluxion.orchestrator.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /api/etl/history}: what the page's charts draw (seed 002's metrics dashboard), from the ledger only. Per
 * night (the date a window run started on, in the window zone) of the last {@code nights} that had a window run of
 * the window's own kinds: the backend's downtime, the rows loaded, the store loads that succeeded and failed; per
 * store, the average time of a successful load over those nights; per store and business date of the last {@code nights}
 * dates, loaded, missing, suspect or disabled ({@link GapsOverTime}). Pure: ledger records in, the answer out.
 */
public final class History {
    static final Set<String> NIGHT_KINDS = Set.of("scheduled", "catch-up", "recovery");

    private History() {
    }

    /** {@code gaps_by_store}: the gaps-over-time grid of the last {@code nights} business dates ({@link GapsOverTime}). */
    @JsonNaming(SnakeCaseStrategy.class)
    public record Answer(List<Night> nights, List<StoreTime> stores, GapsOverTime.Answer gapsByStore) {
        Answer with(GapsOverTime.Answer gaps) {
            return new Answer(nights, stores, gaps);
        }
    }

    /** One night: its runs' sums (downtime_seconds 0 when the backend was not stopped, e.g. backend mode none). */
    @JsonNaming(SnakeCaseStrategy.class)
    public record Night(LocalDate fecha, int runs, long downtimeSeconds, long rows, int exitosas, int fallidas,
                        String status) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record StoreTime(String ubicacionId, String nombre, int loads, Double avgLoadSeconds) {
    }

    static Answer build(List<RunRecord> runs, List<AttemptRecord> attempts, List<StoreConfig> stores, ZoneId zone,
                        int nights) {
        TreeMap<LocalDate, List<RunRecord>> byNight = new TreeMap<>();
        for (RunRecord r : runs) {
            if (!NIGHT_KINDS.contains(r.kind()) || "SKIPPED".equals(r.status()) || r.startedAt() == null) {
                continue;
            }
            byNight.computeIfAbsent(r.startedAt().atZone(zone).toLocalDate(), d -> new ArrayList<>()).add(r);
        }
        while (byNight.size() > nights) {
            byNight.pollFirstEntry();
        }
        List<Night> out = new ArrayList<>();
        LocalDate first = byNight.isEmpty() ? null : byNight.firstKey();
        for (Map.Entry<LocalDate, List<RunRecord>> e : byNight.entrySet()) {
            long down = 0;
            long rows = 0;
            int ok = 0;
            int failed = 0;
            String status = "SUCCEEDED";
            for (RunRecord r : e.getValue()) {
                Long d = Views.downtimeSeconds(r);
                down += d == null ? 0 : d;
                rows += r.rowsLoaded() == null ? 0 : r.rowsLoaded();
                ok += r.storesSucceeded() == null ? 0 : r.storesSucceeded();
                failed += r.storesFailed() == null ? 0 : r.storesFailed();
                if (!"SUCCEEDED".equals(r.status())) {
                    status = r.status();
                }
            }
            out.add(new Night(e.getKey(), e.getValue().size(), down, rows, ok, failed, status));
        }
        List<StoreTime> times = new ArrayList<>();
        for (StoreConfig s : stores) {
            long n = 0;
            long millis = 0;
            for (AttemptRecord a : attempts) {
                if (a.storeId().equals(s.id()) && a.endedAt() != null
                        && (first == null || !a.startedAt().atZone(zone).toLocalDate().isBefore(first))) {
                    n++;
                    millis += Duration.between(a.startedAt(), a.endedAt()).toMillis();
                }
            }
            times.add(new StoreTime(s.id(), s.name(), (int) n, n == 0 ? null : Math.round(millis / (double) n / 100.0) / 10.0));
        }
        return new Answer(out, times, null);
    }
}
