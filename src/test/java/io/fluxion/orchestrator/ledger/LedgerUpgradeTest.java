package io.fluxion.orchestrator.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.fluxion.orchestrator.config.SqlFiles;
import io.fluxion.orchestrator.config.Texts;
import io.fluxion.orchestrator.testing.LedgerDatabases;
import io.fluxion.orchestrator.testing.LedgerDatabases.Kind;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Ledgers written by earlier versions (their schema scripts are kept in the test resources, run as those versions
 * ran them) are upgraded in place by the migrations, on H2 and on PostgreSQL: baselined at version 0, then
 * migration 1 adds what they lack; old rows still read, new rows take a year of dates, hundreds of stores and
 * texts of any length, and a later start applies nothing.
 */
class LedgerUpgradeTest {
    static final Instant NOW = Instant.parse("2026-11-24T05:00:00Z");
    static final LocalDate D = LocalDate.of(2026, 11, 23);

    @TempDir
    Path tmp;
    HikariDataSource ds;

    @AfterEach
    void close() {
        if (ds != null) {
            ds.close();
        }
    }

    /** Creates a ledger as an earlier version did: every statement of its schema script, at every start. */
    static void createAsBefore(DataSource ds, String script) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            for (String sql : SqlFiles.statements(SqlFiles.read("classpath:ledger/" + script))) {
                st.execute(sql);
            }
        }
    }

    static List<String> history(DataSource ds) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, type, success FROM " + Ledger.HISTORY_TABLE
                     + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getBoolean(3));
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aLedgerWrittenBeforeIssue13IsUpgradedInPlaceAndKeepsItsRows(Kind kind) throws Exception {
        ds = LedgerDatabases.open(kind, tmp);
        createAsBefore(ds, "ledger-schema-before-issue-13.sql");
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            // a run and a coverage row as the earlier version wrote them
            st.execute("INSERT INTO window_run (kind, business_dates, store_ids, status, backend_state, started_at)"
                    + " VALUES ('scheduled', '2026-11-20,2026-11-21,2026-11-23', 'tienda_01,tienda_02', 'SUCCEEDED',"
                    + " 'STARTED', TIMESTAMP WITH TIME ZONE '2026-11-22 05:00:00+00')");
            st.execute("INSERT INTO store_day (store_id, business_date, status, rows_loaded, total_amount, run_id,"
                    + " updated_at) VALUES ('tienda_01', DATE '2026-11-23', 'LOADED', 10, 5.0000, 1,"
                    + " TIMESTAMP WITH TIME ZONE '2026-11-22 05:00:00+00')");
        }
        Ledger ledger = new Ledger(ds);
        assertThat(ledger.migrate()).isEqualTo(MigrationFiles.count());
        // every later start finds nothing to do
        assertThat(ledger.migrate()).isZero();
        assertThat(history(ds)).containsExactlyElementsOf(MigrationFiles.afterBaseline());

        RunRecord old = ledger.run(1).orElseThrow();
        assertThat(old.businessDates()).containsExactly(D.minusDays(3), D.minusDays(2), D);
        StoreDayRecord day = ledger.storeDays().get(0);
        assertThat(day.rows()).isEqualTo(10);
        assertThat(day.origin()).isNull();
        assertThat(day.note()).isNull();

        writesOfThisVersionWork(ledger);
    }

    /**
     * The ledger of the version right before the migrations (main before issue 18: its idempotent script ran at
     * every start) with rows in every table, including the columns that script added by ALTER TABLE.
     */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aLedgerOfTheVersionBeforeTheMigrationsIsUpgradedInPlace(Kind kind) throws Exception {
        ds = LedgerDatabases.open(kind, tmp);
        createAsBefore(ds, "ledger-schema-before-issue-18.sql");
        // that version ran its script at every start
        createAsBefore(ds, "ledger-schema-before-issue-18.sql");
        Ledger before = new Ledger(ds);
        before.owner(new io.fluxion.orchestrator.lifecycle.ProcessOwner("host/1/boot", "/data#x"));
        long run;
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO window_run (kind, business_dates, store_ids, status, backend_state, started_at, owner,"
                    + " owner_data_dir) VALUES ('scheduled', '2025-11-24..2026-11-23', 'tienda_01', 'RUNNING',"
                    + " 'START_REQUESTED', TIMESTAMP WITH TIME ZONE '2026-11-24 05:00:00+00', 'host/1/boot', '/data#x')");
            run = 1;
            st.execute("INSERT INTO store_attempt (run_id, store_id, business_date, attempt, status, rows_loaded,"
                    + " started_at, rows_left_out, note) VALUES (1, 'tienda_01', DATE '2026-11-23', 1, 'SUCCEEDED', 7,"
                    + " TIMESTAMP WITH TIME ZONE '2026-11-24 05:00:00+00', 2, 'left out')");
            st.execute("INSERT INTO store_day (store_id, business_date, status, rows_loaded, updated_at, origin, note)"
                    + " VALUES ('tienda_01', DATE '2026-11-23', 'LOADED', 7, TIMESTAMP WITH TIME ZONE"
                    + " '2026-11-24 05:00:00+00', 'import', 'n')");
            st.execute("INSERT INTO setting (name, setting_value, updated_at) VALUES ('window.start', '02:30',"
                    + " TIMESTAMP WITH TIME ZONE '2026-11-24 05:00:00+00')");
            st.execute("INSERT INTO alert_event (kind, severity, dedupe_key, alert_text, webhook_status, webhook_attempts,"
                    + " created_at) VALUES ('summary', 'INFO', 'k', 'text', 'NONE', 0,"
                    + " TIMESTAMP WITH TIME ZONE '2026-11-24 05:00:00+00')");
        }

        Ledger ledger = new Ledger(ds);
        assertThat(ledger.migrate()).isEqualTo(MigrationFiles.count());
        assertThat(ledger.migrate()).isZero();
        assertThat(history(ds)).containsExactlyElementsOf(MigrationFiles.afterBaseline());

        RunRecord open = ledger.run(run).orElseThrow();
        assertThat(open.businessDates()).hasSize(365).endsWith(D);
        assertThat(open.backendState()).isEqualTo("START_REQUESTED");
        assertThat(ledger.orphanedRuns(new io.fluxion.orchestrator.lifecycle.ProcessOwner("host/2/boot", "/data#x")))
                .extracting(RunRecord::id).containsExactly(run);
        assertThat(ledger.attempts(run).get(0).rowsLeftOut()).isEqualTo(2);
        assertThat(ledger.storeDays().get(0).origin()).isEqualTo("import");
        assertThat(ledger.setting("window.start")).contains("02:30");
        assertThat(new io.fluxion.orchestrator.monitoring.MonitoringLedger(ds).alertExists("k")).isTrue();

        writesOfThisVersionWork(ledger);
    }

    /**
     * The real ledger file of the version before the migrations: written by the jar of main at 0d1d4bd (two
     * {@code run-window --date 2026-11-20} and {@code --date 2026-11-21} on the demo stores), opened the way
     * the app opens the default ledger of a data dir.
     */
    @org.junit.jupiter.api.Test
    void theLedgerFileOfTheVersionBeforeTheMigrationsIsUpgradedInPlace() throws Exception {
        Path data = tmp.resolve("data");
        java.nio.file.Files.createDirectories(data);
        try (var in = LedgerUpgradeTest.class.getResourceAsStream("/ledger/ledger-main-before-issue-18.mv.db")) {
            java.nio.file.Files.copy(in, data.resolve("ledger.mv.db"));
        }
        ds = LedgerDatabases.open(Kind.H2, data);
        Ledger ledger = new Ledger(ds);
        assertThat(ledger.migrate()).isEqualTo(MigrationFiles.count());
        assertThat(history(ds)).containsExactlyElementsOf(MigrationFiles.afterBaseline());

        List<RunRecord> runs = ledger.recentRuns(10);
        assertThat(runs).extracting(RunRecord::status).containsExactly("SUCCEEDED", "SUCCEEDED");
        assertThat(runs).extracting(r -> r.businessDates().get(0))
                .containsExactly(LocalDate.of(2026, 11, 21), LocalDate.of(2026, 11, 20));
        // the 13 legacy stores of the demo (the other 3 are KLK's)
        assertThat(runs.get(0).storesSucceeded()).isEqualTo(13);
        assertThat(runs).extracting(RunRecord::rowsLoaded).containsExactly(16065L, 17101L);
        assertThat(ledger.attempts(runs.get(0).id())).hasSize(13).allMatch(a -> a.status().equals("SUCCEEDED"));
        assertThat(ledger.storeDays()).hasSize(26).allMatch(s -> s.status().equals("LOADED") && s.rows() > 0);
        assertThat(ledger.isCompleted(LocalDate.of(2026, 11, 20))).isTrue();
        assertThat(ledger.isCompleted(LocalDate.of(2026, 11, 21))).isTrue();

        writesOfThisVersionWork(ledger);
        ds.close();

        // the next start of this version: nothing to migrate, the rows are there
        ds = LedgerDatabases.open(Kind.H2, data);
        Ledger again = new Ledger(ds);
        assertThat(again.migrate()).isZero();
        assertThat(again.recentRuns(10)).hasSize(4);
    }

    static void writesOfThisVersionWork(Ledger ledger) {
        List<LocalDate> year = IntStream.range(0, 366).mapToObj(i -> D.minusDays(365 - i)).toList();
        List<String> stores = IntStream.range(0, 400).mapToObj(i -> "store_with_a_long_identifier_" + i).toList();
        long id = ledger.startRun("manual", "x".repeat(1000), year, stores, "none", NOW);
        ledger.finishRun(id, "FAILED", "y".repeat(10_000), 0, 0, 0, 0, NOW);
        long step = ledger.stepStarted(id, "guard", NOW);
        ledger.stepEnded(step, "OK", "z".repeat(10_000), NOW);
        RunRecord run = ledger.run(id).orElseThrow();
        assertThat(run.businessDates()).isEqualTo(year);
        assertThat(run.storeIds().split(",")).hasSize(400);
        assertThat(run.requestedBy()).hasSize(200);
        assertThat(run.reason()).hasSize(Texts.LEDGER_TEXT).endsWith("more characters)");
        assertThat(ledger.steps(id).get(0).detail()).hasSize(Texts.LEDGER_TEXT);

        long attempt = ledger.attemptStarted(id, "store_of_this_version", D, 1, NOW);
        ledger.attemptSucceeded(attempt, id, "store_of_this_version", D, 5, BigDecimal.ONE, 2, "n".repeat(5000), NOW);
        AttemptRecord a = ledger.attempts(id).get(0);
        assertThat(a.rowsLeftOut()).isEqualTo(2);
        assertThat(a.note()).hasSize(Texts.LEDGER_TEXT);
        assertThat(ledger.storeDays()).filteredOn(s -> s.storeId().equals("store_of_this_version")).singleElement()
                .satisfies(s -> assertThat(s.origin()).isEqualTo("run"));
        ledger.owner(new io.fluxion.orchestrator.lifecycle.ProcessOwner("host/3/boot", "/data#x"));
        long owned = ledger.startRun("manual", "api", List.of(D), List.of("tienda_01"), "none", NOW);
        assertThat(ledger.run(owned)).isPresent();
    }
}
