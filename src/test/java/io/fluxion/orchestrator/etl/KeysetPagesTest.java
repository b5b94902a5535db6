package io.fluxion.orchestrator.etl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxion.orchestrator.config.SqlFiles;
import java.math.BigDecimal;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pages of the two keysets and the one {@link Load} interface of their sinks, on a DuckDB database in memory
 * (the real driver and Appender): which chunk follows which, when the pull ends, what commit and rollback leave.
 */
class KeysetPagesTest {
    static final LocalDate D = LocalDate.of(2026, 11, 20);
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T06:00:00Z"), ZoneOffset.UTC);

    DuckDBConnection db;
    final AtomicInteger closed = new AtomicInteger();

    @BeforeEach
    void open() throws Exception {
        db = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = db.createStatement()) {
            for (String sql : SqlFiles.statements(SqlFiles.read("classpath:sql/duckdb-schema.sql"))) {
                st.execute(sql);
            }
        }
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    SalesLoad sales() throws Exception {
        return new SalesLoad((DuckDBConnection) db.duplicate(), "tienda_01", D, 7, CLOCK, closed::incrementAndGet);
    }

    InventoryLoad inventory() throws Exception {
        return new InventoryLoad((DuckDBConnection) db.duplicate(), "tienda_08", LocalDateTime.of(2026, 11, 21, 2, 0),
                closed::incrementAndGet);
    }

