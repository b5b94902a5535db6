package io.fluxion.orchestrator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.GateSleeper;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's done-means: a store whose source refuses connections (its H2 TCP server stopped) shows as unreachable in
 * the API (the run's probes and attempts, the scheduler status), and the health answer; its attempts fail at once at
 * the window start and at the retry round, without a chunk pulled, and the alert of the failed run is listed.
 */
class StoreConnectivityTest {
    static final String TOKEN = "connectivity-token-0123456789abcdef0123";
    static final LocalDate D = LocalDate.of(2026, 11, 20);

    @TempDir
    Path tmp;

    @Test
    void aStoreWhoseSourceRefusesConnectionsIsUnreachableInTheApiAndHealthAndItsAttemptsPullNothing() throws Exception {
        try (StoreServer up = StoreServer.start(tmp.resolve("up"))) {
            up.createStore("tienda_81", false, D, D);
            Map<String, String> props = Apps.base(tmp.resolve("data"));
            props.putAll(up.storeProperties(List.of("tienda_81")));
            // tienda_82 lives on a server of its own, stopped before the service starts: its port refuses connections
            StoreServer down = StoreServer.start(tmp.resolve("down"));
            down.createStore("tienda_82", false, D, D);
            Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("tienda_82", down.port());
            props.putAll(down.storeProperties(ports, "legacy"));
            down.close();
            props.put("fluxion.klk.enabled", "false");
            props.put("camel.component.quartz.autoStartScheduler", "false");
            props.put("fluxion.etl.max-attempts", "2");
            props.put("fluxion.etl.retry-interval", "20m");
            props.put("fluxion.api.token", TOKEN);
            // 10:00 in Caracas, outside the window hours; the retry's wait advances the clock (GateSleeper)
            MutableClock clock = MutableClock.caracas(2026, 11, 21, 10, 0).ticking();
            try (HttpApp app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, clock,
                    FluxionConfiguration.SLEEPER, new GateSleeper(clock)))) {
                HttpApp.Resp started = app.send("POST", "/trigger", "{\"target_date\": \"" + D + "\"}", TOKEN);
                assertThat(started.status()).as(started.text()).isEqualTo(202);
                long runId = started.json().get("run_id").asLong();
                app.awaitIdle(Duration.ofSeconds(60));

                JsonNode run = app.get("/api/etl/runs/" + runId).json();
                assertThat(run.path("status").asText()).isEqualTo("FAILED");
                // the probes: at the start both stores, before the retry round the unreachable one again
                List<String> probes = new ArrayList<>();
                for (JsonNode p : run.path("probes")) {
                    probes.add(p.path("store_id").asText() + "=" + p.path("reachable").asBoolean());
                    if (!p.path("reachable").asBoolean()) {
                        assertThat(p.path("error").asText()).contains("Connection refused");
                    }
                }
                assertThat(probes).containsExactly("tienda_81=true", "tienda_82=false", "tienda_82=false");
                assertThat(stepStatuses(run, "probe-stores")).containsExactly("UNREACHABLE", "UNREACHABLE");
                // its two attempts failed as unreachable, the second one the retry interval after the first
                List<JsonNode> attempts82 = new ArrayList<>();
                for (JsonNode a : run.path("attempts")) {
                    if (a.path("store_id").asText().equals("tienda_82")) {
                        attempts82.add(a);
                    } else {
                        assertThat(a.path("status").asText()).isEqualTo("SUCCEEDED");
                    }
                }
                assertThat(attempts82).hasSize(2);
                for (JsonNode a : attempts82) {
                    assertThat(a.path("status").asText()).isEqualTo("FAILED");
                    assertThat(a.path("error").asText()).startsWith("source unreachable").contains("Connection refused");
                }
                assertThat(Duration.between(OffsetDateTime.parse(attempts82.get(0).path("ended_at").asText()),
                        OffsetDateTime.parse(attempts82.get(1).path("started_at").asText())))
                        .isGreaterThanOrEqualTo(Duration.ofMinutes(20));
                // nothing pretended to load it: the shared pull ran once, for tienda_81 only (no chunk, no redelivery)
                long pulls = app.context().getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                        .getManagedRoute("keyset-chunks").getExchangesTotal();
                assertThat(pulls).isEqualTo(1);

                // the scheduler status: each store's newest probe, the backend as its mode knows it
                JsonNode status = app.get("/api/etl/scheduler/status").json();
                JsonNode c = status.path("connectivity");
                assertThat(c.path("stores").asInt()).isEqualTo(2);
                assertThat(c.path("unreachable").asInt()).as(c.toString()).isEqualTo(1);
                Map<String, JsonNode> byStore = new LinkedHashMap<>();
                c.path("results").forEach(r -> byStore.put(r.path("store_id").asText(), r));
                assertThat(byStore.get("tienda_82").path("reachable").asBoolean()).isFalse();
                assertThat(byStore.get("tienda_82").path("error").asText()).contains("Connection refused");
                assertThat(byStore.get("tienda_81").path("reachable").asBoolean()).isTrue();
                assertThat(status.path("backend").path("mode").asText()).isEqualTo("none");
                assertThat(status.path("backend").path("state").asText()).isEqualTo("none");

                // health: reported by name, not a reason to be unready
                HttpApp.Resp health = app.management("/observe/health");
                assertThat(health.status()).as(health.text()).isEqualTo(200);
                JsonNode check = null;
                for (JsonNode ch : health.json().path("checks")) {
                    if ("store-sources".equals(ch.path("name").asText())) {
                        check = ch;
                    }
                }
                assertThat(check).as(health.text()).isNotNull();
                assertThat(check.path("status").asText()).isEqualTo("UNKNOWN");
                assertThat(check.path("message").asText()).contains("1 of 2 store sources unreachable: tienda_82");

                // the failed run's alert is listed, newest first
                JsonNode alerts = app.get("/api/alerts?limit=5").json().path("alerts");
                assertThat(alerts.size()).isGreaterThanOrEqualTo(1);
                JsonNode alert = alerts.get(0);
                assertThat(alert.path("kind").asText()).isEqualTo("window-failed");
                assertThat(alert.path("run_id").asLong()).isEqualTo(runId);
                assertThat(alert.path("text").asText()).contains("tienda_82");
                assertThat(app.get("/api/alerts?limit=1").json().path("alerts").size()).isEqualTo(1);
            }
        }
    }

    static List<String> stepStatuses(JsonNode run, String step) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : run.path("steps")) {
            if (step.equals(s.path("step").asText())) {
                out.add(s.path("status").asText());
            }
        }
        return out;
    }
}
