package io.fluxion.orchestrator.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.config.SqlFiles;
import io.fluxion.orchestrator.config.Texts;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.IntStream;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ledger file written by the version before issue 13 (its schema is kept in the test resources) is upgraded
 * in place at start, any number of times: old rows still read (business dates listed one by one), new rows
 * take a year of dates, hundreds of stores and texts of any length.
 */
class LedgerUpgradeTest {
    static final Instant NOW = Instant.parse("2026-11-24T05:00:00Z");
    static final LocalDate D = LocalDate.of(2026, 11, 23);

    @TempDir
    Path tmp;

    @Test
    void anEarlierLedgerIsUpgradedInPlaceAndKeepsItsRows() throws Exception {
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + tmp.resolve("ledger")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "");
        try {
            try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
                for (String sql : SqlFiles.statements(SqlFiles.read("classpath:ledger/ledger-schema-before-issue-13.sql"))) {
                    st.execute(sql);
                }
                // a run and a coverage row as the earlier version wrote them
                st.execute("INSERT INTO window_run (kind, business_dates, store_ids, status, backend_state, started_at)"
                        + " VALUES ('scheduled', '2026-11-20,2026-11-21,2026-11-23', 'tienda_01,tienda_02', 'SUCCEEDED',"
                        + " 'STARTED', TIMESTAMP WITH TIME ZONE '2026-11-22 05:00:00+00')");
                st.execute("INSERT INTO store_day (store_id, business_date, status, rows_loaded, total_amount, run_id,"
                        + " updated_at) VALUES ('tienda_01', DATE '2026-11-23', 'LOADED', 10, 5.0000, 1,"
                        + " TIMESTAMP WITH TIME ZONE '2026-11-22 05:00:00+00')");
            }
            Ledger ledger = new Ledger(pool);
            ledger.migrate();
            // every start runs the schema again
            ledger.migrate();

            RunRecord old = ledger.run(1).orElseThrow();
            assertThat(old.businessDates()).containsExactly(D.minusDays(3), D.minusDays(2), D);
            StoreDayRecord day = ledger.storeDays().get(0);
            assertThat(day.rows()).isEqualTo(10);
            assertThat(day.origin()).isNull();
            assertThat(day.note()).isNull();

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

            long attempt = ledger.attemptStarted(id, "tienda_02", D, 1, NOW);
            ledger.attemptSucceeded(attempt, id, "tienda_02", D, 5, BigDecimal.ONE, 2, "n".repeat(5000), NOW);
            AttemptRecord a = ledger.attempts(id).get(0);
            assertThat(a.rowsLeftOut()).isEqualTo(2);
            assertThat(a.note()).hasSize(Texts.LEDGER_TEXT);
            assertThat(ledger.storeDays()).filteredOn(s -> s.storeId().equals("tienda_02")).singleElement()
                    .satisfies(s -> assertThat(s.origin()).isEqualTo("run"));
        } finally {
            pool.dispose();
        }
    }
}
