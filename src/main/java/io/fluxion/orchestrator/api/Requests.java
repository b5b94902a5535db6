package io.fluxion.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.StoreConfig;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The request bodies (records the REST binding reads strictly: unknown fields, duplicate keys, trailing data,
 * explicit nulls and type coercions are refused by {@link ApiJson}) and the validation of every request, query
 * parameters included: each refusal names its field. Nothing here changes anything.
 */
public final class Requests {
    static final LocalDate OLDEST = LocalDate.of(2000, 1, 1);
    static final int MAX_RANGE_DAYS = 366;
    static final int MAX_STORES = 200;
    static final Set<String> KINDS = Set.of("scheduled", "manual", "cli", "recovery", "catch-up");
    static final Set<String> STATUSES = Set.of("RUNNING", "SUCCEEDED", "FAILED", "SKIPPED");

    private Requests() {
    }

    /** No body, or {@code {}}: enable, disable and the KLK switches. */
    public record NoFields() {
    }

    /** POST /api/etl/scheduler/trigger: yesterday, every window store. */
    public record Confirm(Boolean confirm) {
    }

    /** POST /trigger (seed 004): one business date, yesterday when absent. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record TriggerDate(LocalDate targetDate, Boolean confirm) {
    }

    /** POST /api/etl/sync/ventas: one store, a list of stores or null (every window store), over a date range. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record SyncVentas(@JsonSetter(nulls = Nulls.SET) @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                             List<String> ubicacionId, LocalDate fechaInicio, LocalDate fechaFin, Boolean confirm) {
    }

    /** PUT /api/etl/scheduler/config; the seed's names (execution_hour, execution_minute) and max_attempts too. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record SchedulerConfig(Integer hour, Integer executionHour, Integer minute, Integer executionMinute,
                                  Integer maxRetries, Integer maxAttempts, Integer retryIntervalMinutes, Boolean enabled) {
    }

    /** PUT /api/stores/{id}: any of priority (0-100, higher first), max_attempts (1-20), retry_interval_minutes (1-1440). */
    @JsonNaming(SnakeCaseStrategy.class)
    public record StoreUpdate(Integer priority, Integer maxAttempts, Integer retryIntervalMinutes) {
    }

    /** What an operator's window order loads: dates, and the stores (null: every window store). */
    public record WindowOrder(List<LocalDate> dates, List<String> stores, boolean confirmed) {
        int storeDays(int windowStores) {
            return dates.size() * (stores == null ? windowStores : stores.size());
        }
    }

    // ---- bodies -------------------------------------------------------------------------------------

    static WindowOrder order(Confirm c, LocalDate yesterday) {
        return new WindowOrder(List.of(yesterday), null, c != null && Boolean.TRUE.equals(c.confirm()));
    }

    static WindowOrder order(TriggerDate t, LocalDate yesterday) {
        LocalDate d = t == null || t.targetDate() == null ? yesterday : date("target_date", t.targetDate(), yesterday);
        return new WindowOrder(List.of(d), null, t != null && Boolean.TRUE.equals(t.confirm()));
    }

    static WindowOrder order(SyncVentas s, FluxionConfig config, LocalDate yesterday) {
        return order(s, config, io.fluxion.orchestrator.schedule.StoreRules.NONE, yesterday);
    }

    static WindowOrder order(SyncVentas s, FluxionConfig config, io.fluxion.orchestrator.schedule.StoreRules rules,
                             LocalDate yesterday) {
        if (s == null) {
            throw ApiException.badRequest("body", "a JSON object is required (ubicacion_id, fecha_inicio, fecha_fin)");
        }
        List<String> stores = stores(s.ubicacionId(), config, rules);
        if (s.fechaInicio() == null) {
            throw ApiException.badRequest("fecha_inicio", "required (YYYY-MM-DD)");
        }
        if (s.fechaFin() == null) {
            throw ApiException.badRequest("fecha_fin", "required (YYYY-MM-DD)");
        }
        LocalDate from = date("fecha_inicio", s.fechaInicio(), yesterday);
        LocalDate to = date("fecha_fin", s.fechaFin(), yesterday);
        if (to.isBefore(from)) {
            throw ApiException.badRequest("fecha_fin", "fecha_fin " + to + " is before fecha_inicio " + from);
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days > MAX_RANGE_DAYS) {
            throw ApiException.badRequest("fecha_fin", "the range holds " + days + " days; at most " + MAX_RANGE_DAYS);
        }
        return new WindowOrder(from.datesUntil(to.plusDays(1)).toList(), stores, Boolean.TRUE.equals(s.confirm()));
    }

    /** The store-days cap (fluxion.api.max-store-days): one request never orders more (store, date) loads. */
    static void cap(WindowOrder o, int windowStores, int max) {
        int n = o.storeDays(windowStores);
        if (n > max) {
            throw ApiException.badRequest(o.dates().size() > 1 ? "fecha_fin" : "ubicacion_id", "the request orders " + n
                    + " store loads (" + o.dates().size() + " day(s) x " + (n / o.dates().size()) + " store(s)); at most "
                    + max + " per request (fluxion.api.max-store-days): split it");
        }
    }

