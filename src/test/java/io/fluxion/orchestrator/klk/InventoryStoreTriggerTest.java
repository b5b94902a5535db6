package io.fluxion.orchestrator.klk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fluxion.orchestrator.ledger.InventoryStoreRecord;
import io.fluxion.orchestrator.ledger.KlkRunRecord;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.InventoryScene;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inventory of one store by request ({@code POST /api/inventory/{id}/trigger}, the Inventario tab's "Sincronizar")
 * through real HTTP against the running app on H2 stores (two legacy stores, one KLK store), in direct mode: it
 * replaces only that store's inventario_raw snapshot (equal to its source; the others untouched), recorded as an
 * inventory-all run with the store and who asked; unknown and disabled stores are refused before anything is recorded;
 * it is refused (409, recorded as skipped) while inventory-all runs, inventory-all while it runs, and inside stop-first's
 * window hours.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InventoryStoreTriggerTest {
    static final String TOKEN = "tok-inventory-store-0123456789abcdef01";
    static final List<String> STORES = InventoryScene.STORES;

    @TempDir
    static Path tmp;
    static InventoryScene scene;
    static TcpProxy proxy;
    static HttpApp app;
    static MutableClock clock;

    @BeforeAll
    static void start() throws Exception {
        // the window-hours rule checked here is stop-first's, the scene's (staged skips only while a merge has the
        // backend down)
        scene = InventoryScene.start(tmp, TOKEN, Map.of("fluxion.inventory.timeout", "5s"));
        proxy = scene.proxy;
        app = scene.app;
        clock = scene.clock;
    }

    @AfterAll
    static void stop() throws Exception {
        if (scene != null) {
            scene.close();
        }
    }

    @AfterEach
    void idle() {
        clock.setCaracas(2026, 11, 21, 12, 0);
        awaitIdle();
        proxy.stallAfterRequestBytes(-1);
    }

    static KlkRoute route() {
        return app.bean("inventoryAll", KlkRoute.class);
    }

    static void awaitIdle() {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (route().isRunning() && System.nanoTime() < until) {
            HttpApp.sleep(20);
        }
        assertThat(route().isRunning()).as("inventory-all still running").isFalse();
    }

    /** POSTs a trigger, expects 202, waits for the ledger to record the run's end; the run's record. */
    static KlkRunRecord run(String path) {
        HttpApp.Resp r = app.send("POST", path, null, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        long id = r.json().get("id").longValue();
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        KlkRunRecord run = last();
        while ((run.id() != id || "RUNNING".equals(run.status()) || route().isRunning()) && System.nanoTime() < until) {
            HttpApp.sleep(20);
            run = last();
        }
        assertThat(run.id()).isEqualTo(id);
        assertThat(run.status()).isNotEqualTo("RUNNING");
        return run;
    }

    static KlkRunRecord last() {
        return app.ledger().recentKlkRuns(KlkRoute.INVENTORY_ALL, 1).get(0);
    }

    static int recorded() {
        return app.ledger().recentKlkRuns(KlkRoute.INVENTORY_ALL, 1000).size();
    }

    static TreeSet<String> source(String store) throws Exception {
        return scene.source(store);
    }

    static TreeSet<String> duck(String store) throws Exception {
        return scene.duck(store);
    }

    @Test
    @Order(1)
    void onlyThatStoresSnapshotIsReplacedAndTheLedgerSaysWhichStoreAndWhoAsked() throws Exception {
        KlkRunRecord all = run("/api/etl/klk/inventory-all/trigger");
        assertThat(all.status()).as(all.reason()).isEqualTo("SUCCEEDED");
        Map<String, TreeSet<String>> before = new LinkedHashMap<>();
        for (String id : STORES) {
            assertThat(duck(id)).isEqualTo(source(id));
            before.put(id, duck(id));
        }
        // every source changes; only tienda_02 is asked for
        for (String id : STORES) {
            scene.update(id, "UPDATE inventario SET cantidad = cantidad + 2 WHERE codigo_producto = 'P00001'");
            scene.update(id, "INSERT INTO inventario VALUES ('Z00001', 'Nuevo " + id + "', 3)");
        }
        InventoryStoreRecord heldBefore = app.ledger().inventoryStores().get("tienda_01");

        HttpApp.Resp r = app.send("POST", "/api/inventory/tienda_02/trigger", null, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        assertThat(r.json().get("store").textValue()).isEqualTo("tienda_02");
        assertThat(r.json().get("loads").intValue()).isEqualTo(1);
        assertThat(r.json().get("name").textValue()).isEqualTo("inventory-all");
        long id = r.json().get("id").longValue();
        awaitIdle();
        KlkRunRecord one = app.ledger().recentKlkRuns(KlkRoute.INVENTORY_ALL, 1).get(0);
        assertThat(one.id()).isEqualTo(id);
        assertThat(one.status()).as(one.reason()).isEqualTo("SUCCEEDED");
        assertThat(one.triggerKind()).isEqualTo("manual");
        assertThat(one.storesTotal()).isEqualTo(1);
        assertThat(one.detail()).startsWith("store tienda_02, asked by api POST /api/inventory/tienda_02/trigger from ")
                .contains("tienda_02: " + source("tienda_02").size() + " rows");
        assertThat(one.rowsLoaded()).isEqualTo(source("tienda_02").size());

        assertThat(duck("tienda_02")).isEqualTo(source("tienda_02")).anyMatch(x -> x.startsWith("Z00001|Nuevo tienda_02|"));
        assertThat(duck("tienda_01")).as("not asked for: untouched").isEqualTo(before.get("tienda_01"))
                .isNotEqualTo(source("tienda_01"));
        assertThat(duck("tienda_08")).isEqualTo(before.get("tienda_08")).isNotEqualTo(source("tienda_08"));
        Map<String, InventoryStoreRecord> held = app.ledger().inventoryStores();
        assertThat(held.get("tienda_02").lastRun()).isEqualTo(id);
        assertThat(held.get("tienda_02").snapshotRows()).isEqualTo(source("tienda_02").size());
        assertThat(held.get("tienda_01")).isEqualTo(heldBefore);

        JsonNode inv = app.get("/api/inventory").json();
        assertThat(inv.get("runs").get(0).get("id").longValue()).isEqualTo(id);
        assertThat(inv.get("runs").get(0).get("detail").textValue()).contains("store tienda_02");
        for (JsonNode s : inv.get("stores")) {
            if (s.get("ubicacion_id").textValue().equals("tienda_02")) {
                assertThat(s.get("last_run_id").longValue()).isEqualTo(id);
                assertThat(s.get("rows").longValue()).isEqualTo(source("tienda_02").size());
            }
        }
    }

    @Test
    @Order(2)
    void anUnknownOrDisabledStoreIsRefusedWithAClearErrorAndNothingIsRecorded() throws Exception {
        int n = recorded();
        TreeSet<String> t1 = duck("tienda_01");
        HttpApp.Resp unknown = app.send("POST", "/api/inventory/tienda_99/trigger", null, TOKEN);
        assertThat(unknown.status()).as(unknown.text()).isEqualTo(404);
        assertThat(unknown.json().get("error").textValue()).isEqualTo("unknown store 'tienda_99'");
        assertThat(unknown.json().get("field").textValue()).isEqualTo("id");

        assertThat(app.send("POST", "/api/stores/tienda_01/disable", null, TOKEN).status()).isEqualTo(200);
        try {
            HttpApp.Resp disabled = app.send("POST", "/api/inventory/tienda_01/trigger", null, TOKEN);
            assertThat(disabled.status()).as(disabled.text()).isEqualTo(409);
            assertThat(disabled.json().get("error").textValue()).contains("store tienda_01 is disabled")
                    .contains("/api/stores/tienda_01/enable");
            assertThat(disabled.json().get("field").textValue()).isEqualTo("id");
        } finally {
            assertThat(app.send("POST", "/api/stores/tienda_01/enable", null, TOKEN).status()).isEqualTo(200);
        }
        // without the token, and with a body it does not take
        assertThat(app.send("POST", "/api/inventory/tienda_01/trigger", null, null).status()).isEqualTo(401);
        HttpApp.Resp body = app.send("POST", "/api/inventory/tienda_01/trigger", "{\"store_id\": \"tienda_02\"}", TOKEN);
        assertThat(body.status()).as(body.text()).isEqualTo(400);
        assertThat(body.json().get("field").textValue()).isEqualTo("store_id");

        assertThat(recorded()).isEqualTo(n);
        assertThat(route().isRunning()).isFalse();
        assertThat(duck("tienda_01")).isEqualTo(t1);
    }

    @Test
    @Order(3)
    void refusedWhileInventoryAllRunsAndInventoryAllWhileAStoreRuns() throws Exception {
        // tienda_02's source accepts the query and never answers: inventory-all stays running until its timeout
        proxy.stallAfterRequestBytes(800);
        HttpApp.Resp all = app.send("POST", "/api/etl/klk/inventory-all/trigger", null, TOKEN);
        assertThat(all.status()).as(all.text()).isEqualTo(202);
        HttpApp.Resp store = app.send("POST", "/api/inventory/tienda_01/trigger", null, TOKEN);
        assertThat(store.status()).as(store.text()).isEqualTo(409);
        assertThat(store.json().get("error").textValue()).startsWith("inventory of tienda_01 not started:")
                .contains("still running");
        assertThat(store.json().get("status").textValue()).isEqualTo("SKIPPED");
        KlkRunRecord skipped = last();
        assertThat(skipped.id()).isEqualTo(store.json().get("skipped_id").longValue());
        assertThat(skipped.status()).isEqualTo("SKIPPED");
        assertThat(skipped.detail()).startsWith("store tienda_01, asked by api POST /api/inventory/tienda_01/trigger");
        awaitIdle();

        // the other way round: tienda_02 alone, stalled; inventory-all and another store are refused meanwhile
        HttpApp.Resp t2 = app.send("POST", "/api/inventory/tienda_02/trigger", null, TOKEN);
        assertThat(t2.status()).as(t2.text()).isEqualTo(202);
        HttpApp.Resp again = app.send("POST", "/api/etl/klk/inventory-all/trigger", null, TOKEN);
        assertThat(again.status()).as(again.text()).isEqualTo(409);
        assertThat(again.json().get("error").textValue()).contains("still running");
        HttpApp.Resp other = app.send("POST", "/api/inventory/tienda_08/trigger", null, TOKEN);
        assertThat(other.status()).as(other.text()).isEqualTo(409);
        awaitIdle();
        proxy.stallAfterRequestBytes(-1);
        KlkRunRecord t2run = app.ledger().recentKlkRuns(KlkRoute.INVENTORY_ALL, 10).stream()
                .filter(r -> r.id() == t2.json().get("id").longValue()).findFirst().orElseThrow();
        assertThat(t2run.status()).as("stalled past fluxion.inventory.timeout").isEqualTo("FAILED");
        assertThat(app.ledger().inventoryStores().get("tienda_02").lastStatus()).isEqualTo("FAILED");
    }

    @Test
    @Order(4)
    void insideTheWindowHoursItIsSkippedWithTheReason() throws Exception {
        TreeSet<String> t1 = duck("tienda_01");
        scene.update("tienda_01", "DELETE FROM inventario WHERE codigo_producto = 'P00003'");
        clock.setCaracas(2026, 11, 22, 2, 0);
        HttpApp.Resp inside = app.send("POST", "/api/inventory/tienda_01/trigger", null, TOKEN);
        assertThat(inside.status()).as(inside.text()).isEqualTo(409);
        assertThat(inside.json().get("error").textValue()).contains("inside the maintenance window");
        KlkRunRecord skipped = last();
        assertThat(skipped.status()).isEqualTo("SKIPPED");
        assertThat(skipped.detail()).startsWith("store tienda_01, asked by ");
        assertThat(duck("tienda_01")).isEqualTo(t1);
    }
}
