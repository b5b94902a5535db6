package io.fluxion.orchestrator.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.StoreDayRecord;
import io.fluxion.orchestrator.ledger.StoreSwitchRecord;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The gaps-over-time chart of {@code GET /api/etl/history} ({@code gaps_by_store}): a store x business-date grid of
 * the last {@code nights} business dates the window plans (yesterday back, in the window zone; never today, never
 * before {@code fluxion.gaps.history-start}), each cell the state of that (store, date) in the ledger:
 * <ul>
 *   <li>{@code loaded}: store_day LOADED;</li>
 *   <li>{@code suspect}: LOADED, but a planned load found no row in the source and kept the old rows (its note);</li>
 *   <li>{@code disabled}: not loaded, and the store was disabled when the window that plans the date ran (the window
 *       start of the next day, or now when that is still to come): the operators' switches (store_control_change)
 *       over the configuration's flag;</li>
 *   <li>{@code missing}: not loaded while the store was enabled.</li>
 * </ul>
 * Pure: the clock, the ledger's records and the stores in, the answer out. At most {@link #MAX_STORES} stores.
 */
public final class GapsOverTime {
    public static final String LOADED = "loaded";
    public static final String SUSPECT = "suspect";
    public static final String DISABLED = "disabled";
    public static final String MISSING = "missing";
    /** Stores in one answer (then {@code stores_omitted} counts the others): the answer stays at most 200 x 90 cells. */
    static final int MAX_STORES = 200;

    private GapsOverTime() {
    }

    /** {@code desde}..{@code hasta}: the dates (oldest first), one row per store with its counts and cells. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record Answer(LocalDate desde, LocalDate hasta, List<LocalDate> dates, List<StoreRow> stores,
                         int storesOmitted) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record StoreRow(String ubicacionId, String nombre, boolean enabled, int loaded, int missing, int suspect,
                           int disabled, List<Day> days) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record Day(LocalDate fecha, String state) {
    }

    /**
     * @param clock        now (the window zone gives today; yesterday is the newest date planned)
     * @param windowStart  the window's start time (fluxion.window.start): when the night after a date loads it
     * @param historyStart fluxion.gaps.history-start, or null
     * @param nights       1-90
     * @param stores       the configured stores, in their order (their own flag is the state before any switch)
     * @param enabledNow   the store controls now (the row's {@code enabled})
     * @param days         store_day records (those of other dates are ignored)
     * @param switches     the enable/disable switches, oldest first
     */
    static Answer build(Clock clock, ZoneId zone, LocalTime windowStart, LocalDate historyStart, int nights,
                        List<StoreConfig> stores, Predicate<StoreConfig> enabledNow, List<StoreDayRecord> days,
                        List<StoreSwitchRecord> switches) {
        Instant now = clock.instant();
        LocalDate hasta = now.atZone(zone).toLocalDate().minusDays(1);
        LocalDate desde = hasta.minusDays(nights - 1L);
        if (historyStart != null && historyStart.isAfter(desde)) {
            desde = historyStart;
        }
        List<LocalDate> dates = new ArrayList<>();
        for (LocalDate d = desde; !d.isAfter(hasta); d = d.plusDays(1)) {
            dates.add(d);
        }
        Map<String, StoreDayRecord> byKey = new HashMap<>();
        for (StoreDayRecord r : days) {
            byKey.put(r.storeId() + "|" + r.businessDate(), r);
        }
        Map<String, List<StoreSwitchRecord>> switchesByStore = new HashMap<>();
        for (StoreSwitchRecord s : switches) {
            switchesByStore.computeIfAbsent(s.storeId(), k -> new ArrayList<>()).add(s);
        }
        List<StoreRow> rows = new ArrayList<>();
        for (StoreConfig s : stores.subList(0, Math.min(stores.size(), MAX_STORES))) {
            List<StoreSwitchRecord> own = switchesByStore.getOrDefault(s.id(), List.of());
            List<Day> cells = new ArrayList<>(dates.size());
            int loaded = 0;
            int missing = 0;
            int suspect = 0;
            int disabled = 0;
            for (LocalDate d : dates) {
                StoreDayRecord r = byKey.get(s.id() + "|" + d);
                String state;
                if (r != null && "LOADED".equals(r.status())) {
                    state = r.note() != null && r.note().startsWith("suspect") ? SUSPECT : LOADED;
                } else {
                    Instant planned = d.plusDays(1).atTime(windowStart).atZone(zone).toInstant();
                    state = enabledAt(s, own, planned.isAfter(now) ? now : planned) ? MISSING : DISABLED;
                }
                switch (state) {
                    case LOADED -> loaded++;
                    case SUSPECT -> suspect++;
                    case DISABLED -> disabled++;
                    default -> missing++;
                }
                cells.add(new Day(d, state));
            }
            rows.add(new StoreRow(s.id(), s.name(), enabledNow.test(s), loaded, missing, suspect, disabled, cells));
        }
        return new Answer(dates.isEmpty() ? null : desde, hasta, dates, rows, Math.max(0, stores.size() - MAX_STORES));
    }

    /** The store's state at {@code at}: its last switch at or before then, else the configuration's flag. */
    static boolean enabledAt(StoreConfig s, List<StoreSwitchRecord> own, Instant at) {
        boolean enabled = s.enabled();
        for (StoreSwitchRecord w : own) {
            if (w.at().isAfter(at)) {
                break;
            }
            enabled = w.enabled();
        }
        return enabled;
    }
}
