package io.fluxion.orchestrator.etl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.config.SqlFiles;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.KlkRunRecord;
import io.fluxion.orchestrator.ledger.StoreDayRecord;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.LedgerFile;
import io.fluxion.orchestrator.testing.LogCapture;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.Services;
import io.fluxion.orchestrator.testing.StoreServer;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 9: no source row is skipped silently. Sales ids of 0 and below are loaded (the keyset starts
 * below every id); a row an operator's query returns with a NULL id is counted, left out and reported; rows out
 * of id order stop the load instead of skipping rows; inventory rows without a product code (NULL or empty) are
 * loaded and counted, and an operator's one-statement copy of the inventory file still works.
 */
class KeysetEdgesTest {
    static final LocalDate D = LocalDate.of(2026, 11, 20);
    static final String KLK = "tienda_08";

    @TempDir
    static Path tmp;
    static StoreServer stores;

    @BeforeAll
    static void startStores() throws Exception {
        stores = StoreServer.start(tmp.resolve("stores"));
        stores.createStore("tienda_01", false, D, D);
        stores.createStore(KLK, true, D, D);
        try (Connection c = DriverManager.getConnection(stores.url("tienda_01"), "sa", "");
             PreparedStatement ps = c.prepareStatement("INSERT INTO ventas (id, numero_factura, linea, fecha_hora,"
                     + " codigo_producto, descripcion, cantidad, precio_unitario, total) VALUES (?, 'NEG', 1, ?, 'P00001',"
                     + " 'negative id', 1.000, 10.0000, ?)")) {
            // ids a source may really hold: 0, small negatives (migrated rows), a very negative one
            long[] ids = {0, -1, -5, -9_000_000_000L};
            for (int i = 0; i < ids.length; i++) {
                ps.setLong(1, ids[i]);
                ps.setObject(2, D.atTime(8 + i, 0));
                ps.setBigDecimal(3, BigDecimal.valueOf(100 + i));
                ps.executeUpdate();
            }
        }
        try (Connection c = DriverManager.getConnection(stores.url(KLK), "sa", "");
             Statement st = c.createStatement()) {
            // the product code is not a key in this source: it allows NULL and empty codes
            st.execute("ALTER TABLE inventario DROP PRIMARY KEY");
            st.execute("ALTER TABLE inventario ALTER COLUMN codigo_producto SET NULL");
            st.execute("INSERT INTO inventario VALUES (NULL, 'sin código', 3.500)");
            st.execute("INSERT INTO inventario VALUES (NULL, 'otro sin código', 1.000)");
            st.execute("INSERT INTO inventario VALUES ('', 'código vacío', 2.250)");
        }
    }

    @AfterAll
    static void stopStores() {
        stores.close();
    }

    Map<String, String> props(Path data) {
        Map<String, String> p = Apps.base(data);
        p.putAll(stores.storeProperties(List.of("tienda_01")));
        // several keyset chunks per day, the rows of id <= 0 in the first
        p.put("fluxion.etl.chunk-size", "200");
        p.put("fluxion.etl.max-attempts", "1");
        return p;
    }

    @Test
    void salesRowsWithAnIdOfZeroOrBelowAreLoaded() {
        Path data = tmp.resolve("data-neg");
        Apps.WindowResult r = Apps.runWindow(props(data), null, "--date", D.toString());

        assertThat(r.exitCode()).as(r.output()).isZero();
        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        StoreServer.Totals source = stores.totals("tienda_01", D);
        assertThat(duck.totals("tienda_01", D)).isEqualTo(source);
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw WHERE id <= 0")).isEqualTo(4);
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw WHERE id = -9000000000")).isEqualTo(1);
        AttemptRecord a = LedgerFile.read(data, l -> l.attempts(l.recentRuns(1).get(0).id())).get(0);
        assertThat(a.rows()).isEqualTo(source.rows());
        assertThat(a.rowsLeftOut()).isZero();
        assertThat(a.note()).isNull();
    }

    @Test
    void aRowAnOperatorsQueryReturnsWithANullIdIsCountedLeftOutAndReported() throws Exception {
        Path data = tmp.resolve("data-null-id");
        long blanked = D.toEpochDay() * 100_000L + 5;
        // an operator's copy: the same keyset, but one row comes back without an id
        Path sql = Files.writeString(tmp.resolve("ventas-null-id.sql"), """
                -- operator's copy
                SELECT CASE WHEN v.id = %d THEN NULL ELSE v.id END AS id, v.numero_factura, v.linea, v.fecha_hora,
                       v.codigo_producto, v.descripcion, v.cantidad, v.precio_unitario, v.total
                FROM ventas v
                WHERE v.fecha_hora >= :?desde AND v.fecha_hora < :?hasta AND v.id > :?ultimo_id
                ORDER BY v.id
                OFFSET 0 ROWS FETCH NEXT :?filas ROWS ONLY
                """.formatted(blanked));
        Map<String, String> p = props(data);
        p.put("fluxion.etl.sales-query", "file:" + sql);

        Apps.WindowResult r;
        try (LogCapture log = new LogCapture()) {
            r = Apps.runWindow(p, null, "--date", D.toString());
            assertThat(log.lines("WARN")).anyMatch(l -> l.contains("tienda_01 " + D) && l.contains("1 source row(s) left out: NULL id"));
        }

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("1 source row(s) left out: NULL id");
        StoreServer.Totals source = stores.totals("tienda_01", D);
        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        assertThat(duck.totals("tienda_01", D).rows()).isEqualTo(source.rows() - 1);
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw WHERE id = ?", blanked)).isZero();
        AttemptRecord a = LedgerFile.read(data, l -> l.attempts(l.recentRuns(1).get(0).id())).get(0);
        assertThat(a.status()).isEqualTo("SUCCEEDED");
        assertThat(a.rows()).isEqualTo(source.rows() - 1);
        assertThat(a.rowsLeftOut()).isEqualTo(1);
        assertThat(a.note()).contains("NULL id");
        StoreDayRecord day = LedgerFile.read(data, l -> l.storeDays()).get(0);
        assertThat(day.note()).contains("1 source row(s) left out");
    }

