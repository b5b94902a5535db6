package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.testing.JarProcess;
import io.fluxion.orchestrator.testing.LedgerDatabases;
import io.fluxion.orchestrator.testing.PostgresServer;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.WindowHours;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar with its ledger on PostgreSQL, configured from the environment as on ECS
 * ({@code FLUXION_LEDGER_URL}, {@code _USER}, {@code _PASSWORD}): the shaded jar finds the driver, Flyway's
 * PostgreSQL support and the migrations; a wrong password stops it before any load, without showing it.
 */
class PostgresLedgerJarIT {
    @TempDir
    Path work;

    static Map<String, String> env(LedgerDatabases.Database db, String password) {
        return Map.of("FLUXION_LEDGER_URL", db.url(), "FLUXION_LEDGER_USER", db.user(), "FLUXION_LEDGER_PASSWORD",
                password);
    }

    @Test
    void runWindowRecordsTheRunInPostgres() throws Exception {
        LedgerDatabases.Database db = PostgresServer.newDatabase();
        LocalDate d = LocalDate.of(2026, 11, 20);
        List<String> ids = List.of("tienda_01", "tienda_02");
        try (StoreServer stores = StoreServer.start(work.resolve("stores"))) {
            for (String id : ids) {
                stores.createStore(id, false, d, d);
            }
            List<String> jvmArgs = new ArrayList<>(WindowHours.farFromNowArgs());
            stores.storeProperties(ids).forEach((k, v) -> jvmArgs.add("-D" + k + "=" + v));
            JarProcess.Result r = JarProcess.run(work, jvmArgs, env(db, db.password()), 180,
                    "run-window", "--date", d.toString());
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).contains("2 total, 2 succeeded, 0 failed")
                    .contains("Ledger: Ledger[url=" + db.url() + ", user=fluxion, password=***")
                    .contains("(" + io.fluxion.orchestrator.ledger.MigrationFiles.count() + " schema migration(s) applied now)")
                    .doesNotContain(db.password());
            assertThat(work.resolve("data").resolve("ledger.mv.db")).doesNotExist();
            try (HikariDataSource ds = LedgerDatabases.open(db)) {
                Ledger ledger = new Ledger(ds);
                RunRecord run = ledger.recentRuns(5).get(0);
                assertThat(run.kind()).isEqualTo("cli");
                assertThat(run.status()).isEqualTo("SUCCEEDED");
                assertThat(run.businessDates()).containsExactly(d);
                assertThat(ledger.attempts(run.id())).extracting(AttemptRecord::rows)
                        .containsExactly(stores.totals("tienda_01", d).rows(), stores.totals("tienda_02", d).rows());
                assertThat(ledger.isCompleted(d)).isTrue();
            }
        }
    }

    @Test
    void aWrongPasswordStopsItBeforeAnyLoadWithoutShowingIt() throws Exception {
        LedgerDatabases.Database db = PostgresServer.newDatabase();
        String wrong = "not-" + db.password();
        Map<String, String> env = new java.util.HashMap<>(env(db, wrong));
        // no demo stores to generate first: the ledger is what this start is about
        env.put("FLUXION_DEMO_ENABLED", "false");
        JarProcess.Result r = JarProcess.run(work, WindowHours.farFromNowArgs(), env, 120, "run-window");
        assertThat(r.exit()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("cannot open the ledger " + db.url() + " as user 'fluxion'")
                .contains("password authentication failed for user \"fluxion\"")
                .doesNotContain(wrong);
        assertThat(work.resolve("data").resolve("fluxion.duckdb")).doesNotExist();
    }
}