    static List<Map<String, Object>> sale(long... ids) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (long id : ids) {
            Map<String, Object> r = new HashMap<>();
            r.put("ID", id == Long.MIN_VALUE ? null : id);
            r.put("NUMERO_FACTURA", "F" + id);
            r.put("LINEA", 1);
            r.put("FECHA_HORA", D.atTime(10, 0));
            r.put("CODIGO_PRODUCTO", "P1");
            r.put("DESCRIPCION", "x");
            r.put("CANTIDAD", BigDecimal.ONE);
            r.put("PRECIO_UNITARIO", BigDecimal.TEN);
            r.put("TOTAL", BigDecimal.TEN);
            rows.add(r);
        }
        return rows;
    }

    static List<Map<String, Object>> product(String... codes) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String code : codes) {
            Map<String, Object> r = new HashMap<>();
            r.put("codigo_producto", code);
            r.put("descripcion", "d");
            r.put("cantidad", BigDecimal.ONE);
            rows.add(r);
        }
        return rows;
    }

    /** What the keyset-chunks route does with a pulled chunk: take it (the next key), then append it. */
    static boolean take(Keyset keyset, List<Map<String, Object>> rows) {
        boolean more = keyset.advance(rows);
        keyset.appendChunk(rows);
        return more;
    }

    long count(String sql) throws Exception {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void salesArePagedByIdFromBelowEveryIdUntilAChunkIsNotFull() throws Exception {
        SalesLoad load = sales();
        SalesKeyset keyset = new SalesKeyset("SELECT ...", D, 2, load);
        assertThat(keyset.parameters()).containsEntry("desde", D.atStartOfDay())
                .containsEntry("hasta", D.plusDays(1).atStartOfDay()).containsEntry("ultimo_id", Long.MIN_VALUE)
                .containsEntry("filas", 2);

        assertThat(take(keyset, sale(-5, 3))).as("a full chunk").isTrue();
        assertThat(keyset.parameters()).containsEntry("ultimo_id", 3L);
        assertThat(take(keyset, sale(8))).as("a short chunk ends the pull").isFalse();
        assertThat(keyset.load()).isSameAs(load);
        load.commit();

        assertThat(count("SELECT COUNT(*) FROM ventas_raw WHERE ubicacion_id = 'tienda_01' AND etl_run_id = 7")).isEqualTo(3);
        assertThat(closed).as("the load's connection is given back once").hasValue(1);
    }

    @Test
    void aFullSalesChunkThatDoesNotMoveTheKeyOrRowsOutOfOrderStopThePull() throws Exception {
        SalesLoad load = sales();
        SalesKeyset keyset = new SalesKeyset("SELECT ...", D, 2, load);
        assertThatThrownBy(() -> take(keyset, sale(Long.MIN_VALUE, Long.MIN_VALUE)))
                .isInstanceOf(SourceRowsException.class).hasMessageContaining("did not move the keyset");
        assertThat(load.leftOut()).as("refused before it reaches the load").isZero();
        assertThatThrownBy(() -> take(keyset, sale(9, 4))).isInstanceOf(SourceRowsException.class)
                .hasMessageContaining("increasing id order");
        load.rollback();
        assertThat(count("SELECT COUNT(*) FROM ventas_raw")).isZero();
    }

    @Test
    void aRollbackLeavesTheDayAsItWasAndIsIdempotentOnBothLoads() throws Exception {
        SalesLoad first = sales();
        first.append(sale(1, 2, 3));
        first.commit();

        Load again = sales();
        assertThat(((SalesLoad) again).deleted()).as("the DELETE's count: what the day held").isEqualTo(3);
        again.append(sale(10));
        again.rollback();
        again.rollback();
        assertThat(count("SELECT COUNT(*) FROM ventas_raw WHERE id IN (1, 2, 3)")).isEqualTo(3);
        assertThat(count("SELECT COUNT(*) FROM ventas_raw WHERE id = 10")).isZero();

        Load inv = inventory();
        inv.append(product("A"));
        inv.rollback();
        inv.rollback();
        assertThat(count("SELECT COUNT(*) FROM inventario_raw")).isZero();
        assertThat(closed).hasValue(3);
    }

    @Test
    void theInventoryIsPagedByCodeThenItsRowsWithoutACodeAreReadOnce() throws Exception {
        InventoryLoad load = inventory();
        InventoryKeyset keyset = new InventoryKeyset("KEYED", "UNKEYED", 2, load);
        assertThat(keyset.query()).isEqualTo("KEYED");
        assertThat(keyset.parameters()).containsEntry("ultimo_codigo", "").containsEntry("filas", 2);

        assertThat(take(keyset, product("A", "B"))).isTrue();
        assertThat(keyset.parameters()).containsEntry("ultimo_codigo", "B");
        // a short keyed chunk: then the statement of the rows without a code, once
        assertThat(take(keyset, product("C"))).isTrue();
        assertThat(keyset.query()).isEqualTo("UNKEYED");
        assertThat(take(keyset, product((String) null))).as("read once: nothing pages it").isFalse();
        load.commit();

        assertThat(count("SELECT COUNT(*) FROM inventario_raw WHERE ubicacion_id = 'tienda_08'")).isEqualTo(4);
        assertThat(load.withoutCode()).isEqualTo(1);
    }

    @Test
    void withoutTheSecondStatementTheInventoryEndsAfterTheKeyedChunks() throws Exception {
        InventoryKeyset keyset = new InventoryKeyset("KEYED", null, 2, inventory());
        assertThat(take(keyset, product("A"))).isFalse();
        assertThat(keyset.query()).isEqualTo("KEYED");
        keyset.load().rollback();
    }

    @Test
    void inventoryChunksThatCannotBePagedStopThePull() throws Exception {
        InventoryKeyset stuck = new InventoryKeyset("KEYED", "UNKEYED", 2, inventory());
        assertThatThrownBy(() -> take(stuck, product(null, null))).isInstanceOf(SourceRowsException.class)
                .hasMessageContaining("did not move the keyset");
        stuck.load().rollback();

        InventoryKeyset unkeyed = new InventoryKeyset("KEYED", "UNKEYED", 2, inventory());
        take(unkeyed, product("A"));
        assertThatThrownBy(() -> take(unkeyed, product(null, null))).isInstanceOf(SourceRowsException.class)
                .hasMessageContaining("filled a whole chunk");
        unkeyed.load().rollback();
    }
}
