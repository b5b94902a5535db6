package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.schedule.ScheduledRoute;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.GateSleeper;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.Trigger;

/**
 * The HTTP API over real HTTP on the running application (real routes, real ledger, H2 TCP stores):
 * the maintenance status through a whole night at a controlled clock, the control API, history, gaps,
 * CORS and the operator page. Bad input and auth are in {@link ApiBadInputTest}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpApiTest {
    static final String TOKEN = "s3cret-token-for-tests-0123456789abcdef";
    static final String ORIGIN = "https://granja.example";
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    @TempDir
    static Path tmp;
    static StoreServer stores;
    static TcpProxy proxy;
    static MutableClock clock;
    static GateSleeper sleeper;
    static HttpApp app;

    @BeforeAll
    static void start() throws Exception {
        stores = StoreServer.start(tmp.resolve("stores"));
        for (String id : List.of("tienda_01", "tienda_02", "tienda_03")) {
            stores.createStore(id, false, D.minusDays(3), D);
        }
        proxy = new TcpProxy(stores.port());
        Map<String, String> props = Apps.base(tmp.resolve("data"));
        // no 30-minute KLK sync may take the DuckDB writer while a test triggers a window
        props.put("fluxion.klk.enabled", "false");
        // the seed's maintenance rule (maintenance for the whole run, inside the window hours until it ended) is
        // stop-first's; staged: StagedMaintenanceStatusTest
        props.put("fluxion.window.strategy", "stop-first");
        props.putAll(stores.storeProperties(List.of("tienda_01", "tienda_02", "tienda_03"), "tienda_02", proxy.port()));
        props.put("fluxion.etl.chunk-size", "250");
        props.put("fluxion.etl.redeliveries", "0");
        props.put("fluxion.etl.max-attempts", "2");
        props.put("fluxion.api.token", TOKEN);
        props.put("fluxion.api.cors-origin", ORIGIN);
        // the night of 2026-11-20 -> 21, before the window
        clock = MutableClock.caracas(2026, 11, 21, 0, 30);
        sleeper = new GateSleeper(clock);
        app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, clock, FluxionConfiguration.SLEEPER, sleeper,
                "testScheduledRoute", new TestRoute()));
    }

    @AfterAll
    static void stop() throws Exception {
        sleeper.open();
        if (app != null) {
            app.close();
        }
        proxy.close();
        stores.close();
    }

    /** A KLK-like route as the KLK beans expose themselves: the scheduler status shows its block. */
    static final class TestRoute implements ScheduledRoute {
        volatile boolean enabled = true;

        @Override
        public String name() {
            return "klk-test";
        }

        @Override
        public boolean isEnabled() {
            return enabled;
        }

        @Override
        public void setEnabled(boolean e) {
            enabled = e;
        }

        @Override
        public Map<String, Object> status() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("enabled", enabled);
            m.put("is_running", false);
            m.put("next_execution", "2026-11-21T07:00:00-04:00");
            m.put("last_execution", null);
            return m;
        }
    }

    static JsonNode status() {
        HttpApp.Resp r = app.get("/maintenance-status");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
        return r.json();
    }

    @Test
    @Order(1)
    void beforeTheWindowTheSystemIsOperational() {
        JsonNode s = status();
        assertThat(s.get("is_maintenance").booleanValue()).isFalse();
        assertThat(s.get("current_time").textValue()).isEqualTo("00:30:00");
        assertThat(s.get("maintenance_window").textValue()).isEqualTo("1:00 AM - 6:00 AM");
        assertThat(s.get("timezone").textValue()).isEqualTo("America/Caracas (UTC-4)");
        assertThat(s.get("estimated_end_time").textValue()).isEqualTo("6:00 AM");
        assertThat(s.get("minutes_remaining").intValue()).isZero();
        assertThat(s.get("message").textValue()).isEqualTo("Sistema operativo");
        assertThat(s.get("phase").textValue()).isEqualTo("operational");
        assertThat(s.get("business_date").textValue()).isEqualTo(D.toString());
    }

    @Test
    @Order(2)
    void insideTheWindowWithTheRunPendingItIsMaintenance() {
        clock.setCaracas(2026, 11, 21, 1, 30);
        JsonNode s = status();
        assertThat(s.get("is_maintenance").booleanValue()).isTrue();
        assertThat(s.get("phase").textValue()).isEqualTo("pending");
        assertThat(s.get("current_time").textValue()).isEqualTo("01:30:00");
        assertThat(s.get("minutes_remaining").intValue()).isEqualTo(270);
        assertThat(s.get("estimated_end_time").textValue()).isEqualTo("6:00 AM");
        assertThat(s.get("message").textValue())
                .isEqualTo("Estamos recolectando la data. Sistema disponible después de las 6:00 AM");
    }

    @Test
    @Order(3)
    void duringARunTheStatusShowsItsProgressAndASecondTriggerIs409() {
        proxy.refuse(true);
        sleeper.close();
        HttpApp.Resp r = app.send("POST", "/trigger", "{\"target_date\": \"" + D + "\"}", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        long runId = r.json().get("run_id").longValue();
        assertThat(r.json().get("business_dates").get(0).textValue()).isEqualTo(D.toString());
        // the run is now waiting to retry tienda_02 (refused): it stays active at the gate
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (sleeper.waiting() == 0 && System.nanoTime() < until) {
            HttpApp.sleep(20);
        }
        assertThat(sleeper.waiting()).isEqualTo(1);

        JsonNode s = status();
        assertThat(s.get("is_maintenance").booleanValue()).isTrue();
        assertThat(s.get("phase").textValue()).isEqualTo("running");
        assertThat(s.get("progress").get("run_id").longValue()).isEqualTo(runId);
        assertThat(s.get("progress").get("stores_total").intValue()).isEqualTo(3);
        assertThat(s.get("message").textValue()).startsWith("Estamos recolectando la data. Sistema disponible después de las ");

        JsonNode st = app.get("/api/etl/scheduler/status").json();
        assertThat(st.get("is_running").booleanValue()).isTrue();
        assertThat(st.get("pending_retries").intValue()).isEqualTo(1);
        JsonNode cur = st.get("current_run");
        assertThat(cur.get("run_id").longValue()).isEqualTo(runId);
        assertThat(cur.get("kind").textValue()).isEqualTo("manual");
        assertThat(cur.get("stores")).hasSize(3);
        assertThat(cur.get("stores").get(0).get("status").textValue()).isEqualTo("SUCCEEDED");
        assertThat(cur.get("stores").get(0).get("percent").doubleValue()).isEqualTo(100.0);
        assertThat(cur.get("stores").get(1).get("status").textValue()).isEqualTo("FAILED");
        assertThat(cur.get("stores").get(1).get("attempts").intValue()).isEqualTo(1);

        JsonNode vs = app.get("/api/etl/ventas/status").json();
        assertThat(vs.get("is_running").booleanValue()).isTrue();
        assertThat(vs.get("current_run").get("run_id").longValue()).isEqualTo(runId);

        // the estimate follows real progress: 2 of 3 store loads done in 10 minutes -> 5 more
        clock.setCaracas(2026, 11, 21, 1, 40);
        s = status();
        assertThat(s.get("estimated_end_time").textValue()).isEqualTo("1:45 AM");
        assertThat(s.get("minutes_remaining").intValue()).isEqualTo(5);
        assertThat(s.get("message").textValue()).endsWith("1:45 AM");

        int runsBefore = app.ledger().recentRuns(1000).size();
        for (String[] t : List.of(new String[] {"POST", "/trigger", "{\"target_date\": \"" + D + "\"}"},
                new String[] {"POST", "/api/etl/scheduler/trigger", null},
                new String[] {"POST", "/api/etl/sync/ventas", "{\"ubicacion_id\": \"tienda_01\", \"fecha_inicio\": \""
                        + D + "\", \"fecha_fin\": \"" + D + "\"}"})) {
            HttpApp.Resp c = app.send(t[0], t[1], t[2], TOKEN);
            assertThat(c.status()).as(t[1] + " " + c.text()).isEqualTo(409);
            assertThat(c.json().get("run_id").longValue()).isEqualTo(runId);
            assertThat(c.json().get("error").textValue()).contains("#" + runId);
        }
        assertThat(app.ledger().recentRuns(1000)).hasSize(runsBefore);

        // let the retry through: the store answers again, the run finishes early
        proxy.refuse(false);
        sleeper.open();
        app.awaitIdle(Duration.ofSeconds(60));
        RunRecord run = app.ledger().run(runId).orElseThrow();
        assertThat(run.status()).isEqualTo("SUCCEEDED");
    }

    @Test
    @Order(4)
    void afterAnEarlyFinishItIsNoLongerMaintenance() {
        JsonNode s = status();
        assertThat(s.get("current_time").textValue()).isEqualTo("02:00:00"); // 01:40 + the 20-minute retry wait
        assertThat(s.get("is_maintenance").booleanValue()).isFalse();
        assertThat(s.get("phase").textValue()).isEqualTo("completed");
        assertThat(s.get("message").textValue()).isEqualTo("Sistema operativo");
        assertThat(s.get("minutes_remaining").intValue()).isZero();
    }

    @Test
    @Order(5)
    void afterTheWindowItIsOperational() {
        clock.setCaracas(2026, 11, 21, 6, 30);
        JsonNode s = status();
        assertThat(s.get("is_maintenance").booleanValue()).isFalse();
        assertThat(s.get("phase").textValue()).isEqualTo("operational");
        assertThat(s.get("current_time").textValue()).isEqualTo("06:30:00");
    }

    @Test
    @Order(6)
    void schedulerStatusHasTheContractFieldsAndTheDailySummary() {
        HttpApp.Resp r = app.get("/api/etl/scheduler/status");
        assertThat(r.status()).isEqualTo(200);
        JsonNode s = r.json();
        assertThat(s.get("enabled").booleanValue()).isTrue();
        assertThat(s.get("is_running").booleanValue()).isFalse();
        assertThat(s.get("next_execution").textValue()).isEqualTo("2026-11-22T01:00:00-04:00");
        assertThat(s.get("last_execution").textValue()).isEqualTo("2026-11-21T01:30:00-04:00");
        assertThat(s.get("pending_retries").intValue()).isZero();
        assertThat(s.get("current_run").isNull()).isTrue();
        JsonNode d = s.get("daily_summary");
        assertThat(d.get("fecha").textValue()).isEqualTo(D.toString());
        assertThat(d.get("total").intValue()).isEqualTo(3);
        assertThat(d.get("exitosas").intValue()).isEqualTo(3);
        assertThat(d.get("fallidas").intValue()).isZero();
        long rows = 0;
        for (String id : List.of("tienda_01", "tienda_02", "tienda_03")) {
            rows += stores.totals(id, D).rows();
        }
        assertThat(d.get("rows").longValue()).isEqualTo(rows);
        assertThat(d.get("downtime_seconds").longValue()).isEqualTo(30 * 60); // 01:30 -> 02:00 on the test clock
        assertThat(s.get("klk_routes").get("klk-test").get("enabled").booleanValue()).isTrue();
        // the real KLK routes' beans (ScheduledRoute) have their block too
        assertThat(s.get("klk_routes").has("klk-inventory")).as(s.toString()).isTrue();
        assertThat(s.get("klk_routes").has("klk-sales")).isTrue();
        assertThat(s.get("klk_routes").get("klk-test").get("next_execution").textValue()).isEqualTo("2026-11-21T07:00:00-04:00");
        assertThat(s.get("config").get("hour").intValue()).isEqualTo(1);
        assertThat(s.get("config").get("max_retries").intValue()).isEqualTo(2);
        // SPEC 2.8: one instance always leads
        JsonNode cluster = s.get("cluster");
        assertThat(cluster.get("leader").booleanValue()).as(s.toString()).isTrue();
        assertThat(cluster.get("enabled").booleanValue()).isFalse();
        assertThat(cluster.get("leader_node").textValue()).isEqualTo(cluster.get("node").textValue()).isNotBlank();
    }

    @Test
    @Order(7)
    void runHistoryAndOneRunWithItsAttempts() {
        JsonNode runs = app.get("/api/etl/runs?limit=5").json().get("runs");
        assertThat(runs).isNotEmpty();
        JsonNode first = runs.get(0);
        assertThat(first.get("status").textValue()).isEqualTo("SUCCEEDED");
        long id = first.get("run_id").longValue();
        assertThat(app.get("/api/etl/runs?kind=scheduled").json().get("runs")).isEmpty();
        assertThat(app.get("/api/etl/runs?kind=manual&status=SUCCEEDED").json().get("runs")).hasSize(1);

        JsonNode run = app.get("/api/etl/runs/" + id).json();
        assertThat(run.get("run_id").longValue()).isEqualTo(id);
        assertThat(run.get("steps").findValuesAsText("step")).contains("guard", "stop-backend", "etl", "start-backend",
                "summary");
        List<String> attempts02 = run.get("attempts").findValues("store_id").stream().map(JsonNode::textValue)
                .filter("tienda_02"::equals).toList();
        assertThat(attempts02).hasSize(2);
        assertThat(app.get("/api/etl/runs/99999").status()).isEqualTo(404);

        JsonNode logs = app.get("/api/etl/ventas/logs").json();
        assertThat(logs.get("run_id").longValue()).isEqualTo(id);
        assertThat(logs.get("logs").toString()).contains("tienda_02").contains("SUCCEEDED");
    }

    @Test
    @Order(8)
    void anAdHocSyncOfOneStoreAndTheGapsFromTheLedger() throws Exception {
        HttpApp.Resp r = app.send("POST", "/api/etl/sync/ventas", "{\"ubicacion_id\": \"tienda_01\", \"fecha_inicio\": \""
                + D.minusDays(2) + "\", \"fecha_fin\": \"" + D.minusDays(1) + "\"}", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        long id = r.json().get("run_id").longValue();
        assertThat(r.json().get("stores_total").intValue()).isEqualTo(2);
        app.awaitIdle(Duration.ofSeconds(60));
        RunRecord run = app.ledger().run(id).orElseThrow();
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(run.kind()).isEqualTo("manual");
        List<AttemptRecord> attempts = app.ledger().attempts(id);
        assertThat(attempts).extracting(AttemptRecord::storeId).containsOnly("tienda_01");

        JsonNode g = app.get("/api/ventas/gaps").json();
        assertThat(g.get("period_start").textValue()).isEqualTo(D.minusDays(2).toString());
        JsonNode t1 = store(g, "tienda_01");
        assertThat(t1.get("first_date").textValue()).isEqualTo(D.minusDays(2).toString());
        assertThat(t1.get("last_date").textValue()).isEqualTo(D.toString());
        assertThat(t1.get("days_behind").intValue()).isZero();
        assertThat(t1.get("completeness").doubleValue()).isEqualTo(100.0);
        assertThat(t1.get("missing_ranges")).isEmpty();
        assertThat(t1.get("rows").longValue()).isEqualTo(stores.totals("tienda_01", D).rows()
                + stores.totals("tienda_01", D.minusDays(1)).rows() + stores.totals("tienda_01", D.minusDays(2)).rows());
        JsonNode t2 = store(g, "tienda_02");
        assertThat(t2.get("completeness").doubleValue()).isEqualTo(33.33);
        assertThat(t2.get("missing_ranges").get(0).get("desde").textValue()).isEqualTo(D.minusDays(2).toString());
        assertThat(t2.get("missing_ranges").get(0).get("hasta").textValue()).isEqualTo(D.minusDays(1).toString());
        assertThat(t2.get("missing_ranges").get(0).get("dias").intValue()).isEqualTo(2);
        assertThat(g.get("summary").get("con_gaps").intValue()).isEqualTo(2);

        // the backend (another process) holds the DuckDB file during the day: the gaps come from the ledger
        try (io.fluxion.orchestrator.testing.DuckDbHolder holder = io.fluxion.orchestrator.testing.DuckDbHolder.start(
                tmp.resolve("data").resolve("fluxion.duckdb"))) {
            HttpApp.Resp held = app.get("/api/ventas/gaps");
            assertThat(held.status()).isEqualTo(200);
            assertThat(store(held.json(), "tienda_01").get("rows").longValue()).isEqualTo(t1.get("rows").longValue());
        }

        // a day later nobody has loaded D+1: one day behind
        clock.setCaracas(2026, 11, 22, 12, 0);
        JsonNode later = store(app.get("/api/ventas/gaps?desde=" + D.minusDays(2)).json(), "tienda_03");
        assertThat(later.get("days_behind").intValue()).isEqualTo(1);
        assertThat(later.get("badge").textValue()).isEqualTo("orange");
        clock.setCaracas(2026, 11, 21, 6, 30);
    }

    static JsonNode store(JsonNode gaps, String id) {
        for (JsonNode s : gaps.get("stores")) {
            if (s.get("ubicacion_id").textValue().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no " + id + " in " + gaps);
    }

    @Test
    @Order(9)
    void theSchedulerConfigIsSavedAppliedAndMovesTheQuartzTrigger() throws Exception {
        HttpApp.Resp r = app.send("PUT", "/api/etl/scheduler/config", "{\"hour\": 2, \"minute\": 30,"
                + " \"max_retries\": 4, \"retry_interval_minutes\": 15}", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("hour").intValue()).isEqualTo(2);
        assertThat(r.json().get("minute").intValue()).isEqualTo(30);
        assertThat(app.ledger().setting("window.start")).contains("02:30");
        assertThat(app.window().maxAttempts()).isEqualTo(4);
        assertThat(app.window().retryInterval()).isEqualTo(Duration.ofMinutes(15));

        QuartzEndpoint q = (QuartzEndpoint) app.context().getRoute("nightly-window").getEndpoint();
        Trigger t = q.getComponent().getScheduler().getTrigger(q.getTriggerKey());
        java.time.ZonedDateTime next = t.getNextFireTime().toInstant().atZone(java.time.ZoneId.of("America/Caracas"));
        assertThat(next.getHour()).isEqualTo(2);
        assertThat(next.getMinute()).isEqualTo(30);

        JsonNode s = app.get("/api/etl/scheduler/status").json();
        assertThat(s.get("next_execution").textValue()).isEqualTo("2026-11-22T02:30:00-04:00");
        assertThat(s.get("config").get("retry_interval_minutes").intValue()).isEqualTo(15);
        assertThat(status().get("maintenance_window").textValue()).isEqualTo("2:30 AM - 6:00 AM");

        // the seed's names are accepted too; put the window back
        r = app.send("PUT", "/api/etl/scheduler/config", "{\"execution_hour\": 1, \"execution_minute\": 0}", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(status().get("maintenance_window").textValue()).isEqualTo("1:00 AM - 6:00 AM");
    }

    @Test
    @Order(10)
    void disableAndEnable() {
        HttpApp.Resp r = app.send("POST", "/api/etl/scheduler/disable", null, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        JsonNode s = app.get("/api/etl/scheduler/status").json();
        assertThat(s.get("enabled").booleanValue()).isFalse();
        assertThat(s.get("next_execution").isNull()).isTrue();
        assertThat(app.window().isEnabled()).isFalse();
        // inside the next night's window with the window disabled nothing stops the backend
        clock.setCaracas(2026, 11, 22, 1, 30);
        assertThat(status().get("is_maintenance").booleanValue()).isFalse();
        assertThat(status().get("phase").textValue()).isEqualTo("disabled");

        r = app.send("POST", "/api/etl/scheduler/enable", "", TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(app.window().isEnabled()).isTrue();
        assertThat(status().get("is_maintenance").booleanValue()).isTrue();
        clock.setCaracas(2026, 11, 21, 6, 30);
    }

    @Test
    @Order(10)
    void klkRoutesHaveTheirOwnSwitch() {
        HttpApp.Resp r = app.send("POST", "/api/etl/klk/klk-test/disable", null, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.json().get("enabled").booleanValue()).isFalse();
        assertThat(app.get("/api/etl/scheduler/status").json().get("klk_routes").get("klk-test").get("enabled")
                .booleanValue()).isFalse();
        assertThat(app.send("POST", "/api/etl/klk/klk-test/enable", null, TOKEN).json().get("enabled").booleanValue())
                .isTrue();
        HttpApp.Resp unknown = app.send("POST", "/api/etl/klk/nope/enable", null, TOKEN);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("field").textValue()).isEqualTo("name");
    }

    @Test
    @Order(11)
    void schedulerTriggerRunsYesterdayForEveryStore() {
        HttpApp.Resp r = app.send("POST", "/api/etl/scheduler/trigger", null, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        assertThat(r.json().get("business_dates").get(0).textValue()).isEqualTo(D.toString());
        assertThat(r.json().get("stores_total").intValue()).isEqualTo(3);
        app.awaitIdle(Duration.ofSeconds(60));
        assertThat(app.ledger().run(r.json().get("run_id").longValue()).orElseThrow().status()).isEqualTo("SUCCEEDED");

        // a few stores of a date
        r = app.send("POST", "/api/etl/sync/ventas", "{\"ubicacion_id\": [\"tienda_02\", \"tienda_03\"], \"fecha_inicio\": \""
                + D + "\", \"fecha_fin\": \"" + D + "\"}", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        assertThat(r.json().get("stores_total").intValue()).isEqualTo(2);
        app.awaitIdle(Duration.ofSeconds(60));
        assertThat(app.ledger().attempts(r.json().get("run_id").longValue())).extracting(AttemptRecord::storeId)
                .containsExactlyInAnyOrder("tienda_02", "tienda_03");
    }

    @Test
    @Order(12)
    void corsPreflightAndThePage() {
        HttpApp.Resp p = app.send("OPTIONS", "/api/etl/sync/ventas", null, null,
                Map.of("Origin", ORIGIN, "Access-Control-Request-Method", "POST"));
        assertThat(p.status()).isEqualTo(204);
        assertThat(p.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
        assertThat(p.header("Access-Control-Allow-Headers")).contains("Authorization");
        assertThat(p.header("Access-Control-Allow-Methods")).contains("POST").contains("PUT");
        HttpApp.Resp m = app.send("OPTIONS", "/maintenance-status", null, null, Map.of("Origin", ORIGIN));
        assertThat(m.status()).isEqualTo(204);
        assertThat(m.header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
        assertThat(app.get("/api/etl/scheduler/status").header("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);

        HttpApp.Resp page = app.get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.text()).contains("Fluxion").contains("Ventana de mantenimiento");
        assertThat(app.get("/web/app.js").status()).isEqualTo(200);
        assertThat(app.get("/web/app.css").header("Content-Type")).startsWith("text/css");
        assertThat(app.get("/web/monitoring.js").header("Content-Type")).startsWith("text/javascript");
        assertThat(app.get("/web/monitoring.js").text()).contains("connectivity-card");
        assertThat(app.get("/web/secret.txt").status()).isEqualTo(404);
        // nothing else of the classpath or the working directory is served
        for (String other : List.of("/web/..%2Fapplication.properties", "/application.properties",
                "/routes/http-api.camel.yaml", "/pom.xml", "/web/index.html/../../pom.xml")) {
            assertThat(app.get(other).status()).as(other).isIn(404, 400);
        }
        // security headers on every file of the page
        for (String file : List.of("/", "/web/app.js", "/web/monitoring.js", "/web/app.css")) {
            HttpApp.Resp f = app.get(file);
            assertThat(f.header("Content-Security-Policy")).as(file).contains("default-src 'none'")
                    .contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline");
            assertThat(f.header("X-Content-Type-Options")).as(file).isEqualTo("nosniff");
            assertThat(f.header("X-Frame-Options")).as(file).isEqualTo("DENY");
        }
        assertThat(page.text()).doesNotContain("<script>").doesNotContain("style=");
    }

    @Test
    @Order(13)
    void anAnswerCarriesNoneOfTheRequestsHeaders() {
        HttpApp.Resp r = app.send("GET", "/api/etl/runs?limit=2&kind=manual", null, null,
                Map.of("X-Echo", "reflected?", "Cookie", "session=abc"));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().map().keySet()).noneMatch(h -> h.equalsIgnoreCase("X-Echo")
                || h.equalsIgnoreCase("limit") || h.equalsIgnoreCase("kind") || h.equalsIgnoreCase("Cookie"));
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        // the runs this test ordered record who asked for them
        assertThat(app.ledger().recentRuns(100)).filteredOn(run -> "manual".equals(run.kind()))
                .isNotEmpty().allSatisfy(run -> assertThat(run.requestedBy()).startsWith("api POST /").endsWith(" from 127.0.0.1"));
    }

    @Test
    @Order(14)
    void theOpenApiDocumentAnswersAndNamesThePathsAndVerbsOfDocsApiMd() throws Exception {
        HttpApp.Resp r = app.get("/api/openapi.json");
        assertThat(r.status()).isEqualTo(200);
        JsonNode doc = r.json();
        assertThat(doc.get("openapi").textValue()).startsWith("3.");
        java.util.Set<String> inDoc = new java.util.TreeSet<>();
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames()
                .forEachRemaining(m -> inDoc.add(m.toUpperCase() + " " + p.getKey())));
        java.util.Set<String> inTable = new java.util.TreeSet<>();
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("^\\| (GET|POST|PUT|DELETE|PATCH) \\| `([^`]+)` \\|");
        for (String line : java.nio.file.Files.readAllLines(Path.of("docs", "API.md"))) {
            java.util.regex.Matcher m = row.matcher(line);
            if (m.find()) {
                inTable.add(m.group(1) + " " + m.group(2));
            }
        }
        assertThat(inTable).hasSize(25).contains("GET /api/alerts", "GET /api/etl/runs/{id}", "GET /api/stores",
                "POST /api/inventory/{id}/trigger");
        assertThat(inDoc).isEqualTo(inTable);
        // the bodies' and answers' fields as the API writes them
        String schemas = doc.get("components").get("schemas").toString();
        assertThat(schemas).contains("\"fecha_inicio\"").contains("\"ubicacion_id\"").contains("\"is_maintenance\"")
                .contains("\"run_id\"").doesNotContain("\"fechaInicio\"").doesNotContain("\"isMaintenance\"");
        // every change needs the bearer token
        doc.get("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(op -> {
            if (!op.getKey().equals("get")) {
                assertThat(op.getValue().get("security")).as(op.getKey() + " " + p.getKey()).isNotNull();
            }
        }));
    }
}