    @Test
    void rowsOutOfIdOrderStopTheLoadInsteadOfSkippingRows() throws Exception {
        Path data = tmp.resolve("data-desc");
        Path sql = Files.writeString(tmp.resolve("ventas-desc.sql"), SqlFiles.read("classpath:sql/ventas-chunk.sql")
                .replace("ORDER BY id", "ORDER BY id DESC"));
        Map<String, String> p = props(data);
        p.put("fluxion.etl.sales-query", "file:" + sql);

        Apps.WindowResult r = Apps.runWindow(p, null, "--date", D.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        AttemptRecord a = LedgerFile.read(data, l -> l.attempts(l.recentRuns(1).get(0).id())).get(0);
        assertThat(a.status()).isEqualTo("FAILED");
        assertThat(a.error()).startsWith("source error: the sales query returned id ").contains("increasing id order");
        // nothing in DuckDB (staged: the analytics file is not even created when nothing was staged)
        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        assertThat(!duck.exists() || duck.totals("tienda_01", D).rows() == 0).isTrue();
    }

    KlkRunRecord inventory(Path data, String inventoryQuery) throws Exception {
        Map<String, String> p = Apps.base(data);
        p.putAll(stores.storeProperties(Map.of(KLK, stores.port()), "klk"));
        p.put("fluxion.etl.chunk-size", "15");
        p.put("camel.component.quartz.autoStartScheduler", "false");
        if (inventoryQuery != null) {
            p.put("fluxion.klk.inventory-query", inventoryQuery);
        }
        // outside the window hours: a manual KLK sync runs
        MutableClock clock = MutableClock.caracas(2026, 11, 21, 12, 0).ticking();
        try (Services app = Services.start(p, Map.of(FluxionConfiguration.CLOCK, clock))) {
            Map<?, ?> body = app.context().createProducerTemplate().requestBody("direct:klk-inventory", null, Map.class);
            long id = ((Number) body.get("id")).longValue();
            return app.ledger().recentKlkRuns("klk-inventory", 10).stream().filter(k -> k.id() == id).findFirst()
                    .orElseThrow();
        }
    }

    long sourceCount(String where) throws Exception {
        try (Connection c = DriverManager.getConnection(stores.url(KLK), "sa", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM inventario " + where)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void inventoryRowsWithoutAProductCodeAreLoadedAndCounted() throws Exception {
        Path data = tmp.resolve("data-inv");
        KlkRunRecord r = inventory(data, null);

        assertThat(r.status()).as(r.reason()).isEqualTo("SUCCEEDED");
        long all = sourceCount("");
        assertThat(all).isEqualTo(43);
        assertThat(r.rowsLoaded()).isEqualTo(all);
        assertThat(r.detail()).isEqualTo(KLK + ": 43 rows (3 of them without a product code)");
        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        assertThat(duck.query("SELECT COUNT(*), SUM(cantidad) FROM inventario_raw WHERE ubicacion_id = ?", KLK).rows())
                .isEqualTo(all);
        assertThat(duck.count("SELECT COUNT(*) FROM inventario_raw WHERE codigo_producto IS NULL")).isEqualTo(2);
        assertThat(duck.count("SELECT COUNT(*) FROM inventario_raw WHERE codigo_producto = ''")).isEqualTo(1);
        assertThat(duck.count("SELECT COUNT(DISTINCT codigo_producto) FROM inventario_raw WHERE codigo_producto <> ''"))
                .isEqualTo(40);
    }

    @Test
    void anOperatorsOneStatementCopyOfTheInventoryFileStillWorks() throws Exception {
        Path data = tmp.resolve("data-inv-copy");
        // the file as it was before (keyset statement only), under the operator's own name
        Path sql = Files.writeString(tmp.resolve("inventario-propio.sql"), """
                SELECT codigo_producto, descripcion, cantidad
                FROM inventario
                WHERE codigo_producto > :?ultimo_codigo
                ORDER BY codigo_producto
                OFFSET 0 ROWS FETCH NEXT :?filas ROWS ONLY
                """);
        KlkRunRecord r;
        try (LogCapture log = new LogCapture()) {
            r = inventory(data, "file:" + sql);
            assertThat(log.lines("WARN")).anyMatch(l -> l.contains("has no second statement"));
        }

        assertThat(r.status()).as(r.reason()).isEqualTo("SUCCEEDED");
        assertThat(r.rowsLoaded()).isEqualTo(40);
        assertThat(new DuckDbFile(data.resolve("fluxion.duckdb")).count("SELECT COUNT(*) FROM inventario_raw")).isEqualTo(40);
    }
}
