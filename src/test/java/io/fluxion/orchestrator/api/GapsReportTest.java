package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.StoreDayRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code GET /api/ventas/gaps} without a server: coverage, gaps, lag and badges from ledger rows at a fixed date. */
class GapsReportTest {
    static final LocalDate Y = LocalDate.of(2026, 11, 20);
    static final List<StoreConfig> STORES = List.of(store("t1", true), store("t2", true), store("t3", false));

    static StoreConfig store(String id, boolean enabled) {
        return new StoreConfig(id, id.toUpperCase(), "legacy", "jdbc:h2:mem:" + id, null, null, enabled);
    }

    static StoreDayRecord day(String store, LocalDate d, String status, long rows, String error) {
        return new StoreDayRecord(store, d, status, rows, BigDecimal.ONE, 1L, error, Instant.EPOCH, "run", null);
    }

    @Test
    void coverageGapsAndLagPerStore() {
        List<StoreDayRecord> days = new ArrayList<>();
        // t1: every day of the period; t2: the first two days, then a failure; t3: nothing
        for (LocalDate d = Y.minusDays(9); !d.isAfter(Y); d = d.plusDays(1)) {
            days.add(day("t1", d, "LOADED", 10, null));
        }
        days.add(day("t2", Y.minusDays(9), "LOADED", 5, null));
        days.add(day("t2", Y.minusDays(8), "LOADED", 7, null));
        days.add(day("t2", Y.minusDays(4), "FAILED", 0, "source unreachable"));

        GapsReport.Gaps g = GapsReport.build(STORES, days, null, Y);
        assertThat(g.periodStart()).isEqualTo(Y.minusDays(9));
        assertThat(g.periodEnd()).isEqualTo(Y);
        assertThat(g.summary()).isEqualTo(new GapsReport.Summary(3, 2, 2, 1));

        GapsReport.StoreGaps t1 = g.stores().get(0);
        assertThat(t1.rows()).isEqualTo(100);
        assertThat(t1.daysBehind()).isZero();
        assertThat(t1.completeness()).isEqualTo(100.0);
        assertThat(t1.missingRanges()).isEmpty();
        assertThat(t1.badge()).isEqualTo("green");

        GapsReport.StoreGaps t2 = g.stores().get(1);
        assertThat(t2.rows()).isEqualTo(12);
        assertThat(t2.firstDate()).isEqualTo(Y.minusDays(9));
        assertThat(t2.lastDate()).isEqualTo(Y.minusDays(8));
        assertThat(t2.daysBehind()).isEqualTo(8);
        assertThat(t2.completeness()).isEqualTo(20.0);
        assertThat(t2.missingDays()).isEqualTo(8);
        assertThat(t2.missingRanges()).containsExactly(new GapsReport.Range(Y.minusDays(7), Y, 8));
        assertThat(t2.badge()).isEqualTo("red");
        assertThat(t2.lastError()).isEqualTo("source unreachable");

        GapsReport.StoreGaps t3 = g.stores().get(2);
        assertThat(t3.enabled()).isFalse();
        assertThat(t3.daysBehind()).isNull();
        assertThat(t3.firstDate()).isNull();
        assertThat(t3.completeness()).isZero();
        assertThat(t3.missingRanges()).containsExactly(new GapsReport.Range(Y.minusDays(9), Y, 10));
        assertThat(t3.badge()).isEqualTo("red");
    }

    @Test
    void aPeriodFromAGivenDateSplitsTheMissingDaysIntoRanges() {
        List<StoreDayRecord> days = List.of(day("t1", Y.minusDays(5), "LOADED", 1, null),
                day("t1", Y.minusDays(2), "LOADED", 1, null), day("t1", Y.minusDays(1), "LOADED", 1, null));
        GapsReport.StoreGaps t1 = GapsReport.build(STORES.subList(0, 1), days, Y.minusDays(6), Y).stores().get(0);
        assertThat(t1.missingRanges()).containsExactly(new GapsReport.Range(Y.minusDays(6), Y.minusDays(6), 1),
                new GapsReport.Range(Y.minusDays(4), Y.minusDays(3), 2), new GapsReport.Range(Y, Y, 1));
        assertThat(t1.completeness()).isEqualTo(42.86);
        assertThat(t1.daysBehind()).isEqualTo(1);
        assertThat(t1.badge()).isEqualTo("orange");
    }

    @Test
    void withNothingLoadedThePeriodIsYesterdayAndBadgesFollowTheLag() {
        GapsReport.Gaps g = GapsReport.build(STORES, List.of(), null, Y);
        assertThat(g.periodStart()).isEqualTo(Y);
        assertThat(g.stores()).allSatisfy(s -> assertThat(s.missingRanges()).containsExactly(new GapsReport.Range(Y, Y, 1)));
        assertThat(GapsReport.badge(0L)).isEqualTo("green");
        assertThat(GapsReport.badge(7L)).isEqualTo("orange");
        assertThat(GapsReport.badge(8L)).isEqualTo("red");
        assertThat(GapsReport.badge(null)).isEqualTo("red");
    }
}
