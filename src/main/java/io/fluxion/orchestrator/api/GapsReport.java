package io.fluxion.orchestrator.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.StoreDayRecord;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code GET /api/ventas/gaps}: per store, rows, first and last loaded date, days behind, completeness
 * and missing date ranges, answered from the ledger's store_day coverage only (DuckDB may be held by
 * the backend or by another process).
 */
public final class GapsReport {
    private GapsReport() {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record Gaps(LocalDate periodStart, LocalDate periodEnd, Summary summary, List<StoreGaps> stores) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record Summary(int total, int desactualizadas, int conGaps, int deshabilitadas) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record StoreGaps(String ubicacionId, String nombre, String system, boolean enabled, long rows,
                            LocalDate firstDate, LocalDate lastDate, Long daysBehind, double completeness,
                            long missingDays, List<Range> missingRanges, String badge, String lastError) {
    }

    /** Missing dates desde..hasta, dias of them. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record Range(LocalDate desde, LocalDate hasta, long dias) {
        static Range of(LocalDate a, LocalDate b) {
            return new Range(a, b, ChronoUnit.DAYS.between(a, b) + 1);
        }
    }

    /**
     * @param from first date of the period examined; null = the earliest date loaded by any store (or yesterday)
     * @param yesterday the last business date that can be loaded
     */
    static Gaps build(List<StoreConfig> stores, List<StoreDayRecord> days, LocalDate from, LocalDate yesterday) {
        LocalDate periodStart = from;
        if (periodStart == null) {
            periodStart = days.stream().filter(d -> "LOADED".equals(d.status())).map(StoreDayRecord::businessDate)
                    .min(LocalDate::compareTo).orElse(yesterday);
        }
        if (periodStart.isAfter(yesterday)) {
            periodStart = yesterday;
        }
        long periodDays = ChronoUnit.DAYS.between(periodStart, yesterday) + 1;
        List<StoreGaps> rows = new ArrayList<>();
        int behind = 0;
        int withGaps = 0;
        int disabled = 0;
        for (StoreConfig s : stores) {
            TreeSet<LocalDate> loaded = new TreeSet<>();
            long rowCount = 0;
            String lastError = null;
            for (StoreDayRecord d : days) {
                if (!d.storeId().equals(s.id())) {
                    continue;
                }
                if ("LOADED".equals(d.status())) {
                    loaded.add(d.businessDate());
                    rowCount += d.rows() == null ? 0 : d.rows();
                } else if (d.error() != null) {
                    lastError = d.error();
                }
            }
            LocalDate first = loaded.isEmpty() ? null : loaded.first();
            LocalDate last = loaded.isEmpty() ? null : loaded.last();
            Long daysBehind = last == null ? null : Math.max(0, ChronoUnit.DAYS.between(last, yesterday));
            List<Range> missing = new ArrayList<>();
            long loadedInPeriod = 0;
            LocalDate gapStart = null;
            for (LocalDate d = periodStart; !d.isAfter(yesterday); d = d.plusDays(1)) {
                if (loaded.contains(d)) {
                    loadedInPeriod++;
                    if (gapStart != null) {
                        missing.add(Range.of(gapStart, d.minusDays(1)));
                        gapStart = null;
                    }
                } else if (gapStart == null) {
                    gapStart = d;
                }
            }
            if (gapStart != null) {
                missing.add(Range.of(gapStart, yesterday));
            }
            rows.add(new StoreGaps(s.id(), s.name(), s.system(), s.enabled(), rowCount, first, last, daysBehind,
                    periodDays <= 0 ? 0.0 : Math.round(10000.0 * loadedInPeriod / periodDays) / 100.0,
                    periodDays - loadedInPeriod, missing, badge(daysBehind), lastError));
            if (daysBehind == null || daysBehind > 0) {
                behind++;
            }
            if (!missing.isEmpty()) {
                withGaps++;
            }
            if (!s.enabled()) {
                disabled++;
            }
        }
        return new Gaps(periodStart, yesterday, new Summary(stores.size(), behind, withGaps, disabled), rows);
    }

    /** green: up to date; orange: 1-7 days behind; red: more than 7 or never loaded. */
    static String badge(Long daysBehind) {
        if (daysBehind == null || daysBehind > 7) {
            return "red";
        }
        return daysBehind == 0 ? "green" : "orange";
    }
}
