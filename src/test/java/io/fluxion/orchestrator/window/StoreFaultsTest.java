package io.fluxion.orchestrator.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.ledger.StoreDayRecord;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.LedgerFile;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store whose source refuses connections or drops mid-chunk: each failed chunk is redelivered,
 * then that store fails alone with its reason in the ledger and the summary, its rows rolled back,
 * the other stores load, and run-window exits non-zero.
 */
class StoreFaultsTest {
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    @TempDir
    Path tmp;
    StoreServer stores;
    TcpProxy proxy;
    Map<String, String> props;
    Path data;

    @BeforeEach
    void setUp() throws Exception {
        stores = StoreServer.start(tmp.resolve("stores"));
        for (String id : List.of("tienda_01", "tienda_02", "tienda_03")) {
            stores.createStore(id, false, D, D);
        }
        proxy = new TcpProxy(stores.port());
        data = tmp.resolve("data");
        props = Apps.base(data);
        // tienda_02 goes through the proxy: the faulty one
        props.putAll(stores.storeProperties(List.of("tienda_01", "tienda_02", "tienda_03"), "tienda_02", proxy.port()));
        props.put("fluxion.etl.chunk-size", "250");
        // one attempt per store: this class checks what a single attempt does (redeliveries, rollback);
        // the retries of a failed store after fluxion.etl.retry-interval are checked in StoreRetriesTest
        props.put("fluxion.etl.max-attempts", "1");
    }

    @AfterEach
    void tearDown() throws Exception {
        proxy.close();
        stores.close();
    }

    @Test
    void aStoreThatRefusesConnectionsIsRedeliveredThenFailsAlone() {
        // the connectivity probe at the window start gets through (a store refusing it is not loaded at all:
        // StoreConnectivityTest); the load's connections are refused
        proxy.faultsFrom(2);
        proxy.refuse(true);

        Apps.WindowResult r = Apps.runWindow(props, null, "--date", D.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        // the probe, then the first try + fluxion.etl.redeliveries (3)
        assertThat(proxy.connections()).isEqualTo(1 + 4);
        assertThat(r.output()).contains("3 total, 2 succeeded, 1 failed").contains("tienda_02").contains("FAILED");
        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        assertThat(duck.totals("tienda_01", D)).isEqualTo(stores.totals("tienda_01", D));
        assertThat(duck.totals("tienda_03", D)).isEqualTo(stores.totals("tienda_03", D));
        assertThat(duck.totals("tienda_02", D).rows()).isZero();

        List<AttemptRecord> attempts = LedgerFile.read(data, l -> l.attempts(l.recentRuns(1).get(0).id()));
        AttemptRecord failed = attempts.stream().filter(a -> a.storeId().equals("tienda_02")).findFirst().orElseThrow();
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.error()).contains("source unreachable after 3 redeliveries");
        RunRecord run = LedgerFile.read(data, l -> l.recentRuns(1).get(0));
        assertThat(run.status()).isEqualTo("FAILED");
        assertThat(run.reason()).contains("tienda_02");
        assertThat(run.backendState()).isEqualTo("STARTED");
        boolean completed = LedgerFile.read(data, l -> l.isCompleted(D));
        assertThat(completed).isFalse();
    }

    @Test
    void aDropMidStoreRollsBackItsPartialRowsAndKeepsTheLastGoodLoad() {
        // first a good load of D for every store
        assertThat(Apps.runWindow(props, null, "--date", D.toString()).exitCode()).isZero();
        DuckDbFile duck = new DuckDbFile(data.resolve("fluxion.duckdb"));
        StoreServer.Totals good = duck.totals("tienda_02", D);
        assertThat(good).isEqualTo(stores.totals("tienda_02", D));
        assertThat(good.rows()).isGreaterThan(750);
        int before = proxy.connections();

        // then the store drops every connection from its 4th chunk on (after the window's connectivity probe), in the
        // middle of the result
        proxy.dropFrom(before + 1 + 4, 3000);
        Apps.WindowResult r = Apps.runWindow(props, null, "--date", D.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        // the probe, 3 good chunks, then the 4th chunk tried once and redelivered 3 times
        assertThat(proxy.connections() - before).isEqualTo(1 + 3 + 1 + 3);
        // the 750 rows appended before the drop were rolled back: DuckDB keeps the previous load exactly
        assertThat(duck.totals("tienda_02", D)).isEqualTo(good);
        assertThat(duck.totals("tienda_01", D)).isEqualTo(stores.totals("tienda_01", D));
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).isEqualTo(
                stores.totals("tienda_01", D).rows() + good.rows() + stores.totals("tienda_03", D).rows());

        List<AttemptRecord> attempts = LedgerFile.read(data, l -> l.attempts(l.recentRuns(1).get(0).id()));
        AttemptRecord failed = attempts.stream().filter(a -> a.storeId().equals("tienda_02")).findFirst().orElseThrow();
        assertThat(failed.status()).isEqualTo("FAILED");
        assertThat(failed.rows()).as("rows rolled back").isEqualTo(750);
        // coverage still says what DuckDB holds: the earlier load
        StoreDayRecord day = LedgerFile.read(data, l -> l.storeDays()).stream()
                .filter(s -> s.storeId().equals("tienda_02")).findFirst().orElseThrow();
        assertThat(day.status()).isEqualTo("LOADED");
        assertThat(day.rows()).isEqualTo(good.rows());
    }
}