    static SchedulerSettings.Change change(SchedulerConfig c) {
        if (c == null) {
            throw ApiException.badRequest("body", "a JSON object is required");
        }
        Integer hour = alias("hour", c.hour(), "execution_hour", c.executionHour(), 0, 23);
        Integer minute = alias("minute", c.minute(), "execution_minute", c.executionMinute(), 0, 59);
        Integer attempts = alias("max_retries", c.maxRetries(), "max_attempts", c.maxAttempts(), 1, 20);
        Integer interval = range("retry_interval_minutes", c.retryIntervalMinutes(), 1, 1440);
        if (hour == null && minute == null && attempts == null && interval == null && c.enabled() == null) {
            throw ApiException.badRequest(null, "no setting given (hour, minute, max_retries, retry_interval_minutes, enabled)");
        }
        return new SchedulerSettings.Change(hour, minute, attempts, interval, c.enabled());
    }

    /** A validated store update: each value in range, at least one given. */
    static StoreUpdate storeUpdate(StoreUpdate u) {
        if (u == null) {
            throw ApiException.badRequest("body", "a JSON object is required (priority, max_attempts, retry_interval_minutes)");
        }
        range("priority", u.priority(), 0, 100);
        range("max_attempts", u.maxAttempts(), 1, 20);
        range("retry_interval_minutes", u.retryIntervalMinutes(), 1, 1440);
        if (u.priority() == null && u.maxAttempts() == null && u.retryIntervalMinutes() == null) {
            throw ApiException.badRequest(null, "no setting given (priority, max_attempts, retry_interval_minutes)");
        }
        return u;
    }

    private static Integer alias(String name, Integer v, String other, Integer w, int min, int max) {
        if (v != null && w != null) {
            throw ApiException.badRequest(other, "give " + name + " or " + other + ", not both");
        }
        return v != null ? range(name, v, min, max) : range(other, w, min, max);
    }

    private static Integer range(String field, Integer v, int min, int max) {
        if (v != null && (v < min || v > max)) {
            throw ApiException.badRequest(field, "must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    /** null (every window store), or 1 to 200 distinct enabled stores. */
    private static List<String> stores(List<String> ids, FluxionConfig config) {
        return stores(ids, config, io.fluxion.orchestrator.schedule.StoreRules.NONE);
    }

    /** Same, with the operators' enabled flags over the configuration. */
    static List<String> stores(List<String> ids, FluxionConfig config, io.fluxion.orchestrator.schedule.StoreRules rules) {
        if (ids == null) {
            return null;
        }
        if (ids.isEmpty() || ids.size() > MAX_STORES) {
            throw ApiException.badRequest("ubicacion_id", "a list of stores must hold 1 to " + MAX_STORES + " store ids");
        }
        Set<String> seen = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (String id : ids) {
            if (id == null) {
                throw ApiException.badRequest("ubicacion_id", "must be a store id (e.g. tienda_01) or null for every store");
            }
            StoreConfig s = config.store(id);
            if (s == null || !rules.enabled(s)) {
                throw ApiException.badRequest("ubicacion_id", "unknown or disabled store '" + shown(id, 64) + "'");
            }
            if (!seen.add(id)) {
                throw ApiException.badRequest("ubicacion_id", "store '" + id + "' is listed twice");
            }
            out.add(id);
        }
        return out;
    }

    /** A business date that can be loaded: on or after 2000-01-01, on or before yesterday in the window zone. */
    static LocalDate date(String field, LocalDate d, LocalDate yesterday) {
        if (d.isBefore(OLDEST)) {
            throw ApiException.badRequest(field, "must be on or after " + OLDEST);
        }
        if (d.isAfter(yesterday)) {
            throw ApiException.badRequest(field, "must be on or before yesterday (" + yesterday
                    + " in the window zone): a day is loaded once it is over");
        }
        return d;
    }

    // ---- query and path parameters ------------------------------------------------------------------

    static Integer integer(String field, String raw, int min, int max) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        long v;
        try {
            v = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(field, "must be an integer between " + min + " and " + max);
        }
        if (v < min || v > max) {
            throw ApiException.badRequest(field, "must be between " + min + " and " + max + ", got " + v);
        }
        return (int) v;
    }

    static long runId(String field, String raw) {
        try {
            long id = Long.parseLong(raw == null ? "" : raw.trim());
            if (id >= 1) {
                return id;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw ApiException.badRequest(field, "a run id is a positive number, got '" + shown(raw, 40) + "'");
    }

    static String oneOf(String field, String raw, Set<String> allowed) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        if (!allowed.contains(raw)) {
            throw ApiException.badRequest(field, "unknown " + field + " '" + shown(raw, 40) + "' ("
                    + String.join(", ", allowed.stream().sorted().toList()) + ")");
        }
        return raw;
    }

    /** GET /api/ventas/gaps?desde=: the first date of the period, at most five years back. */
    static LocalDate gapsFrom(String raw, LocalDate yesterday) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        LocalDate from;
        try {
            from = raw.length() == 10 ? LocalDate.parse(raw) : null;
        } catch (DateTimeParseException e) {
            from = null;
        }
        if (from == null) {
            throw ApiException.badRequest("desde", "'" + shown(raw, 40) + "' is not a date YYYY-MM-DD");
        }
        if (from.isAfter(yesterday)) {
            throw ApiException.badRequest("desde", "must be on or before yesterday (" + yesterday + ")");
        }
        if (ChronoUnit.DAYS.between(from, yesterday) + 1 > 5 * MAX_RANGE_DAYS) {
            throw ApiException.badRequest("desde", "at most " + 5 * MAX_RANGE_DAYS + " days back");
        }
        return from;
    }

    static String shown(String s, int max) {
        return s == null ? "" : s.length() > max ? s.substring(0, max) + "..." : s;
    }
}
