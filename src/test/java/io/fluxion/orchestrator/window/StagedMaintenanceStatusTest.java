package io.fluxion.orchestrator.window;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 on the running service: an operator's daytime sync with {@code fluxion.window.strategy=staged} stages a
 * slow store while the backend serves. {@code /maintenance-status} says false (phase staging) the whole time the
 * stores stage, and the ECS server sees UpdateService(0) only after that; the page's run shows the strategy.
 */
class StagedMaintenanceStatusTest {
    static final String TOKEN = "staged-maintenance-token-0123456789abcdef";
    static final LocalDate D = LocalDate.of(2026, 11, 23);

    @TempDir
    Path tmp;

    record Sample(Instant at, boolean maintenance, String phase) {
    }

    @Test
    void maintenanceIsFalseWhileTheStoresStageAndTheBackendStopsOnlyAfterwards() throws Exception {
        try (StoreServer stores = StoreServer.start(tmp.resolve("stores"));
             TcpProxy proxy = new TcpProxy(stores.port());
             EcsTestServer ecs = EcsTestServer.start("fluxion-cluster", "fluxion-backend", 1).convergeEvery(2)) {
            for (String id : List.of("tienda_01", "tienda_02")) {
                stores.createStore(id, false, D, D);
            }
            Map<String, String> props = Apps.base(tmp.resolve("data"));
            props.putAll(stores.storeProperties(List.of("tienda_01", "tienda_02"), "tienda_02", proxy.port()));
            props.putAll(ecs.properties());
            props.put("fluxion.window.strategy", "staged");
            props.put("fluxion.etl.chunk-size", "100");
            props.put("fluxion.etl.max-attempts", "1");
            props.put("fluxion.klk.enabled", "false");
            props.put("fluxion.api.token", TOKEN);
            props.put("camel.component.quartz.autoStartScheduler", "false");
            proxy.slow(Duration.ofMillis(10));
            MutableClock clock = MutableClock.caracas(2026, 11, 24, 12, 0).ticking();
            try (HttpApp app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, clock,
                    "ecsClient", ecs.client(false)))) {
                HttpApp.Resp r = app.send("POST", "/api/etl/sync/ventas", "{\"ubicacion_id\": null, \"fecha_inicio\": \""
                        + D + "\", \"fecha_fin\": \"" + D + "\", \"confirm\": true}", TOKEN);
                assertThat(r.status()).as(r.text()).isEqualTo(202);
                long id = r.json().get("run_id").asLong();

                List<Sample> samples = new ArrayList<>();
                boolean sawRunPhase = false;
                long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                while (app.window().current().isPresent() && System.nanoTime() < end) {
                    JsonNode m = app.get("/maintenance-status").json();
                    // on the app's clock (ticking from a fixed noon), like the ledger's timestamps
                    samples.add(new Sample(clock.instant(), m.get("is_maintenance").asBoolean(), m.get("phase").asText()));
                    if (!sawRunPhase) {
                        JsonNode run = app.get("/api/etl/scheduler/status").json().get("current_run");
                        if (run != null && !run.isNull() && "staged".equals(run.path("strategy").asText())) {
                            sawRunPhase = "staging".equals(run.path("phase").asText());
                        }
                    }
                    Thread.sleep(25);
                }
                app.awaitIdle(Duration.ofMinutes(1));

                RunRecord run = app.ledger().run(id).orElseThrow();
                assertThat(run.status()).as(run.reason()).isEqualTo("SUCCEEDED");
                assertThat(run.strategy()).isEqualTo("staged");
                // the app's clock runs at the real pace from its own start: one offset turns ECS's real instants into it
                Duration offset = Duration.between(Instant.now(), clock.instant());
                Instant stop = ecs.calls().stream().filter(c -> c.brief().equals("UpdateService(0)")).findFirst()
                        .orElseThrow().at().plus(offset);
                Instant staged = app.ledger().attempts(id).stream().map(a -> a.stagedAt()).max(Instant::compareTo)
                        .orElseThrow();
                // the backend was asked to stop only after every store was staged
                assertThat(stop).isAfter(staged);
                List<Sample> staging = samples.stream().filter(s -> !s.at().isAfter(staged)).toList();
                // the slow store stages for seconds: many samples, every one "not in maintenance"
                assertThat(staging).hasSizeGreaterThan(20);
                assertThat(staging).allSatisfy(s -> assertThat(s.maintenance()).as(s.toString()).isFalse());
                assertThat(staging).anyMatch(s -> s.phase().equals("staging"));
                assertThat(sawRunPhase).as("the scheduler status shows the run staging").isTrue();
                assertThat(app.get("/maintenance-status").json().get("is_maintenance").asBoolean()).isFalse();
                assertThat(ecs.desired()).isEqualTo(1);
            }
        }
    }

    /**
     * From the merge's stop to the start the backend is down: {@code /maintenance-status} says so (phase merging), and
     * a KLK sync fired then is SKIPPED with that reason, as is an operator's inventory of one store (409); once the
     * backend runs again both are back to normal.
     */
    @Test
    void duringTheMergeStopItIsMaintenanceAndTheKlkSyncSkips() throws Exception {
        try (StoreServer stores = StoreServer.start(tmp.resolve("stores"));
             EcsTestServer ecs = EcsTestServer.start("fluxion-cluster", "fluxion-backend", 1).convergeEvery(2)) {
            stores.createStore("tienda_01", false, D, D);
            Map<String, String> props = Apps.base(tmp.resolve("data"));
            props.putAll(stores.storeProperties(List.of("tienda_01")));
            props.putAll(ecs.properties());
            props.put("fluxion.window.strategy", "staged");
            props.put("fluxion.backend.stop-timeout", "2m");
            props.put("fluxion.klk.enabled", "false");
            props.put("fluxion.api.token", TOKEN);
            props.put("camel.component.quartz.autoStartScheduler", "false");
            // the backend takes its time to drain: the run sits in its merge stop
            ecs.neverDrain(true);
            MutableClock clock = MutableClock.caracas(2026, 11, 24, 12, 0).ticking();
            try (HttpApp app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, clock,
                    "ecsClient", ecs.client(false)))) {
                HttpApp.Resp r = app.send("POST", "/api/etl/sync/ventas", "{\"ubicacion_id\": null, \"fecha_inicio\": \""
                        + D + "\", \"fecha_fin\": \"" + D + "\", \"confirm\": true}", TOKEN);
                assertThat(r.status()).as(r.text()).isEqualTo(202);
                io.fluxion.orchestrator.testing.Services.await("the merge stop", Duration.ofMinutes(1),
                        () -> ecs.briefs().contains("UpdateService(0)"));

                JsonNode m = app.get("/maintenance-status").json();
                assertThat(m.get("is_maintenance").asBoolean()).as(m.toString()).isTrue();
                assertThat(m.get("phase").asText()).isEqualTo("merging");
                @SuppressWarnings("unchecked")
                Map<String, Object> body = app.context().createProducerTemplate().requestBody("direct:klk-inventory",
                        null, Map.class);
                long klkId = ((Number) body.get("id")).longValue();
                io.fluxion.orchestrator.ledger.KlkRunRecord klk = app.ledger().recentKlkRuns("klk-inventory", 10).stream()
                        .filter(k -> k.id() == klkId).findFirst().orElseThrow();
                assertThat(klk.status()).isEqualTo("SKIPPED");
                assertThat(klk.reason()).contains("has the backend down");
                // an operator's inventory of one store is refused the same way, and recorded
                HttpApp.Resp inv = app.send("POST", "/api/inventory/tienda_01/trigger", null, TOKEN);
                assertThat(inv.status()).as(inv.text()).isEqualTo(409);
                assertThat(inv.json().get("error").textValue()).contains("has the backend down");
                io.fluxion.orchestrator.ledger.KlkRunRecord invRun = app.ledger().recentKlkRuns("inventory-all", 10)
                        .get(0);
                assertThat(invRun.status()).isEqualTo("SKIPPED");
                assertThat(invRun.detail()).startsWith("store tienda_01, asked by ");

                ecs.neverDrain(false);
                app.awaitIdle(Duration.ofMinutes(1));
                long id = r.json().get("run_id").asLong();
                RunRecord run = app.ledger().run(id).orElseThrow();
                assertThat(run.status()).as(run.reason()).isEqualTo("SUCCEEDED");
                assertThat(run.merges()).isEqualTo(1);
                assertThat(app.get("/maintenance-status").json().get("is_maintenance").asBoolean()).isFalse();
                assertThat(ecs.desired()).isEqualTo(1);
            }
        }
    }
}
