package io.fluxion.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TextsTest {
    static final LocalDate D = LocalDate.of(2025, 11, 24);

    @Test
    void aYearOfDatesIsOneRangeAndReadsBackWhole() {
        List<LocalDate> year = IntStream.range(0, 366).mapToObj(D::plusDays).toList();
        assertThat(Texts.dateRanges(year)).isEqualTo("2025-11-24..2026-11-24");
        assertThat(Texts.parseDates(Texts.dateRanges(year))).isEqualTo(year);
        assertThat(Texts.dates(year)).isEqualTo("2025-11-24..2026-11-24 (366 dates)");
    }

    @Test
    void gapsMakeSeveralRangesAndLoneDatesStayDates() {
        List<LocalDate> dates = List.of(D.plusDays(5), D, D.plusDays(1), D.plusDays(2), D.plusDays(9), D.plusDays(10));
        assertThat(Texts.dateRanges(dates)).isEqualTo("2025-11-24..2025-11-26,2025-11-29,2025-12-03..2025-12-04");
        assertThat(Texts.parseDates(Texts.dateRanges(dates))).containsExactly(D, D.plusDays(1), D.plusDays(2),
                D.plusDays(5), D.plusDays(9), D.plusDays(10));
        assertThat(Texts.dates(List.of(D))).isEqualTo("2025-11-24");
        assertThat(Texts.dates(List.of())).isEqualTo("none");
    }

    @Test
    void theOlderFormOfEveryDateStillReads() {
        assertThat(Texts.parseDates("2025-11-24,2025-11-26")).containsExactly(D, D.plusDays(2));
        assertThat(Texts.parseDates("")).isEmpty();
        assertThat(Texts.parseDates(null)).isEmpty();
    }

    @Test
    void everyOtherDayOfTwoYearsReadsBackAndIsShownBounded() {
        List<LocalDate> dates = new ArrayList<>();
        for (int i = 0; i < 732; i += 2) {
            dates.add(D.plusDays(i));
        }
        assertThat(Texts.parseDates(Texts.dateRanges(dates))).isEqualTo(dates);
        assertThat(Texts.dates(dates)).hasSizeLessThanOrEqualTo(400 + " (366 dates)".length());
    }

    @Test
    void longListsAreSummarisedAndLongTextsClippedToTheirBound() {
        List<String> failed = IntStream.range(0, 240).mapToObj(i -> "tienda_" + i).toList();
        assertThat(Texts.list(failed, 3)).isEqualTo("tienda_0, tienda_1, tienda_2, ... and 237 more");
        assertThat(Texts.list(List.of("a", "b"), 3)).isEqualTo("a, b");
        String clipped = Texts.clip("x".repeat(5309), Texts.LEDGER_TEXT);
        assertThat(clipped).hasSize(Texts.LEDGER_TEXT).endsWith(" ... (1309 more characters)");
        assertThat(Texts.clip("short", 10)).isEqualTo("short");
        assertThat(Texts.clip(null, 10)).isNull();
    }
}
