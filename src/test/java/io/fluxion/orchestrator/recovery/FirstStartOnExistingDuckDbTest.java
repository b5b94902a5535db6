package io.fluxion.orchestrator.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fluxion.orchestrator.config.SqlFiles;
import io.fluxion.orchestrator.etl.CoverageImport;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.ledger.StepRecord;
import io.fluxion.orchestrator.ledger.StoreDayRecord;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.DuckDbHolder;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.LedgerFile;
import io.fluxion.orchestrator.testing.LogCapture;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.window.RunSummary;
import io.fluxion.orchestrator.window.WindowService;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 3, day one in production: a new ledger beside an analytics DuckDB that already holds
 * ventas_raw history (written by another system: its days differ from what the sources give today). The
 * pairs DuckDB holds count as loaded from the first start (or, when the backend holds the file then, from the
 * first writer lease, before anything is pulled); the first night loads only what is missing and no history
 * day changes. A planned load that gets no row for a day DuckDB holds keeps it (suspect); an explicit
 * run-window --date of that day replaces it.
 */
class FirstStartOnExistingDuckDbTest {
    /** The night of 2026-11-24 (Caracas): yesterday is 2026-11-23; the plan covers 11-16 .. 11-23. */
    static final LocalDate TODAY = LocalDate.of(2026, 11, 24);
    static final LocalDate YESTERDAY = TODAY.minusDays(1);
    static final LocalDate GAP = TODAY.minusDays(4);
    static final List<String> STORES = List.of("tienda_01", "tienda_02", "tienda_03");
    /** The history another system wrote: each (store, day) holds the first 100 source rows of the day. */
    static final int HISTORY_ROWS = 100;

    @TempDir
    Path tmp;
    StoreServer stores;
    Path data;
    Path duckdb;
    Map<String, String> props;

    @BeforeEach
    void setUp() throws Exception {
        stores = StoreServer.start(tmp.resolve("stores"));
        for (String id : STORES) {
            stores.createStore(id, false, TODAY.minusDays(12), YESTERDAY);
        }
        data = tmp.resolve("data");
        duckdb = data.resolve("fluxion.duckdb");
        props = Apps.base(data);
        props.putAll(stores.storeProperties(STORES));
        props.put("fluxion.klk.enabled", "false");
        props.put("fluxion.etl.max-attempts", "1");
        props.put("fluxion.api.token", "first-start-token-0123456789abcdefghij");
        // the test fires the night's window itself (the real 01:00 may come while it runs)
        props.put("camel.component.quartz.autoStartScheduler", "false");
        writeHistory();
    }

    @AfterEach
    void tearDown() {
        stores.close();
    }

