package io.fluxion.orchestrator.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.testing.LogCapture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The stop's log line says what it interrupts: a warning only when a window run is in progress. */
class StopSignalTest {
    @Test
    void aStopWithNothingInProgressIsNotAWarning() {
        StopSignal signal = new StopSignal();
        signal.describeWorkWith(() -> null);
        try (LogCapture log = new LogCapture()) {
            assertThat(signal.raise("the process is stopping (SIGTERM or stop request)")).isTrue();
            assertThat(log.lines("WARN")).noneMatch(l -> l.contains("Stopping"));
            assertThat(log.lines("INFO")).anyMatch(l -> l.contains("Stopping: the process is stopping (SIGTERM or stop"
                    + " request); no window run in progress"));
        }
    }

    @Test
    void aStopThatInterruptsARunNamesItInAWarningOnce() {
        StopSignal signal = new StopSignal();
        AtomicReference<String> work = new AtomicReference<>("window run #12 in progress");
        signal.describeWorkWith(work::get);
        try (LogCapture log = new LogCapture()) {
            assertThat(signal.raise("the process is stopping (SIGTERM or stop request)")).isTrue();
            assertThat(signal.raise("the Camel context is stopping")).as("raised once").isFalse();
            assertThat(log.lines("WARN")).filteredOn(l -> l.contains("Stopping")).singleElement().asString()
                    .contains("window run #12 in progress gives up its store in flight, rolls it back, releases DuckDB");
        }
        assertThat(signal.reason()).contains("SIGTERM");
    }
}
