package io.fluxion.orchestrator.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.LogCapture;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.Services;
import io.fluxion.orchestrator.testing.StoreServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Issue 13 item 4: a ledger that refuses every write at the end of a run (here: check constraints added to
 * the live ledger) cannot keep the backend down nor the run open in memory. The backend is started, the run
 * ends FAILED in memory with the ledger's error named and logged, and the next run opens and succeeds once the
 * ledger accepts writes again.
 */
class LedgerErrorsTest {
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    @TempDir
    Path tmp;

    @Test
    void aLedgerThatRefusesTheEndOfARunLeavesNeitherTheBackendDownNorTheRunOpen() throws Exception {
        try (StoreServer stores = StoreServer.start(tmp.resolve("stores"));
             EcsTestServer ecs = EcsTestServer.start("fluxion-cluster", "fluxion-backend", 1).convergeEvery(1);
             EcsClient client = ecs.client(false)) {
            stores.createStore("tienda_01", false, D, D);
            Map<String, String> props = Apps.base(tmp.resolve("data"));
            props.putAll(stores.storeProperties(List.of("tienda_01")));
            props.putAll(ecs.properties());
            props.put("fluxion.klk.enabled", "false");
            props.put("camel.component.quartz.autoStartScheduler", "false");
            MutableClock clock = MutableClock.caracas(2026, 11, 21, 12, 0).ticking();
            try (Services app = Services.start(props, Map.of(FluxionConfiguration.CLOCK, clock, "ecsClient", client))) {
                String ledgerUrl = app.bean("fluxionConfig", FluxionConfig.class).ledgerUrl();
                // the same database the app writes (same JVM, same URL): from now on it refuses every write that
                // ends a run or records its last steps
                try (Connection c = DriverManager.getConnection(ledgerUrl, "sa", "");
                     Statement st = c.createStatement()) {
                    st.execute("ALTER TABLE window_run ADD CONSTRAINT test_no_end CHECK (status IN ('RUNNING', 'SKIPPED'))");
                    st.execute("ALTER TABLE run_step ADD CONSTRAINT test_no_last_steps CHECK (step IN ('guard',"
                            + " 'probe-stores', 'stop-backend', 'etl', 'stage', 'merge'))");
                }

                RunSummary s;
                try (LogCapture log = new LogCapture()) {
                    s = window(app);
                    assertThat(log.lines("ERROR")).anyMatch(l -> l.contains("the ledger could not record the end of the run"));
                }

                assertThat(s.status()).isEqualTo("FAILED");
                assertThat(s.reason()).contains("ledger error");
                assertThat(s.storesSucceeded()).isEqualTo(1);
                // the backend rule holds: stopped, then started again
                assertThat(ecs.briefs()).contains("UpdateService(0)", "UpdateService(1)");
                assertThat(ecs.desired()).isEqualTo(1);
                assertThat(app.window().current()).isEmpty();
                // the load itself committed
                assertThat(new DuckDbFile(tmp.resolve("data").resolve("fluxion.duckdb")).totals("tienda_01", D))
                        .isEqualTo(stores.totals("tienda_01", D));

                // the ledger works again: the next run opens and ends
                try (Connection c = DriverManager.getConnection(ledgerUrl, "sa", "");
                     Statement st = c.createStatement()) {
                    st.execute("ALTER TABLE window_run DROP CONSTRAINT test_no_end");
                    st.execute("ALTER TABLE run_step DROP CONSTRAINT test_no_last_steps");
                }
                RunSummary next = window(app);
                assertThat(next.runId()).isGreaterThan(s.runId());
                assertThat(next.status()).isEqualTo("SUCCEEDED");
                RunRecord run = app.ledger().run(next.runId()).orElseThrow();
                assertThat(run.status()).isEqualTo("SUCCEEDED");
                assertThat(run.backendState()).isEqualTo("STARTED");
                assertThat(app.window().current()).isEmpty();
                assertThat(ecs.desired()).isEqualTo(1);
                // and the end the ledger refused before is recorded now: no run shows running
                RunRecord first = app.ledger().run(s.runId()).orElseThrow();
                assertThat(first.status()).isEqualTo("FAILED");
                assertThat(first.reason()).startsWith("ledger error at the end of the run: ");
                assertThat(app.ledger().openRuns()).isEmpty();
            }
        }
    }

    static RunSummary window(Services app) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(WindowService.KIND, "manual");
        headers.put(WindowService.DATES, List.of(D));
        return app.context().createProducerTemplate().requestBodyAndHeaders("direct:window", null, headers,
                RunSummary.class);
    }
}
