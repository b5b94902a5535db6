package io.fluxion.orchestrator.klk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxion.orchestrator.etl.DuckDbWriter;
import io.fluxion.orchestrator.etl.WriterBusyException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The window waits a bounded time for a brief (KLK) lease, never for a long one. */
class DuckDbWriterLeaseTest {
    @TempDir
    Path tmp;

    @Test
    void aBriefLeaseGivenBackInTimeLetsTheWaiterIn() throws Exception {
        DuckDbWriter writer = new DuckDbWriter(tmp.resolve("f.duckdb"), Clock.systemUTC());
        DuckDbWriter.Lease klk = writer.acquireBrief("klk-inventory");
        CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            klk.close();
        });
        long t0 = System.nanoTime();
        try (DuckDbWriter.Lease window = writer.acquire("window run #1", Duration.ofSeconds(20))) {
            assertThat(window.owner()).isEqualTo("window run #1");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        release.get(5, TimeUnit.SECONDS);
        assertThat(writer.holder()).isEmpty();
    }

    @Test
    void aBriefLeaseKeptPastTheBoundStillRefusesWithItsName() {
        DuckDbWriter writer = new DuckDbWriter(tmp.resolve("f.duckdb"), Clock.systemUTC());
        try (DuckDbWriter.Lease klk = writer.acquireBrief("klk-sales")) {
            long t0 = System.nanoTime();
            Optional<String> holder = writer.awaitHolder(Duration.ofMillis(250));
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(240));
            assertThat(holder).contains("klk-sales");
            assertThatThrownBy(() -> writer.acquire("window run #2", Duration.ofMillis(50)))
                    .isInstanceOf(WriterBusyException.class).hasMessageContaining("klk-sales");
        }
    }

    @Test
    void aLongLeaseIsAnsweredAtOnce() {
        DuckDbWriter writer = new DuckDbWriter(tmp.resolve("f.duckdb"), Clock.systemUTC());
        try (DuckDbWriter.Lease window = writer.acquire("window run #3")) {
            long t0 = System.nanoTime();
            assertThat(writer.awaitHolder(Duration.ofSeconds(30))).contains("window run #3");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
            assertThatThrownBy(() -> writer.acquireBrief("klk-inventory")).isInstanceOf(WriterBusyException.class);
        }
    }
}
