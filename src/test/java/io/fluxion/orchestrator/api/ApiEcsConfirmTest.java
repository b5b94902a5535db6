package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * In ecs mode an order from the API stops the backend: outside the window hours it needs {@code "confirm": true}, and
 * the answer without it says what would stop and for about how long, with nothing recorded and no ECS call made.
 * Inside the window hours (the backend's own downtime) no confirmation is asked. Real AWS SDK client against
 * {@link EcsTestServer}, real HTTP.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiEcsConfirmTest {
    static final String TOKEN = "ecs-confirm-token-0123456789abcdef0123";
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    @TempDir
    static Path tmp;
    static StoreServer stores;
    static EcsTestServer ecs;
    static MutableClock clock;
    static HttpApp app;

    @BeforeAll
    static void start() {
        stores = StoreServer.start(tmp.resolve("stores"));
        stores.createStore("tienda_01", false, D, D);
        ecs = EcsTestServer.start("fluxion-cluster", "fluxion-backend", 1);
        Map<String, String> props = Apps.base(tmp.resolve("data"));
        props.putAll(stores.storeProperties(List.of("tienda_01")));
        props.putAll(ecs.properties());
        props.put("fluxion.klk.enabled", "false");
        props.put("fluxion.api.token", TOKEN);
        props.put("fluxion.backend.stop-timeout", "20s");
        props.put("fluxion.backend.start-timeout", "20s");
        // no nightly trigger may fire at the real 01:00 while this test runs
        props.put("camel.component.quartz.autoStartScheduler", "false");
        clock = MutableClock.caracas(2026, 11, 21, 12, 0);
        app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, clock, "ecsClient", ecs.client(false)));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        ecs.close();
        stores.close();
    }

    @Test
    @Order(1)
    void outsideTheWindowHoursAnOrderWithoutConfirmSaysWhatWouldStopAndChangesNothing() {
        ecs.clearCalls();
        int runs = app.ledger().recentRuns(100).size();
        for (String[] o : List.of(new String[] {"/api/etl/scheduler/trigger", null},
                new String[] {"/api/etl/scheduler/trigger", "{\"confirm\": false}"},
                new String[] {"/trigger", "{\"target_date\": \"" + D + "\"}"},
                new String[] {"/api/etl/sync/ventas", "{\"ubicacion_id\": null, \"fecha_inicio\": \"" + D.minusDays(1)
                        + "\", \"fecha_fin\": \"" + D + "\"}"})) {
            HttpApp.Resp r = app.send("POST", o[0], o[1], TOKEN);
            assertThat(r.status()).as(o[0] + " " + r.text()).isEqualTo(400);
            assertThat(r.json().get("field").textValue()).isEqualTo("confirm");
            assertThat(r.json().get("error").textValue()).contains("fluxion-backend").contains("minutes")
                    .contains("\"confirm\": true");
            assertThat(r.json().get("would_stop").textValue()).isEqualTo("fluxion-backend");
            assertThat(r.json().get("estimated_minutes").longValue()).isPositive();
        }
        assertThat(app.send("POST", "/api/etl/sync/ventas", "{\"ubicacion_id\": null, \"fecha_inicio\": \""
                + D.minusDays(1) + "\", \"fecha_fin\": \"" + D + "\"}", TOKEN).json().get("store_loads").intValue())
                .isEqualTo(2);
        assertThat(ecs.calls()).as("the backend was not touched").isEmpty();
        assertThat(app.ledger().recentRuns(100)).hasSize(runs);
        assertThat(app.window().current()).isEmpty();
    }

    @Test
    @Order(2)
    void withConfirmTheRunStopsAndStartsTheBackendAndRecordsWhoAskedForIt() {
        HttpApp.Resp r = app.send("POST", "/trigger", "{\"target_date\": \"" + D + "\", \"confirm\": true}", TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        app.awaitIdle(Duration.ofSeconds(60));
        RunRecord run = app.ledger().run(r.json().get("run_id").longValue()).orElseThrow();
        assertThat(run.status()).isEqualTo("SUCCEEDED");
        assertThat(run.requestedBy()).isEqualTo("api POST /trigger from 127.0.0.1");
        assertThat(ecs.briefs()).contains("UpdateService(0)", "UpdateService(1)");
        assertThat(ecs.desired()).isEqualTo(1);
    }

    @Test
    @Order(3)
    void insideTheWindowHoursNoConfirmationIsAsked() {
        clock.setCaracas(2026, 11, 22, 1, 30);
        HttpApp.Resp r = app.send("POST", "/api/etl/scheduler/trigger", null, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        app.awaitIdle(Duration.ofSeconds(60));
        assertThat(app.ledger().run(r.json().get("run_id").longValue()).orElseThrow().status()).isEqualTo("SUCCEEDED");
    }
}
