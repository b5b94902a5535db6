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
        assertThat(g.summary()).isEqualTo(new GapsReport.Summary(3, 2, 2, 1, 0));

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

    // ---- seed 002's recovery buttons: "Actualizar" and "Recuperar" -------------------------------------

    @Test
    void actualizarIsTheRecentGapAndRecuperarEveryMissingDaySinceTheFirstLoadedOne() {
        List<StoreDayRecord> days = new ArrayList<>();
        // t1: loaded Y-30..Y-20 except Y-25 and Y-24 (a hole in its history), then nothing up to yesterday
        for (LocalDate d = Y.minusDays(30); !d.isAfter(Y.minusDays(20)); d = d.plusDays(1)) {
            if (!d.equals(Y.minusDays(25)) && !d.equals(Y.minusDays(24))) {
                days.add(day("t1", d, "LOADED", 10, null));
            }
        }
        // t2: only behind (no hole); t3 (disabled): a hole too
        for (LocalDate d = Y.minusDays(10); !d.isAfter(Y.minusDays(3)); d = d.plusDays(1)) {
            days.add(day("t2", d, "LOADED", 10, null));
        }
        days.add(day("t3", Y.minusDays(5), "LOADED", 1, null));
        days.add(day("t3", Y, "LOADED", 1, null));

        GapsReport.Gaps g = GapsReport.build(STORES, days, null, Y, null);
        GapsReport.StoreGaps t1 = g.stores().get(0);
        assertThat(t1.actualizar()).isEqualTo(new GapsReport.Recommended(Y.minusDays(19), Y, 20, 20, true));
        assertThat(t1.recuperar()).isEqualTo(new GapsReport.Recommended(Y.minusDays(25), Y, 26, 22, true));
        assertThat(t1.tieneGapsHistoricos()).isTrue();
        GapsReport.StoreGaps t2 = g.stores().get(1);
        assertThat(t2.actualizar()).isEqualTo(new GapsReport.Recommended(Y.minusDays(2), Y, 3, 3, true));
        assertThat(t2.recuperar()).as("only behind: Recuperar is the same days").isEqualTo(t2.actualizar());
        assertThat(t2.tieneGapsHistoricos()).isFalse();
        GapsReport.StoreGaps t3 = g.stores().get(2);
        assertThat(t3.actualizar()).as("yesterday is loaded").isNull();
        assertThat(t3.recuperar()).isEqualTo(new GapsReport.Recommended(Y.minusDays(4), Y.minusDays(1), 4, 4, true));
        assertThat(t3.tieneGapsHistoricos()).isTrue();
        // a disabled store's history does not count
        assertThat(g.summary().conGapsHistoricos()).isEqualTo(1);
        assertThat(g.tieneGapsHistoricos()).isTrue();

        // no hole anywhere among the enabled stores: false
        List<StoreDayRecord> behindOnly = days.stream().filter(d -> !d.storeId().equals("t1")).toList();
        assertThat(GapsReport.build(STORES, behindOnly, null, Y, null).tieneGapsHistoricos()).isFalse();
    }

    @Test
    void fluxionGapsHistoryStartMovesRecuperarBackAndOneOrderStaysWithinItsDays() {
        List<StoreDayRecord> days = List.of(day("t1", Y.minusDays(2), "LOADED", 10, null), day("t1", Y, "LOADED", 10, null));
        LocalDate start = Y.minusDays(999);
        GapsReport.StoreGaps t1 = GapsReport.build(STORES, days, null, Y, start).stores().get(0);
        // 998 missing days since the configured start: the first order covers 366 of them, and says more follow
        assertThat(t1.recuperar()).isEqualTo(new GapsReport.Recommended(start, start.plusDays(365), 366, 366, false));
        assertThat(t1.tieneGapsHistoricos()).isTrue();
        // a store never loaded: nothing to update, everything since the start to recover
        GapsReport.StoreGaps t2 = GapsReport.build(STORES, days, null, Y, Y.minusDays(9)).stores().get(1);
        assertThat(t2.actualizar()).isNull();
        assertThat(t2.recuperar()).isEqualTo(new GapsReport.Recommended(Y.minusDays(9), Y, 10, 10, true));
        // and without a configured start nothing is known to recover
        assertThat(GapsReport.build(STORES, days, null, Y, null).stores().get(1).recuperar()).isNull();
    }

    @Test
    void theMissingRangesAreBoundedToTheNewestFifty() {
        List<StoreDayRecord> days = new ArrayList<>();
        // every other day loaded over 400 days: 200 one-day holes
        for (int i = 0; i < 400; i += 2) {
            days.add(day("t1", Y.minusDays(i), "LOADED", 1, null));
        }
        GapsReport.StoreGaps t1 = GapsReport.build(STORES, days, Y.minusDays(399), Y, null).stores().get(0);
        assertThat(t1.missingRanges()).hasSize(GapsReport.MAX_RANGES);
        assertThat(t1.missingRangesOmitted()).isEqualTo(150);
        assertThat(t1.missingRanges().get(GapsReport.MAX_RANGES - 1).hasta()).isEqualTo(Y.minusDays(1));
        assertThat(t1.missingDays()).isEqualTo(200);
    }

    @Test
    void theCsvOpensInASpreadsheetWithItsAccentsAndOneColumnPerField() {
        List<StoreConfig> stores = List.of(new StoreConfig("tienda_03", "MAÑONGO", "legacy", "jdbc:h2:mem:x", null, null,
                true), new StoreConfig("tienda_09", "=HYPERLINK(\"x\")", "legacy", "jdbc:h2:mem:y", null, null, true));
        List<StoreDayRecord> days = List.of(day("tienda_03", Y.minusDays(2), "LOADED", 1234, null),
                day("tienda_09", Y, "FAILED", 0, "a \"quoted\"; error\nline"));
        byte[] bytes = GapsCsv.of(GapsReport.build(stores, days, null, Y, null)).bytes();
        // UTF-8 byte order mark, then Ñ as the two UTF-8 bytes C3 91
        assertThat(bytes[0] & 0xff).isEqualTo(0xEF);
        assertThat(bytes[1] & 0xff).isEqualTo(0xBB);
        assertThat(bytes[2] & 0xff).isEqualTo(0xBF);
        String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).contains("\"MAÑONGO\"");
        String[] lines = text.substring(1).split("\r\n");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).startsWith("\"ubicacion_id\";\"nombre\";");
        assertThat(lines[1].split(";", -1)).hasSize(GapsCsv.HEADER.size());
        assertThat(lines[1]).startsWith("\"tienda_03\";\"MAÑONGO\";\"legacy\";\"si\";1234;" + Y.minusDays(2) + ";"
                + Y.minusDays(2) + ";2;");
        assertThat(lines[1]).contains(";33,33;");
        assertThat(lines[2]).contains(";\"no\";\"red\";");
        // a name a spreadsheet would run as a formula is text; quotes doubled; no line break inside a row
        assertThat(lines[2]).startsWith("\"tienda_09\";\"'=HYPERLINK(\"\"x\"\")\";");
        assertThat(lines[2]).endsWith("\"a \"\"quoted\"\"; error line\"");
    }
}
