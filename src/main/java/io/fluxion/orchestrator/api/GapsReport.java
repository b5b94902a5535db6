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

    /** Most missing ranges listed per store (the newest); {@code missing_ranges_omitted} counts the others. */
    static final int MAX_RANGES = 50;
    /** One order of the sync form covers at most this many days (Requests.MAX_RANGE_DAYS). */
    static final int MAX_ORDER_DAYS = Requests.MAX_RANGE_DAYS;

    /**
     * @param tieneGapsHistoricos some enabled store misses days before its recent gap (seed 002: "Recuperar")
     */
    @JsonNaming(SnakeCaseStrategy.class)
    public record Gaps(LocalDate periodStart, LocalDate periodEnd, boolean tieneGapsHistoricos, LocalDate historyStart,
                       Summary summary, List<StoreGaps> stores) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record Summary(int total, int desactualizadas, int conGaps, int deshabilitadas, int conGapsHistoricos) {
    }

    /**
     * One store's coverage and its recommended orders: {@code actualizar} (the recent missing days up to yesterday)
     * and {@code recuperar} (every missing day since the store's first loaded date, or fluxion.gaps.history-start).
     */
    @JsonNaming(SnakeCaseStrategy.class)
    public record StoreGaps(String ubicacionId, String nombre, String system, boolean enabled, long rows,
                            LocalDate firstDate, LocalDate lastDate, Long daysBehind, double completeness,
                            long missingDays, List<Range> missingRanges, long missingRangesOmitted, String badge,
                            String lastError, Recommended actualizar, Recommended recuperar,
                            boolean tieneGapsHistoricos) {
    }

    /**
     * A recommended order of the sync form: {@code desde}..{@code hasta} ({@code dias} days, at most one order's 366),
     * of which {@code faltantes} are missing; {@code completo} false when more missing days lie after {@code hasta}
     * (the next order starts there).
     */
    @JsonNaming(SnakeCaseStrategy.class)
    public record Recommended(LocalDate desde, LocalDate hasta, long dias, long faltantes, boolean completo) {
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
        return build(stores, days, from, yesterday, null);
    }

    /**
     * @param historyStart where "Recuperar" looks back to (fluxion.gaps.history-start); null: each store's first loaded
     *                     date
     */
    static Gaps build(List<StoreConfig> stores, List<StoreDayRecord> days, LocalDate from, LocalDate yesterday,
                      LocalDate historyStart) {
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
        int historicCount = 0;
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
            long omitted = Math.max(0, missing.size() - MAX_RANGES);
            List<Range> shown = List.copyOf(missing.subList((int) omitted, missing.size()));
            Recommended actualizar = actualizar(loaded, yesterday);
            LocalDate start = historyStart != null ? historyStart : first;
            Recommended recuperar = start == null ? null : recuperar(loaded, start, yesterday);
            boolean historic = recuperar != null && (actualizar == null || recuperar.desde().isBefore(actualizar.desde()));
            rows.add(new StoreGaps(s.id(), s.name(), s.system(), s.enabled(), rowCount, first, last, daysBehind,
                    periodDays <= 0 ? 0.0 : Math.round(10000.0 * loadedInPeriod / periodDays) / 100.0,
                    periodDays - loadedInPeriod, shown, omitted, badge(daysBehind), lastError, actualizar, recuperar,
                    historic));
            if (historic && s.enabled()) {
                historicCount++;
            }
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
        return new Gaps(periodStart, yesterday, historicCount > 0, historyStart,
                new Summary(stores.size(), behind, withGaps, disabled, historicCount), rows);
    }

    /**
     * "Actualizar": the recent missing days, from the day after the last loaded one to yesterday (the last 366 of
     * them when more); null when yesterday is loaded or nothing ever was.
     */
    static Recommended actualizar(java.util.NavigableSet<LocalDate> loaded, LocalDate yesterday) {
        if (loaded.isEmpty() || !loaded.last().isBefore(yesterday)) {
            return null;
        }
        LocalDate from = loaded.last().plusDays(1);
        boolean complete = true;
        if (ChronoUnit.DAYS.between(from, yesterday) + 1 > MAX_ORDER_DAYS) {
            from = yesterday.minusDays(MAX_ORDER_DAYS - 1);
            complete = false;
        }
        long days = ChronoUnit.DAYS.between(from, yesterday) + 1;
        return new Recommended(from, yesterday, days, days, complete);
    }

    /**
     * "Recuperar": from the first missing day on or after {@code start} to the last missing day up to yesterday, at
     * most one order's days (then {@code completo} is false and the next order starts after it); null when nothing is
     * missing since {@code start}.
     */
    static Recommended recuperar(java.util.NavigableSet<LocalDate> loaded, LocalDate start, LocalDate yesterday) {
        LocalDate firstMissing = null;
        LocalDate lastMissing = null;
        for (LocalDate d = start; !d.isAfter(yesterday); d = d.plusDays(1)) {
            if (!loaded.contains(d)) {
                if (firstMissing == null) {
                    firstMissing = d;
                }
                lastMissing = d;
            }
        }
        if (firstMissing == null) {
            return null;
        }
        LocalDate to = lastMissing;
        boolean complete = true;
        if (ChronoUnit.DAYS.between(firstMissing, to) + 1 > MAX_ORDER_DAYS) {
            to = firstMissing.plusDays(MAX_ORDER_DAYS - 1);
            complete = false;
        }
        long missing = 0;
        for (LocalDate d = firstMissing; !d.isAfter(to); d = d.plusDays(1)) {
            if (!loaded.contains(d)) {
                missing++;
            }
        }
        return new Recommended(firstMissing, to, ChronoUnit.DAYS.between(firstMissing, to) + 1, missing, complete);
    }

    /** green: up to date; orange: 1-7 days behind; red: more than 7 or never loaded. */
    static String badge(Long daysBehind) {
        if (daysBehind == null || daysBehind > 7) {
            return "red";
        }
        return daysBehind == 0 ? "green" : "orange";
    }
}
