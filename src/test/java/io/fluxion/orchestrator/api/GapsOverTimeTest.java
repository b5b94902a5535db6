package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.StoreDayRecord;
import io.fluxion.orchestrator.ledger.StoreSwitchRecord;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The gaps-over-time grid without a server, the clock fixed: which dates (the window zone's yesterday back, never
 * today, not before history-start), and each cell's state from store_day and the store switches.
 */
class GapsOverTimeTest {
    static final ZoneId CARACAS = ZoneId.of("America/Caracas");
    static final LocalTime WINDOW_START = LocalTime.of(1, 0);

    static StoreConfig store(String id, boolean enabled) {
        return new StoreConfig(id, id.toUpperCase(), "legacy", "jdbc:h2:mem:" + id, null, null, enabled);
    }

    static StoreDayRecord loaded(String store, LocalDate d, String note) {
        return new StoreDayRecord(store, d, "LOADED", 10L, null, 1L, null, Instant.EPOCH, "run", note);
    }

    static Instant caracas(LocalDate d, int hour) {
        return d.atTime(hour, 0).atZone(CARACAS).toInstant();
    }

    /** 2026-11-21 02:30 in Caracas is 06:30 UTC: already the 21st in UTC and in Caracas, yesterday is the 20th. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T06:30:00Z"), ZoneOffset.UTC);
    static final LocalDate YESTERDAY = LocalDate.of(2026, 11, 20);

    @Test
    void oneCellPerStoreAndBusinessDateLoadedSuspectMissingOrDisabled() {
        List<StoreConfig> stores = List.of(store("t1", true), store("t2", true), store("t3", false));
        List<StoreDayRecord> days = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            if (i != 3 && i != 4) {
                days.add(loaded("t1", YESTERDAY.minusDays(i), null));
            }
        }
        days.add(loaded("t1", YESTERDAY.minusDays(4), "suspect: the source returned no row for a day DuckDB holds 10 rows of"));
        days.add(new StoreDayRecord("t2", YESTERDAY, "FAILED", null, null, 2L, "timeout", Instant.EPOCH, null, null));
        days.add(loaded("t2", YESTERDAY.minusDays(1), null));
        // another date, outside the grid, and today: never shown
        days.add(loaded("t2", YESTERDAY.minusDays(40), null));
        days.add(loaded("t2", YESTERDAY.plusDays(1), null));
        // t2 disabled before the night of 11-11 (loads 11-10) and enabled again before the night of 11-16 (loads 11-15)
        List<StoreSwitchRecord> switches = List.of(
                new StoreSwitchRecord("t2", false, caracas(LocalDate.of(2026, 11, 10), 18)),
                new StoreSwitchRecord("t2", true, caracas(LocalDate.of(2026, 11, 15), 18)));

        GapsOverTime.Answer a = GapsOverTime.build(CLOCK, CARACAS, WINDOW_START, null, 30, stores,
                s -> !s.id().equals("t3"), days, switches);

        assertThat(a.hasta()).isEqualTo(YESTERDAY);
        assertThat(a.desde()).isEqualTo(YESTERDAY.minusDays(29));
        assertThat(a.dates()).hasSize(30).doesNotContain(YESTERDAY.plusDays(1));
        assertThat(a.stores()).hasSize(3);
        assertThat(a.storesOmitted()).isZero();
        for (GapsOverTime.StoreRow r : a.stores()) {
            assertThat(r.days()).extracting(GapsOverTime.Day::fecha).isEqualTo(a.dates());
            assertThat(r.loaded() + r.missing() + r.suspect() + r.disabled()).isEqualTo(30);
        }
        GapsOverTime.StoreRow t1 = a.stores().get(0);
        assertThat(t1.ubicacionId()).isEqualTo("t1");
        assertThat(t1.enabled()).isTrue();
        assertThat(t1.loaded()).isEqualTo(28);
        assertThat(t1.suspect()).isEqualTo(1);
        assertThat(t1.missing()).isEqualTo(1);
        assertThat(t1.days().get(29 - 3).state()).isEqualTo(GapsOverTime.MISSING);
        assertThat(t1.days().get(29 - 4).state()).isEqualTo(GapsOverTime.SUSPECT);

        GapsOverTime.StoreRow t2 = a.stores().get(1);
        assertThat(state(t2, YESTERDAY)).as("failed while enabled").isEqualTo(GapsOverTime.MISSING);
        assertThat(state(t2, YESTERDAY.minusDays(1))).isEqualTo(GapsOverTime.LOADED);
        assertThat(state(t2, LocalDate.of(2026, 11, 9))).isEqualTo(GapsOverTime.MISSING);
        for (LocalDate d = LocalDate.of(2026, 11, 10); !d.isAfter(LocalDate.of(2026, 11, 14)); d = d.plusDays(1)) {
            assertThat(state(t2, d)).as(d.toString()).isEqualTo(GapsOverTime.DISABLED);
        }
        assertThat(state(t2, LocalDate.of(2026, 11, 15))).isEqualTo(GapsOverTime.MISSING);
        assertThat(t2.disabled()).isEqualTo(5);
        assertThat(t2.loaded()).isEqualTo(1);

        // disabled by its configuration and never switched: every date it did not load is "disabled"
        GapsOverTime.StoreRow t3 = a.stores().get(2);
        assertThat(t3.enabled()).isFalse();
        assertThat(t3.disabled()).isEqualTo(30);
        assertThat(t3.days()).extracting(GapsOverTime.Day::state).containsOnly(GapsOverTime.DISABLED);
    }

    @Test
    void yesterdayIsTheWindowZonesAndTheSwitchOfTonightCountsOnlyOnceItHappened() {
        // 03:30 UTC on the 21st is 23:30 of the 20th in Caracas: yesterday there is the 19th
        Clock evening = Clock.fixed(Instant.parse("2026-11-21T03:30:00Z"), ZoneOffset.UTC);
        List<StoreConfig> stores = List.of(store("t1", true));
        // disabled at 22:00 on the 20th, before tonight's window (which would load the 20th, not shown yet); the
        // night that loaded the 19th (01:00 on the 20th) had it enabled
        List<StoreSwitchRecord> off = List.of(new StoreSwitchRecord("t1", false, caracas(LocalDate.of(2026, 11, 20), 22)));
        GapsOverTime.Answer a = GapsOverTime.build(evening, CARACAS, WINDOW_START, null, 7, stores, s -> false, List.of(), off);
        assertThat(a.hasta()).isEqualTo(LocalDate.of(2026, 11, 19));
        assertThat(a.dates()).hasSize(7);
        assertThat(a.stores().get(0).days()).extracting(GapsOverTime.Day::state).containsOnly(GapsOverTime.MISSING);

        // the same switch seen from the morning after: yesterday (the 20th) was planned at 01:00 on the 21st, disabled
        GapsOverTime.Answer next = GapsOverTime.build(CLOCK, CARACAS, WINDOW_START, null, 7, stores, s -> false, List.of(), off);
        assertThat(state(next.stores().get(0), YESTERDAY)).isEqualTo(GapsOverTime.DISABLED);
        assertThat(next.stores().get(0).disabled()).isEqualTo(1);
    }

    @Test
    void theGridIsBoundedByNightsHistoryStartAndTheNumberOfStores() {
        List<StoreConfig> many = new ArrayList<>();
        for (int i = 0; i < GapsOverTime.MAX_STORES + 5; i++) {
            many.add(store("s" + i, true));
        }
        GapsOverTime.Answer a = GapsOverTime.build(CLOCK, CARACAS, WINDOW_START, null, 90, many, s -> true, List.of(), List.of());
        assertThat(a.dates()).hasSize(90);
        assertThat(a.stores()).hasSize(GapsOverTime.MAX_STORES);
        assertThat(a.storesOmitted()).isEqualTo(5);

        GapsOverTime.Answer clipped = GapsOverTime.build(CLOCK, CARACAS, WINDOW_START, YESTERDAY.minusDays(4), 30,
                List.of(store("t1", true)), s -> true, List.of(), List.of());
        assertThat(clipped.desde()).isEqualTo(YESTERDAY.minusDays(4));
        assertThat(clipped.dates()).hasSize(5);
        assertThat(Set.copyOf(clipped.stores().get(0).days().stream().map(GapsOverTime.Day::state).toList()))
                .containsExactly(GapsOverTime.MISSING);
    }

    static String state(GapsOverTime.StoreRow r, LocalDate d) {
        return r.days().stream().filter(x -> x.fecha().equals(d)).findFirst().orElseThrow().state();
    }
}
