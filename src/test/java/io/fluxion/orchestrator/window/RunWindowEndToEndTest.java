package io.fluxion.orchestrator.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.StoreServer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run-window on H2 TCP stores: exactly the source's rows of the date, nothing around it, and a rerun duplicates nothing. */
class RunWindowEndToEndTest {
    static final LocalDate D = LocalDate.of(2026, 11, 20);
    static final List<String> STORES = List.of("tienda_01", "tienda_02", "tienda_03");

    @TempDir
    static Path tmp;
    static StoreServer stores;

    @BeforeAll
    static void startStores() {
        stores = StoreServer.start(tmp.resolve("stores"));
        for (String id : STORES) {
            stores.createStore(id, false, D.minusDays(1), D.plusDays(1));
        }
    }

    @AfterAll
    static void stopStores() {
        stores.close();
    }

    @Test
    void loadsExactlyTheSourceRowsOfTheDateAndARerunChangesNothing() {
        Path data = tmp.resolve("data");
        Map<String, String> props = Apps.base(data);
        props.putAll(stores.storeProperties(STORES));
        // small chunks: every store takes several keyset chunks
        props.put("fluxion.etl.chunk-size", "250");

        Apps.WindowResult first = Apps.runWindow(props, null, "--date", D.toString());
        assertThat(first.exitCode()).as(first.output()).isEqualTo(0);
        assertThat(first.output()).contains("SUCCEEDED").contains("3 total, 3 succeeded, 0 failed");

        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        for (String id : STORES) {
            StoreServer.Totals source = stores.totals(id, D);
            assertThat(source.rows()).isGreaterThan(500);
            assertThat(duck.totals(id, D)).as(id).isEqualTo(source);
        }
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw WHERE fecha <> ?", D)).isZero();
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw WHERE CAST(fecha_hora AS DATE) <> fecha")).isZero();
        long total = duck.count("SELECT COUNT(*) FROM ventas_raw");
        assertThat(duck.count("SELECT COUNT(DISTINCT (ubicacion_id, id)) FROM ventas_raw")).isEqualTo(total);

        Apps.WindowResult second = Apps.runWindow(props, null, "--date", D.toString());
        assertThat(second.exitCode()).as(second.output()).isEqualTo(0);
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).isEqualTo(total);
        for (String id : STORES) {
            assertThat(duck.totals(id, D)).as(id).isEqualTo(stores.totals(id, D));
        }
    }

    @Test
    void parallelStoresThroughOneWriterLoadTheSameRows() {
        Path data = tmp.resolve("data-parallel");
        Map<String, String> props = Apps.base(data);
        props.putAll(stores.storeProperties(STORES));
        props.put("fluxion.etl.chunk-size", "300");
        props.put("fluxion.etl.parallelism", "2");
        Apps.WindowResult r = Apps.runWindow(props, null, "--date", D.minusDays(1).toString());
        assertThat(r.exitCode()).as(r.output()).isEqualTo(0);
        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        for (String id : STORES) {
            assertThat(duck.totals(id, D.minusDays(1))).as(id).isEqualTo(stores.totals(id, D.minusDays(1)));
        }
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw WHERE fecha <> ?", D.minusDays(1))).isZero();
    }

    @Test
    void refusesABadDateWithoutTouchingAnything() {
        Path data = tmp.resolve("data-bad");
        Map<String, String> props = Apps.base(data);
        props.putAll(stores.storeProperties(STORES));
        Apps.WindowResult r = Apps.runWindow(props, null, "--date", "2026-13-40");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(data.resolve("fluxion.duckdb")).doesNotExist();
    }
}
