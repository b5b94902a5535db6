package io.fluxion.orchestrator.etl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connectivity probe on real H2 TCP stores: in parallel, bounded whatever the driver does, secrets scrubbed. */
class SourceProbeTest {
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    @TempDir
    Path tmp;

    @Test
    void aRoundIsBoundedByTheTimeoutEvenWhenAStoreNeverAnswersAndKeepsEachStoresNewestAnswer() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (StoreServer stores = StoreServer.start(tmp.resolve("stores"));
             TcpProxy hanging = new TcpProxy(stores.port())) {
            stores.createStore("tienda_91", false, D, D);
            stores.createStore("tienda_92", false, D, D);
            // accepts the connection and never answers the login
            hanging.stallAfterRequestBytes(0);
            StoreConfig ok = new StoreConfig("tienda_91", "A", "legacy", stores.url("tienda_91"), "sa", "", true);
            StoreConfig stalled = new StoreConfig("tienda_92", "B", "legacy", stores.url("tienda_92", hanging.port()), "sa",
                    "", true);
            // a closed port, with a password in its URL that must never reach an answer
            int closed = io.fluxion.orchestrator.testing.HttpApp.freePort();
            StoreConfig refused = new StoreConfig("tienda_93", "C", "legacy",
                    "jdbc:h2:tcp://127.0.0.1:" + closed + "/tienda_93;PASSWORD=hunter2-secret", "sa", "hunter2-secret",
                    true);
            SourceProbe probe = new SourceProbe(Clock.systemUTC(), Duration.ofSeconds(2), List.of("hunter2-secret"), pool);

            long t0 = System.nanoTime();
            SourceProbe.Round round = probe.probe(List.of(ok, stalled, refused), "test");
            long ms = (System.nanoTime() - t0) / 1_000_000;

            assertThat(ms).as("the round's bound").isLessThan(2000 + 1500);
            assertThat(round.results().keySet()).containsExactly("tienda_91", "tienda_92", "tienda_93");
            assertThat(round.results().get("tienda_91").reachable()).isTrue();
            assertThat(round.results().get("tienda_91").error()).isNull();
            assertThat(round.results().get("tienda_92").reachable()).isFalse();
            assertThat(round.results().get("tienda_92").error()).isEqualTo("no answer within 2s");
            assertThat(round.results().get("tienda_93").reachable()).isFalse();
            assertThat(round.results().get("tienda_93").error()).contains("Connection refused")
                    .doesNotContain("hunter2-secret").hasSizeLessThanOrEqualTo(SourceProbe.ERROR_MAX);
            assertThat(round.unreachable()).extracting(SourceProbe.Result::storeId).containsExactly("tienda_92", "tienda_93");
            assertThat(round.results().values()).allMatch(r -> "test".equals(r.by()));

            // a later round of one store replaces that store's answer only
            hanging.stallAfterRequestBytes(-1);
            SourceProbe.Round again = probe.probe(List.of(stalled), "window run #7");
            assertThat(again.results().get("tienda_92").reachable()).isTrue();
            assertThat(probe.newest().get("tienda_92").by()).isEqualTo("window run #7");
            assertThat(probe.newest().get("tienda_92").reachable()).isTrue();
            assertThat(probe.newest().get("tienda_93").reachable()).isFalse();
            assertThat(probe.newest().get("tienda_91").by()).isEqualTo("test");
        } finally {
            pool.shutdownNow();
        }
    }
}
