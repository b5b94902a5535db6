package io.fluxion.orchestrator.api;

import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.StoreDayRecord;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code GET /api/ventas/gaps}: per store, rows, first and last loaded date, days behind, completeness
 * and missing date ranges, answered from the ledger's store_day coverage only (DuckDB may be held by
 * the backend or by another process).
 */
final class GapsReport {
    private GapsReport() {
    }

    /**
     * @param from first date of the period examined; null = the earliest date loaded by any store (or yesterday)
     * @param yesterday the last business date that can be loaded
     */
    static Map<String, Object> build(List<StoreConfig> stores, List<StoreDayRecord> days, LocalDate from,
                                     LocalDate yesterday) {
        LocalDate periodStart = from;
        if (periodStart == null) {
            periodStart = days.stream().filter(d -> "LOADED".equals(d.status())).map(StoreDayRecord::businessDate)
                    .min(LocalDate::compareTo).orElse(yesterday);
        }
        if (periodStart.isAfter(yesterday)) {
            periodStart = yesterday;
        }
        long periodDays = ChronoUnit.DAYS.between(periodStart, yesterday) + 1;
        List<Map<String, Object>> rows = new ArrayList<>();
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
            List<Map<String, Object>> missing = new ArrayList<>();
            long loadedInPeriod = 0;
            LocalDate gapStart = null;
            for (LocalDate d = periodStart; !d.isAfter(yesterday); d = d.plusDays(1)) {
                if (loaded.contains(d)) {
                    loadedInPeriod++;
                    if (gapStart != null) {
                        missing.add(range(gapStart, d.minusDays(1)));
                        gapStart = null;
                    }
                } else if (gapStart == null) {
                    gapStart = d;
                }
            }
            if (gapStart != null) {
                missing.add(range(gapStart, yesterday));
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ubicacion_id", s.id());
            m.put("nombre", s.name());
            m.put("system", s.system());
            m.put("enabled", s.enabled());
            m.put("rows", rowCount);
            m.put("first_date", first == null ? null : first.toString());
            m.put("last_date", last == null ? null : last.toString());
            m.put("days_behind", daysBehind);
            m.put("completeness", periodDays <= 0 ? 0.0 : Math.round(10000.0 * loadedInPeriod / periodDays) / 100.0);
            m.put("missing_days", periodDays - loadedInPeriod);
            m.put("missing_ranges", missing);
            m.put("badge", badge(daysBehind));
            m.put("last_error", lastError);
            rows.add(m);
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
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("total", stores.size());
        summary.put("desactualizadas", behind);
        summary.put("con_gaps", withGaps);
        summary.put("deshabilitadas", disabled);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("period_start", periodStart.toString());
        out.put("period_end", yesterday.toString());
        out.put("summary", summary);
        out.put("stores", rows);
        return out;
    }

    /** green: up to date; orange: 1-7 days behind; red: more than 7 or never loaded. */
    static String badge(Long daysBehind) {
        if (daysBehind == null || daysBehind > 7) {
            return "red";
        }
        return daysBehind == 0 ? "green" : "orange";
    }

    private static Map<String, Object> range(LocalDate a, LocalDate b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("desde", a.toString());
        m.put("hasta", b.toString());
        m.put("dias", ChronoUnit.DAYS.between(a, b) + 1);
        return m;
    }
}
