package io.fluxion.orchestrator.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.ledger.StoreDayRecord;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.LedgerDatabases;
import io.fluxion.orchestrator.testing.LogCapture;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.PostgresServer;
import io.fluxion.orchestrator.testing.Services;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real service with its ledger on PostgreSQL ({@code fluxion.ledger.url/user/password}), H2 TCP stores and a
 * DuckDB file: the start-up recovery catches up a missed window, a manual window with a failing store keeps the
 * day's rows, a restart finds the ledger as it was (no migration, no new run), and no H2 ledger file appears in
 * the data dir. The password never reaches the log.
 */
class PostgresLedgerWindowTest {
    static final LocalDate TODAY = LocalDate.of(2026, 11, 10);
    static final LocalDate YESTERDAY = TODAY.minusDays(1);
    static final List<String> STORES = List.of("tienda_01", "tienda_02", "tienda_03");

    @TempDir
    Path tmp;

    @Test
    void aWindowRecordedInPostgres() throws Exception {
        LedgerDatabases.Database db = PostgresServer.newDatabase();
        try (StoreServer stores = StoreServer.start(tmp.resolve("stores"));
             TcpProxy proxy = new TcpProxy(stores.port());
             LogCapture log = new LogCapture()) {
            for (String id : STORES) {
                stores.createStore(id, false, YESTERDAY, YESTERDAY);
            }
            Path data = tmp.resolve("data");
            Map<String, String> props = Apps.base(data);
            props.putAll(stores.storeProperties(STORES, "tienda_02", proxy.port()));
            props.putAll(db.properties());
            props.put("fluxion.window.recovery-days", "0");
            props.put("fluxion.etl.max-attempts", "1");
            props.put("fluxion.klk.enabled", "false");
            MutableClock clock = MutableClock.caracas(2026, 11, 10, 1, 20).ticking();

            long catchUp;
            try (Services s = Services.start(props, Map.of(FluxionConfiguration.CLOCK, clock))) {
                StartupRecovery r = s.bean("startupRecovery", StartupRecovery.class);
                Services.await("the start-up check", Duration.ofSeconds(30), () -> r.decision() != null);
                Services.await("the catch-up window", Duration.ofSeconds(60),
                        () -> s.window().current().isEmpty() && s.context().getInflightRepository().size() == 0);
                assertThat(r.decision()).startsWith("catch-up");
                RunRecord run = s.ledger().recentRuns(1).get(0);
                catchUp = run.id();
                assertThat(run.status()).isEqualTo("SUCCEEDED");
                assertThat(run.businessDates()).containsExactly(YESTERDAY);
                assertThat(run.storesSucceeded()).isEqualTo(3);

                // a manual reload of the day while tienda_02 refuses: the day keeps the rows it had
                proxy.refuse(true);
                Map<String, Object> headers = new HashMap<>();
                headers.put(WindowService.KIND, "manual");
                headers.put(WindowService.DATES, List.of(YESTERDAY));
                RunSummary manual = s.context().createProducerTemplate().requestBodyAndHeaders("direct:window", null,
                        headers, RunSummary.class);
                proxy.refuse(false);
                assertThat(manual.status()).isEqualTo("FAILED");
                assertThat(manual.runId()).isGreaterThan(catchUp);
                assertThat(s.ledger().attempts(manual.runId())).filteredOn(a -> a.storeId().equals("tienda_02"))
                        .extracting(AttemptRecord::status).containsOnly("FAILED");
            }

            // what PostgreSQL holds, read by another pool after the app stopped
            try (var ds = LedgerDatabases.open(db)) {
                Ledger ledger = new Ledger(ds);
                assertThat(ledger.recentRuns(10)).extracting(RunRecord::status).containsExactly("FAILED", "SUCCEEDED");
                assertThat(ledger.isCompleted(YESTERDAY)).isTrue();
                DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
                long expected = 0;
                for (String id : STORES) {
                    StoreDayRecord day = ledger.storeDays().stream().filter(d -> d.storeId().equals(id)).findFirst()
                            .orElseThrow();
                    assertThat(day.status()).as(id).isEqualTo("LOADED");
                    assertThat(day.rows()).as(id).isEqualTo(stores.totals(id, YESTERDAY).rows());
                    assertThat(duck.totals(id, YESTERDAY)).as(id).isEqualTo(stores.totals(id, YESTERDAY));
                    expected += stores.totals(id, YESTERDAY).rows();
                }
                assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).isEqualTo(expected);
            }
            assertThat(data.resolve("ledger.mv.db")).doesNotExist();

            // a restart on the same ledger: already migrated, nothing left to run tonight
            try (Services s = Services.start(props, Map.of(FluxionConfiguration.CLOCK, clock))) {
                StartupRecovery r = s.bean("startupRecovery", StartupRecovery.class);
                Services.await("the start-up check", Duration.ofSeconds(30), () -> r.decision() != null);
                assertThat(s.ledger().recentRuns(10)).hasSize(2);
                assertThat(s.ledger().openRuns()).isEmpty();
            }
            assertThat(log.lines("INFO")).filteredOn(l -> l.contains("schema migration(s) applied now"))
                    .hasSize(2)
                    .allMatch(l -> l.contains("jdbc:postgresql://") && l.contains("password=***"))
                    .anyMatch(l -> l.contains("(" + io.fluxion.orchestrator.ledger.MigrationFiles.count() + " schema migration(s)"))
                    .anyMatch(l -> l.contains("(0 schema migration(s)"));
            assertThat(String.join("\n", log.lines())).doesNotContain(PostgresServer.PASSWORD);
        }
    }
}
