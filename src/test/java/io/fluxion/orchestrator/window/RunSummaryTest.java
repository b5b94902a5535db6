package io.fluxion.orchestrator.window;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunSummaryTest {
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    @Test
    void storesARunNeverStartedAreSaidSoInTheHeadline() {
        RunSummary s = new RunSummary(7, "scheduled", "FAILED", "backend did not stop", List.of(D), 2, 0, 2, 0,
                Duration.ofMinutes(3), Duration.ofMinutes(3), List.of(
                new RunSummary.Line("tienda_01", "PERIFERICO", D, "PENDING", 0, 0, null),
                new RunSummary.Line("tienda_02", "AV. BOLIVAR", D, "PENDING", 0, 0, null)));

        assertThat(s.toText()).contains("Window run #7 (scheduled) FAILED: backend did not stop")
                .contains("stores: 2 total, 0 succeeded, 2 failed (2 of them never started); rows loaded: 0")
                .contains("backend downtime: 3m00s");
        assertThat(s.succeeded()).isFalse();
    }

    @Test
    void aRunWhereEveryStoreWasTriedHasAPlainHeadline() {
        RunSummary s = new RunSummary(8, "cli", "FAILED", "1 of 2 store loads failed: tienda_02 " + D, List.of(D), 2, 1,
                1, 1500, Duration.ofSeconds(40), null, List.of(
                new RunSummary.Line("tienda_01", "PERIFERICO", D, "SUCCEEDED", 1500, 1, null),
                new RunSummary.Line("tienda_02", "AV. BOLIVAR", D, "FAILED", 0, 3, "source unreachable")));

        assertThat(s.toText()).contains("stores: 2 total, 1 succeeded, 1 failed; rows loaded: 1500")
                .contains("backend downtime: none").contains("attempts=3  source unreachable");
    }
}
