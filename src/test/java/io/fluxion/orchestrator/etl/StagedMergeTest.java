package io.fluxion.orchestrator.etl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staging files and the merge of the staged strategy on real DuckDB files: a staged (store, date) replaces the
 * analytics file's rows of that pair and nothing else; the merge is one transaction (a failing pair leaves every
 * pair as it was); a planned run's empty staging never empties a day (suspect), an explicit one does; a dead run's
 * staging files are discarded.
 */
class StagedMergeTest {
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    @TempDir
    Path tmp;

    static List<Map<String, Object>> rows(long firstId, int n, String total) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("ID", firstId + i);
            r.put("NUMERO_FACTURA", "F" + (firstId + i));
            r.put("LINEA", 1);
            r.put("FECHA_HORA", LocalDateTime.of(D, java.time.LocalTime.NOON));
            r.put("CODIGO_PRODUCTO", "P1");
            r.put("DESCRIPCION", "producto ñ");
            r.put("CANTIDAD", new BigDecimal("1.000"));
            r.put("PRECIO_UNITARIO", new BigDecimal(total));
            r.put("TOTAL", new BigDecimal(total));
            out.add(r);
        }
        return out;
    }

    DuckDbWriter writer() {
        return new DuckDbWriter(tmp.resolve("fluxion.duckdb"), Clock.systemUTC());
    }

    /** Loads rows straight into the analytics file (what an earlier night left). */
    void loadDirect(String store, List<Map<String, Object>> rows) {
        try (DuckDbWriter.Lease lease = writer().acquire("test")) {
            SalesLoad l = lease.beginSalesLoad(store, D, 1);
            l.append(rows);
            l.commit();
        }
    }

    void stage(Staging staging, String store, List<Map<String, Object>> rows) {
        SalesLoad l = staging.beginSalesLoad(store, D, 2);
        l.append(rows);
        l.commit();
    }

    long[] held(String store) throws Exception {
        java.util.Properties ro = new java.util.Properties();
        ro.setProperty("duckdb.read_only", "true");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + tmp.resolve("fluxion.duckdb"), ro);
             PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COALESCE(MIN(etl_run_id), -1) FROM ventas_raw"
                     + " WHERE ubicacion_id = ? AND fecha = ?")) {
            ps.setString(1, store);
            ps.setObject(2, D);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    List<StagedMerge.Outcome> merge(Staging staging, boolean keepOnEmpty, String... stores) throws Exception {
        try (DuckDbWriter.Lease lease = writer().acquire("merge"); Connection c = lease.connection()) {
            List<StagedMerge.Pair> pairs = new ArrayList<>();
            for (String s : stores) {
                pairs.add(new StagedMerge.Pair(s, D, staging.file(s)));
            }
            return StagedMerge.merge(c, pairs, keepOnEmpty);
        }
    }

    @Test
    void aStagedPairReplacesTheAnalyticsRowsOfThatPairOnlyAndARerunNeverDoubles() throws Exception {
        loadDirect("tienda_01", rows(1, 5, "2.0000"));
        loadDirect("tienda_09", rows(1, 3, "9.0000"));
        Staging staging = new Staging(tmp.resolve("staging"), Clock.systemUTC());
        stage(staging, "tienda_01", rows(100, 7, "3.0000"));
        assertThat(staging.inUse()).as("a committed load closes its staging file").isFalse();

        List<StagedMerge.Outcome> out = merge(staging, true, "tienda_01");
        List<StagedMerge.Outcome> again = merge(staging, true, "tienda_01");

        assertThat(out).singleElement().satisfies(o -> {
            assertThat(o.rows()).isEqualTo(7);
            assertThat(o.replaced()).isEqualTo(5);
            assertThat(o.total()).isEqualByComparingTo("21");
            assertThat(o.kept()).isFalse();
        });
        assertThat(again.get(0).replaced()).isEqualTo(7);
        assertThat(held("tienda_01")).containsExactly(7, 2);
        assertThat(held("tienda_09")).as("another store is untouched").containsExactly(3, 1);
    }

    @Test
    void theMergeIsOneTransactionAFailingPairLeavesEveryPairAsItWas() throws Exception {
        loadDirect("tienda_01", rows(1, 5, "2.0000"));
        Staging staging = new Staging(tmp.resolve("staging"), Clock.systemUTC());
        stage(staging, "tienda_01", rows(100, 7, "3.0000"));
        // a staging file whose table does not fit the analytics one: its INSERT fails after tienda_01's replace
        Files.createDirectories(staging.dir());
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + staging.file("tienda_02"));
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE ventas_raw (ubicacion_id VARCHAR, fecha DATE, bogus INTEGER)");
            st.execute("INSERT INTO ventas_raw VALUES ('tienda_02', DATE '2026-11-20', 1)");
        }

        assertThatThrownBy(() -> merge(staging, true, "tienda_01", "tienda_02")).isInstanceOf(LoadException.class)
                .hasMessageContaining("merge");

        assertThat(held("tienda_01")).as("tienda_01's replace was rolled back with the rest").containsExactly(5, 1);
        assertThat(held("tienda_02")[0]).isZero();
    }

    @Test
    void anEmptyStagingKeepsTheDayInAPlannedRunAndEmptiesItOnAnExplicitOrder() throws Exception {
        loadDirect("tienda_01", rows(1, 5, "2.0000"));
        Staging staging = new Staging(tmp.resolve("staging"), Clock.systemUTC());
        stage(staging, "tienda_01", List.of());

        StagedMerge.Outcome planned = merge(staging, true, "tienda_01").get(0);
        assertThat(planned.kept()).isTrue();
        assertThat(planned.rows()).isEqualTo(5);
        assertThat(held("tienda_01")[0]).isEqualTo(5);

        StagedMerge.Outcome explicit = merge(staging, false, "tienda_01").get(0);
        assertThat(explicit.kept()).isFalse();
        assertThat(explicit.replaced()).isEqualTo(5);
        assertThat(held("tienda_01")[0]).isZero();
    }

    @Test
    void aRolledBackStagingLeavesNothingAndADeadRunsFilesAreDiscarded() throws Exception {
        Staging staging = new Staging(tmp.resolve("staging"), Clock.systemUTC());
        SalesLoad l = staging.beginSalesLoad("tienda_01", D, 3);
        l.append(rows(1, 4, "1.0000"));
        l.rollback();
        assertThat(staging.inUse()).isFalse();
        loadDirect("tienda_01", rows(1, 2, "2.0000"));
        // nothing staged: an explicit merge would empty the day; a planned one keeps it
        assertThat(merge(staging, true, "tienda_01").get(0).kept()).isTrue();
        assertThat(Files.exists(staging.file("tienda_01"))).isTrue();

        assertThat(Staging.discardAll(staging.dir())).isGreaterThanOrEqualTo(1);
        assertThat(staging.dir()).isEmptyDirectory();
        assertThatThrownBy(() -> merge(staging, true, "tienda_01")).isInstanceOf(LoadException.class)
                .hasMessageContaining("missing");
    }
}
