package io.fluxion.orchestrator.klk;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionApplication;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.etl.DuckDbWriter;
import io.fluxion.orchestrator.ledger.KlkRunRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import io.fluxion.orchestrator.window.RunSummary;
import io.fluxion.orchestrator.window.Sleeper;
import io.fluxion.orchestrator.window.WindowService;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * KLK direct mode on demo-like stores behind a real H2 TCP server, into a real DuckDB file: DuckDB holds
 * exactly the source's inventory and the source's sales of yesterday and today; a rerun changes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KlkDirectModeTest {
    static final List<String> KLK = List.of("tienda_08", "tienda_12");
    static final LocalDate TODAY = LocalDate.of(2026, 11, 24);
    static final LocalDate YESTERDAY = TODAY.minusDays(1);

    Path tmp;
    StoreServer stores;
    MutableClock clock;
    Main main;
    ProducerTemplate template;
    Ledger ledger;
    DuckDbFile duck;
    /** One open connection per store keeps its H2 database open between the per-chunk connections. */
    final List<Connection> keepOpen = new java.util.ArrayList<>();
    /** The legacy store is reached through a proxy, so a test can make the window's first attempt fail. */
    TcpProxy proxy;
    /** When set, the window's wait for a retry blocks on it (the run stays active), then moves the clock on. */
    volatile CountDownLatch gate;
    final CountDownLatch sleeping = new CountDownLatch(1);

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("klk-direct");
        stores = StoreServer.start(tmp.resolve("stores"));
        for (String id : KLK) {
            stores.createStore(id, true, TODAY.minusDays(2), TODAY.plusDays(1));
        }
        stores.createStore("tienda_01", false, TODAY.minusDays(2), TODAY.plusDays(1));
        for (String id : List.of("tienda_08", "tienda_12", "tienda_01")) {
            keepOpen.add(DriverManager.getConnection(stores.url(id), "sa", ""));
        }
        Map<String, String> p = Apps.base(tmp.resolve("data"));
        p.put("camel.server.enabled", "false");
        p.put("camel.component.quartz.autoStartScheduler", "false");
        Map<String, Integer> klkPorts = new LinkedHashMap<>();
        KLK.forEach(id -> klkPorts.put(id, stores.port()));
        p.putAll(stores.storeProperties(klkPorts, "klk"));
        proxy = new TcpProxy(stores.port());
        p.putAll(stores.storeProperties(Map.of("tienda_01", proxy.port()), "legacy"));
        // small chunks: the 40-product inventory takes two keyset chunks, a day of sales several
        p.put("fluxion.etl.chunk-size", "25");
        p.put("fluxion.klk.timeout", "5m");
        clock = MutableClock.caracas(2026, 11, 24, 10, 0);
        main = FluxionApplication.newMain(p);
        main.bind(FluxionConfiguration.CLOCK, clock);
        Sleeper sleeper = d -> {
            CountDownLatch g = gate;
            if (g != null) {
                sleeping.countDown();
                g.await(60, TimeUnit.SECONDS);
            }
            clock.advance(d);
        };
        main.bind(FluxionConfiguration.SLEEPER, sleeper);
        main.start();
        template = main.getCamelContext().createProducerTemplate();
        ledger = main.getCamelContext().getRegistry().lookupByNameAndType("ledger", Ledger.class);
        duck = new DuckDbFile(tmp.resolve("data").resolve("fluxion.duckdb"));
    }

    @AfterAll
    void stop() throws Exception {
        main.stop();
        main.shutdown();
        for (Connection c : keepOpen) {
            c.close();
        }
        proxy.close();
        stores.close();
    }

    @SuppressWarnings("unchecked")
    KlkRunRecord fire(String route) {
        Map<String, Object> body = template.requestBodyAndHeader("direct:" + route, null, KlkRoute.SCHEDULED_FIRE_TIME,
                Date.from(clock.instant()), Map.class);
        long id = ((Number) body.get("id")).longValue();
        return ledger.recentKlkRuns(route, 50).stream().filter(r -> r.id() == id).findFirst().orElseThrow();
    }

    long sourceCount(String storeId, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(stores.url(storeId), "sa", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    BigDecimal sourceSum(String storeId, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(stores.url(storeId), "sa", "");
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBigDecimal(1).setScale(4);
        }
    }

    void assertInventoryMatchesTheSource() throws Exception {
        for (String id : KLK) {
            StoreServer.Totals t = duck.query("SELECT COUNT(*), SUM(cantidad) FROM inventario_raw WHERE ubicacion_id = ?", id);
            assertThat(t.rows()).as(id).isEqualTo(sourceCount(id, "SELECT COUNT(*) FROM inventario"));
            assertThat(t.total()).as(id).isEqualTo(sourceSum(id, "SELECT SUM(cantidad) FROM inventario"));
            // every (code, description, quantity) of the source, and nothing else
            assertThat(duck.count("SELECT COUNT(DISTINCT codigo_producto) FROM inventario_raw WHERE ubicacion_id = ?", id))
                    .isEqualTo(t.rows());
        }
        assertThat(duck.count("SELECT COUNT(*) FROM inventario_raw WHERE ubicacion_id = 'tienda_01'")).isZero();
    }

    void assertSalesMatchTheSource() {
        for (String id : KLK) {
            for (LocalDate d : List.of(YESTERDAY, TODAY)) {
                StoreServer.Totals source = stores.totals(id, d);
                assertThat(source.rows()).isPositive();
                assertThat(duck.totals(id, d)).as(id + " " + d).isEqualTo(source);
            }
            assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw WHERE ubicacion_id = ? AND fecha NOT IN (?, ?)",
                    id, YESTERDAY, TODAY)).isZero();
        }
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw WHERE ubicacion_id = 'tienda_01'")).isZero();
    }

    @Test
    @Order(1)
    void inventoryIsTheSourcesSnapshotStampedWithItsExtractionTime() throws Exception {
        KlkRunRecord r = fire("klk-inventory");
        assertThat(r.status()).isEqualTo("SUCCEEDED");
        assertThat(r.mode()).isEqualTo("direct");
        assertThat(r.storesTotal()).isEqualTo(2);
        assertThat(r.storesFailed()).isZero();
        assertThat(r.rowsLoaded()).isEqualTo(80);
        assertThat(r.detail()).contains("tienda_08: 40 rows").contains("tienda_12: 40 rows");
        assertInventoryMatchesTheSource();
        assertThat(duck.count("SELECT COUNT(*) FROM inventario_raw WHERE fecha_extraccion = ?",
                LocalDateTime.of(2026, 11, 24, 10, 0))).isEqualTo(80);
    }

    @Test
    @Order(2)
    void salesAreTheSourcesSalesOfYesterdayAndToday() {
        KlkRunRecord r = fire("klk-sales");
        assertThat(r.status()).isEqualTo("SUCCEEDED");
        assertThat(r.storesTotal()).isEqualTo(2);
        long expected = 0;
        for (String id : KLK) {
            expected += stores.totals(id, YESTERDAY).rows() + stores.totals(id, TODAY).rows();
        }
        assertThat(r.rowsLoaded()).isEqualTo(expected);
        assertSalesMatchTheSource();
        // the ledger's coverage (gaps view) knows what DuckDB holds for the KLK stores
        for (String id : KLK) {
            for (LocalDate d : List.of(YESTERDAY, TODAY)) {
                assertThat(ledger.storeDays()).filteredOn(x -> x.storeId().equals(id) && x.businessDate().equals(d))
                        .singleElement().satisfies(x -> {
                            assertThat(x.status()).isEqualTo("LOADED");
                            assertThat(x.rows()).isEqualTo(stores.totals(id, d).rows());
                            assertThat(x.total()).isEqualByComparingTo(stores.totals(id, d).total());
                        });
            }
        }
    }

    @Test
    @Order(3)
    void aSecondRunChangesNoCount() throws Exception {
        long inv = duck.count("SELECT COUNT(*) FROM inventario_raw");
        long sales = duck.count("SELECT COUNT(*) FROM ventas_raw");
        clock.advance(java.time.Duration.ofMinutes(30));
        assertThat(fire("klk-inventory").status()).isEqualTo("SUCCEEDED");
        assertThat(fire("klk-sales").status()).isEqualTo("SUCCEEDED");
        assertThat(duck.count("SELECT COUNT(*) FROM inventario_raw")).isEqualTo(inv);
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).isEqualTo(sales);
        assertInventoryMatchesTheSource();
        assertSalesMatchTheSource();
        // the snapshot is the new one
        assertThat(duck.count("SELECT COUNT(*) FROM inventario_raw WHERE fecha_extraccion = ?",
                LocalDateTime.of(2026, 11, 24, 10, 30))).isEqualTo(80);
    }

    @Test
    @Order(4)
    void theSnapshotFollowsTheSourceWhenProductsChange() throws Exception {
        try (Connection c = DriverManager.getConnection(stores.url("tienda_08"), "sa", "");
             Statement st = c.createStatement()) {
            st.executeUpdate("DELETE FROM inventario WHERE codigo_producto IN ('P00001', 'P00017')");
            st.executeUpdate("UPDATE inventario SET cantidad = 7.5 WHERE codigo_producto = 'P00002'");
        }
        assertThat(fire("klk-inventory").status()).isEqualTo("SUCCEEDED");
        assertInventoryMatchesTheSource();
        assertThat(duck.count("SELECT COUNT(*) FROM inventario_raw WHERE ubicacion_id = 'tienda_08'")).isEqualTo(38);
        assertThat(duck.query("SELECT COUNT(*), SUM(cantidad) FROM inventario_raw WHERE ubicacion_id = 'tienda_08'"
                + " AND codigo_producto = 'P00002'").total()).isEqualByComparingTo("7.5");
    }

    @Test
    @Order(5)
    void whileTheWriterIsHeldByTheWindowTheSyncIsSkippedAndRecorded() {
        DuckDbWriter writer = main.getCamelContext().getRegistry().lookupByNameAndType("duckDbWriter", DuckDbWriter.class);
        long before = duck.count("SELECT COUNT(*) FROM ventas_raw");
        try (DuckDbWriter.Lease lease = writer.acquire("window run #99")) {
            KlkRunRecord r = fire("klk-sales");
            assertThat(r.status()).isEqualTo("SKIPPED");
            assertThat(r.reason()).contains("window run #99");
        }
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).isEqualTo(before);
    }

    @Test
    @Order(6)
    void theWindowWaitsForAKlkLeaseInsteadOfSkippingTheNight() throws Exception {
        DuckDbWriter writer = main.getCamelContext().getRegistry().lookupByNameAndType("duckDbWriter", DuckDbWriter.class);
        DuckDbWriter.Lease klk = writer.acquireBrief("klk-sales");
        CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
            try {
                TimeUnit.MILLISECONDS.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            klk.close();
        });
        Map<String, Object> headers = new HashMap<>();
        headers.put(WindowService.KIND, "manual");
        headers.put(WindowService.STORES, List.of("tienda_01"));
        headers.put(WindowService.DATES, List.of(YESTERDAY));
        RunSummary s = template.requestBodyAndHeaders("direct:window", null, headers, RunSummary.class);
        release.get(10, TimeUnit.SECONDS);
        assertThat(s.status()).isEqualTo("SUCCEEDED");
        assertThat(duck.totals("tienda_01", YESTERDAY)).isEqualTo(stores.totals("tienda_01", YESTERDAY));
    }

    @Test
    @Order(7)
    void whileAWindowRunStagesTheSyncRunsTheBackendServes() throws Exception {
        long before = duck.count("SELECT COUNT(*) FROM inventario_raw");
        // the window's first attempt at tienda_01 fails (connections refused), so the run waits for its retry
        proxy.refuse(true);
        gate = new CountDownLatch(1);
        Map<String, Object> headers = new HashMap<>();
        headers.put(WindowService.KIND, "manual");
        headers.put(WindowService.STORES, List.of("tienda_01"));
        headers.put(WindowService.DATES, List.of(YESTERDAY));
        CompletableFuture<RunSummary> window = CompletableFuture.supplyAsync(
                () -> template.requestBodyAndHeaders("direct:window", null, headers, RunSummary.class));
        assertThat(sleeping.await(60, TimeUnit.SECONDS)).as("the window waits for its retry").isTrue();
        // strategy staged (the default): the run stages, the backend has not been stopped, so the sync runs (it skips
        // only while a run has the backend down: StagedMaintenanceStatusTest); stop-first skipped it here
        KlkRunRecord r = fire("klk-inventory");
        assertThat(r.status()).as(r.reason()).isEqualTo("SUCCEEDED");
        proxy.refuse(false);
        gate.countDown();
        gate = null;
        RunSummary s = window.get(60, TimeUnit.SECONDS);
        assertThat(s.status()).isEqualTo("SUCCEEDED");
        // once the window is over the sync runs again
        assertThat(fire("klk-inventory").status()).isEqualTo("SUCCEEDED");
        assertThat(duck.count("SELECT COUNT(*) FROM inventario_raw")).isEqualTo(before);
    }
}
