package io.fluxion.orchestrator.klk;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionApplication;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.etl.DuckDbWriter;
import io.fluxion.orchestrator.ledger.KlkRunRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A KLK direct sync whose store accepts the chunk query and never answers ends at {@code fluxion.klk.timeout}:
 * the chunk is given up, the load rolled back, and the brief DuckDB writer lease given back, so a window waiting
 * for that lease is never held longer than the setting says.
 */
class KlkHangingChunkTest {
    static final LocalDate TODAY = LocalDate.of(2026, 11, 24);

    @TempDir
    Path tmp;

    @Test
    void aChunkThatNeverAnswersEndsTheSyncAtTheKlkTimeoutAndGivesTheWriterBack() throws Exception {
        try (StoreServer stores = StoreServer.start(tmp.resolve("stores"));
             TcpProxy proxy = new TcpProxy(stores.port())) {
            stores.createStore("tienda_08", true, TODAY.minusDays(1), TODAY);
            Map<String, String> p = Apps.base(tmp.resolve("data"));
            p.put("camel.server.enabled", "false");
            p.put("camel.component.quartz.autoStartScheduler", "false");
            p.putAll(stores.storeProperties(Map.of("tienda_08", proxy.port()), "klk"));
            p.put("fluxion.klk.timeout", "2s");
            MutableClock clock = MutableClock.caracas(2026, 11, 24, 10, 0).ticking();
            Main main = FluxionApplication.newMain(p);
            main.bind(FluxionConfiguration.CLOCK, clock);
            main.start();
            try {
                // past the login, the store never answers the inventory chunk query
                proxy.stallAfterRequestBytes(800);
                long t0 = System.nanoTime();
                CompletableFuture<Object> fire = CompletableFuture.supplyAsync(() -> main.getCamelContext()
                        .createProducerTemplate().requestBodyAndHeader("direct:klk-inventory", null,
                                KlkRoute.SCHEDULED_FIRE_TIME, Date.from(clock.instant())));
                fire.get(60, TimeUnit.SECONDS);
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));

                Ledger ledger = main.getCamelContext().getRegistry().lookupByNameAndType("ledger", Ledger.class);
                KlkRunRecord r = ledger.recentKlkRuns("klk-inventory", 1).get(0);
                assertThat(r.status()).isEqualTo("FAILED");
                assertThat(r.detail()).contains("timeout").contains("fluxion.klk.timeout of 2s");
                DuckDbWriter writer = main.getCamelContext().getRegistry().lookupByNameAndType("duckDbWriter",
                        DuckDbWriter.class);
                assertThat(writer.holder()).as("the brief lease was given back").isEmpty();
            } finally {
                proxy.stallAfterRequestBytes(-1);
                main.stop();
                main.shutdown();
            }
        }
    }
}