    /** ventas_raw of another system: days TODAY-12 .. TODAY-2 of every store, except tienda_02 on GAP. */
    void writeHistory() throws Exception {
        java.nio.file.Files.createDirectories(data);
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:" + duckdb);
             Statement st = duck.createStatement()) {
            for (String sql : SqlFiles.statements(SqlFiles.read("classpath:sql/duckdb-schema.sql"))) {
                st.execute(sql);
            }
            try (PreparedStatement ins = duck.prepareStatement("INSERT INTO ventas_raw (ubicacion_id, fecha, id,"
                    + " numero_factura, linea, fecha_hora, codigo_producto, descripcion, cantidad, precio_unitario, total)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (String id : STORES) {
                    try (Connection src = DriverManager.getConnection(stores.url(id), "sa", "")) {
                        for (LocalDate d = TODAY.minusDays(12); !d.isAfter(TODAY.minusDays(2)); d = d.plusDays(1)) {
                            if (id.equals("tienda_02") && d.equals(GAP)) {
                                continue;
                            }
                            copyFirstRows(src, ins, id, d);
                        }
                    }
                }
                ins.executeBatch();
            }
        }
    }

    static void copyFirstRows(Connection src, PreparedStatement ins, String id, LocalDate d) throws SQLException {
        try (PreparedStatement q = src.prepareStatement("SELECT id, numero_factura, linea, fecha_hora, codigo_producto,"
                + " descripcion, cantidad, precio_unitario, total FROM ventas WHERE fecha_hora >= ? AND fecha_hora < ?"
                + " ORDER BY id FETCH FIRST " + HISTORY_ROWS + " ROWS ONLY")) {
            q.setObject(1, d.atStartOfDay());
            q.setObject(2, d.plusDays(1).atStartOfDay());
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    ins.setString(1, id);
                    ins.setObject(2, d);
                    for (int c = 1; c <= 9; c++) {
                        ins.setObject(c + 2, rs.getObject(c));
                    }
                    ins.addBatch();
                }
            }
        }
    }

    /** (store|date) -> rows and SUM(total) of ventas_raw, read with a read-only connection. */
    Map<String, StoreServer.Totals> perDay() throws SQLException {
        Map<String, StoreServer.Totals> out = new TreeMap<>();
        java.util.Properties ro = new java.util.Properties();
        ro.setProperty("duckdb.read_only", "true");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + duckdb, ro); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ubicacion_id, fecha, COUNT(*), SUM(total) FROM ventas_raw GROUP BY 1, 2")) {
            while (rs.next()) {
                out.put(rs.getString(1) + "|" + rs.getObject(2, LocalDate.class),
                        new StoreServer.Totals(rs.getLong(3), rs.getBigDecimal(4).setScale(4)));
            }
        }
        return out;
    }

    static RunSummary scheduledWindow(HttpApp app) {
        return app.context().createProducerTemplate().requestBodyAndHeader("direct:window", null, WindowService.KIND,
                "scheduled", RunSummary.class);
    }

    /** The pairs the first night must load: what DuckDB does not hold in the plan's range. */
    static List<String> missing() {
        List<String> out = new ArrayList<>();
        out.add("tienda_02|" + GAP);
        STORES.forEach(id -> out.add(id + "|" + YESTERDAY));
        return out;
    }

    void assertFirstNightLoadedOnlyWhatWasMissing(RunSummary s, Map<String, StoreServer.Totals> history)
            throws SQLException {
        assertThat(s.status()).as(s.toText()).isEqualTo("SUCCEEDED");
        assertThat(s.lines()).extracting(l -> l.storeId() + "|" + l.date()).containsExactlyInAnyOrderElementsOf(missing());
        Map<String, StoreServer.Totals> after = perDay();
        // no history day changed: same rows, same sums
        history.forEach((key, t) -> assertThat(after.get(key)).as(key).isEqualTo(t));
        for (String key : missing()) {
            String[] k = key.split("\\|");
            assertThat(after.get(key)).as(key).isEqualTo(stores.totals(k[0], LocalDate.parse(k[1])));
        }
        assertThat(after).hasSize(history.size() + missing().size());
    }

    @Test
    void heldByTheBackendAtStartTheFirstLeaseImportsAndTheNightLoadsOnlyWhatIsMissing() throws Exception {
        Map<String, StoreServer.Totals> history = perDay();
        assertThat(history).hasSize(3 * 11 - 1);
        MutableClock clock = MutableClock.caracas(2026, 11, 24, 0, 30).ticking();
        try (DuckDbHolder backend = DuckDbHolder.start(duckdb);
             LogCapture log = new LogCapture();
             HttpApp app = HttpApp.start(props, clock)) {
            // the backend holds the file: nothing imported yet, and the log says when it will be
            assertThat(log.lines("INFO")).anyMatch(l -> l.contains("Coverage import: DuckDB file") && l.contains("is held"));
            assertThat(app.ledger().setting(CoverageImport.SETTING)).isEmpty();
            assertThat(app.ledger().storeDays()).isEmpty();
            backend.close();

            clock.setCaracas(2026, 11, 24, 1, 0);
            RunSummary s = scheduledWindow(app);

            assertThat(log.lines("INFO")).anyMatch(l -> l.contains("Coverage import: DuckDB file " + duckdb + " holds 32"
                    + " (store, date) pairs of ventas_raw (3 stores, " + TODAY.minusDays(12) + ".." + TODAY.minusDays(2)
                    + "); 32 recorded in the ledger as loaded (origin import)"));
            assertFirstNightLoadedOnlyWhatWasMissing(s, history);
            // the run had planned the whole range (the ledger was empty), then dropped what DuckDB holds
            StepRecord step = app.ledger().steps(s.runId()).stream().filter(x -> x.step().equals("import-coverage"))
                    .findFirst().orElseThrow();
            assertThat(step.detail()).startsWith("dropped 20 (store, date) pair(s) DuckDB already holds").endsWith("4 left to load");
            assertThat(app.ledger().setting(CoverageImport.SETTING)).get().asString().endsWith(": 32 of 32 (store, date) pairs");
            List<StoreDayRecord> days = app.ledger().storeDays();
            assertThat(days).filteredOn(d -> "import".equals(d.origin())).hasSize(32).allSatisfy(d -> {
                assertThat(d.status()).isEqualTo("LOADED");
                assertThat(new StoreServer.Totals(d.rows(), d.total())).isEqualTo(history.get(d.storeId() + "|"
                        + d.businessDate()));
            });
            assertThat(days).filteredOn(d -> "run".equals(d.origin())).hasSize(4);
            // every date of the plan is now completed
            assertThat(app.ledger().businessDays(TODAY.minusDays(8), YESTERDAY).values()).hasSize(8)
                    .containsOnly("COMPLETED");
        }
    }

    @Test
    void importedAtStartThenASuspectEmptySourceDayIsKeptAndAnExplicitOrderReplacesIt() throws Exception {
        Map<String, StoreServer.Totals> history = perDay();
        MutableClock clock = MutableClock.caracas(2026, 11, 24, 0, 30).ticking();
        try (LogCapture log = new LogCapture(); HttpApp app = HttpApp.start(props, clock)) {
            assertThat(log.lines("INFO")).anyMatch(l -> l.contains("holds 32 (store, date) pairs of ventas_raw")
                    && l.contains("32 recorded in the ledger as loaded"));
            // the gaps view shows the real coverage from the first minute
            JsonNode gaps = app.get("/api/ventas/gaps").json();
            assertThat(gaps.get("period_start").asText()).isEqualTo(TODAY.minusDays(12).toString());
            for (JsonNode st : gaps.get("stores")) {
                String id = st.get("ubicacion_id").asText();
                assertThat(st.get("last_date").asText()).isEqualTo(TODAY.minusDays(2).toString());
                assertThat(st.get("rows").asLong()).isEqualTo(HISTORY_ROWS * (id.equals("tienda_02") ? 10 : 11));
                assertThat(st.get("missing_days").asInt()).as(id).isEqualTo(id.equals("tienda_02") ? 2 : 1);
            }

            clock.setCaracas(2026, 11, 24, 1, 0);
            RunSummary first = scheduledWindow(app);
            assertFirstNightLoadedOnlyWhatWasMissing(first, history);
            assertThat(app.ledger().steps(first.runId())).extracting(StepRecord::step).doesNotContain("import-coverage");
        }

        // Next day: tienda_03's source lost 2026-11-22 (TODAY-2), while DuckDB holds it; the ledger no longer
        // knows it (as after a ledger rebuilt without a new import), so the plan picks it up again
        LocalDate lost = TODAY.minusDays(2);
        try (Connection src = DriverManager.getConnection(stores.url("tienda_03"), "sa", "");
             PreparedStatement del = src.prepareStatement("DELETE FROM ventas WHERE fecha_hora >= ? AND fecha_hora < ?")) {
            del.setObject(1, lost.atStartOfDay());
            del.setObject(2, lost.plusDays(1).atStartOfDay());
            assertThat(del.executeUpdate()).isPositive();
        }
        forgetInTheLedger("tienda_03", lost);
        Map<String, StoreServer.Totals> before = perDay();
        StoreServer.Totals held = before.get("tienda_03|" + lost);
        assertThat(held.rows()).isEqualTo(HISTORY_ROWS);

        clock = MutableClock.caracas(2026, 11, 24, 1, 30).ticking();
        RunSummary second;
        try (LogCapture log = new LogCapture(); HttpApp app = HttpApp.start(props, clock)) {
            second = scheduledWindow(app);
            assertThat(log.lines("WARN")).anyMatch(l -> l.contains("Store tienda_03 " + lost + ": suspect: the source"
                    + " returned no row for a day DuckDB holds 100 rows of"));
        }
        assertThat(second.status()).isEqualTo("SUCCEEDED");
        assertThat(second.lines()).singleElement().satisfies(l -> {
            assertThat(l.storeId() + "|" + l.date()).isEqualTo("tienda_03|" + lost);
            assertThat(l.note()).startsWith("suspect: ");
        });
        assertThat(second.reason()).isEqualTo("1 suspect store load(s) kept their old rows (the source returned none):"
                + " tienda_03 " + lost);
        assertThat(second.toText()).contains("suspect: the source returned no row");
        // untouched: every day as before
        assertThat(perDay()).isEqualTo(before);
        AttemptRecord a = LedgerFile.read(data, l -> l.attempts(second.runId())).get(0);
        assertThat(a.status()).isEqualTo("SUCCEEDED");
        assertThat(a.rows()).isZero();
        assertThat(a.note()).startsWith("suspect: the source returned no row for a day DuckDB holds 100 rows of (SUM(total) "
                + held.total() + ")");
        StoreDayRecord day = storeDay("tienda_03", lost);
        assertThat(day.status()).isEqualTo("LOADED");
        assertThat(new StoreServer.Totals(day.rows(), day.total())).isEqualTo(held);
        assertThat(day.note()).startsWith("suspect: ");
        RunRecord run = LedgerFile.read(data, l -> l.run(second.runId()).orElseThrow());
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(run.reason()).isEqualTo(second.reason());

        // the operator's explicit order replaces the day with what the source has: nothing
        Apps.WindowResult r = Apps.runWindow(props, clock, "--date", lost.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        Map<String, StoreServer.Totals> afterOrder = perDay();
        assertThat(afterOrder).doesNotContainKey("tienda_03|" + lost);
        // the other stores of that date were reloaded from their sources
        assertThat(afterOrder.get("tienda_01|" + lost)).isEqualTo(stores.totals("tienda_01", lost));
        StoreDayRecord replaced = storeDay("tienda_03", lost);
        assertThat(replaced.rows()).isZero();
        assertThat(replaced.note()).isEqualTo("replaced the 100 rows DuckDB held with none (explicit order of a cli run)");
    }

    /** The ledger (the app is stopped) forgets one pair and its date's completion. */
    void forgetInTheLedger(String store, LocalDate date) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + data.resolve("ledger")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH", "sa", "");
             PreparedStatement ps = c.prepareStatement("DELETE FROM store_day WHERE store_id = ? AND business_date = ?");
             PreparedStatement bd = c.prepareStatement("DELETE FROM business_day WHERE business_date = ?")) {
            ps.setString(1, store);
            ps.setObject(2, date);
            assertThat(ps.executeUpdate()).isEqualTo(1);
            bd.setObject(1, date);
            bd.executeUpdate();
        }
    }

    StoreDayRecord storeDay(String store, LocalDate date) {
        return LedgerFile.read(data, l -> l.storeDays()).stream()
                .filter(d -> d.storeId().equals(store) && d.businessDate().equals(date)).findFirst().orElseThrow();
    }
}
