package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.StoreServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SPEC 4 over real HTTP: every bad input gets a 400 {"error", "field"} and changes nothing in the
 * ledger; every request that changes something needs the bearer token (401 without or with a wrong
 * one, checked before the body), and the token is never echoed.
 */
class ApiBadInputTest {
    static final String TOKEN = "tok-9f8e7d6c5b4a-0123456789abcdef0123";
    static final LocalDate YESTERDAY = LocalDate.of(2026, 11, 20);

    @TempDir
    static Path tmp;
    static StoreServer stores;
    static HttpApp app;

    @BeforeAll
    static void start() {
        stores = StoreServer.start(tmp.resolve("stores"));
        for (String id : List.of("tienda_01", "tienda_02")) {
            stores.createStore(id, false, YESTERDAY, YESTERDAY);
        }
        Map<String, String> props = Apps.base(tmp.resolve("data"));
        // no 30-minute KLK sync may take the DuckDB writer while a test triggers a window
        props.put("fluxion.klk.enabled", "false");
        props.putAll(stores.storeProperties(List.of("tienda_01", "tienda_02")));
        props.put("fluxion.api.token", TOKEN);
        app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, MutableClock.caracas(2026, 11, 21, 12, 0)));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        stores.close();
    }

    /** Everything a request could have changed: runs, settings, coverage, business dates. */
    static String ledgerState() {
        Ledger l = app.ledger();
        StringBuilder sb = new StringBuilder();
        sb.append(l.recentRuns(1000)).append('|').append(l.storeDays()).append('|')
                .append(l.businessDays(YESTERDAY.minusDays(400), YESTERDAY.plusDays(400)));
        for (String k : List.of("window.enabled", "window.start", "etl.max-attempts", "etl.retry-interval-minutes")) {
            sb.append('|').append(k).append('=').append(l.setting(k).orElse(null));
        }
        return sb.toString();
    }

    static final String SYNC = "/api/etl/sync/ventas";
    static final String CONFIG = "/api/etl/scheduler/config";

    static String sync(String store, String from, String to) {
        return "{\"ubicacion_id\": " + (store == null ? "null" : "\"" + store + "\"") + ", \"fecha_inicio\": \"" + from
                + "\", \"fecha_fin\": \"" + to + "\"}";
    }

    static Stream<Arguments> badInputs() {
        List<Arguments> l = new ArrayList<>();
        // malformed JSON and wrong shapes
        l.add(Arguments.of("POST", SYNC, "{\"ubicacion_id\": \"tienda_01\", \"fecha_inicio\": \"2026-11-01\"", "body"));
        l.add(Arguments.of("POST", SYNC, "not json", "body"));
        l.add(Arguments.of("POST", SYNC, "[]", "body"));
        l.add(Arguments.of("POST", SYNC, "", "body"));
        l.add(Arguments.of("POST", SYNC, "{\"fecha_inicio\": \"2026-11-01\", \"fecha_inicio\": \"2026-11-02\","
                + " \"fecha_fin\": \"2026-11-03\"}", "body"));
        l.add(Arguments.of("POST", SYNC, sync(null, "2026-11-01", "2026-11-02") + " {}", "body"));
        // unknown store
        l.add(Arguments.of("POST", SYNC, sync("tienda_99", "2026-11-01", "2026-11-02"), "ubicacion_id"));
        l.add(Arguments.of("POST", SYNC, "{\"ubicacion_id\": 5, \"fecha_inicio\": \"2026-11-01\", \"fecha_fin\": \"2026-11-02\"}",
                "ubicacion_id"));
        l.add(Arguments.of("POST", SYNC, sync("../tienda_01", "2026-11-01", "2026-11-02"), "ubicacion_id"));
        l.add(Arguments.of("POST", SYNC, "{\"ubicacion_id\": [], \"fecha_inicio\": \"2026-11-01\", \"fecha_fin\": \"2026-11-02\"}",
                "ubicacion_id"));
        l.add(Arguments.of("POST", SYNC, "{\"ubicacion_id\": [\"tienda_01\", \"tienda_01\"], \"fecha_inicio\": \"2026-11-01\","
                + " \"fecha_fin\": \"2026-11-02\"}", "ubicacion_id"));
        l.add(Arguments.of("POST", SYNC, "{\"ubicacion_id\": [\"tienda_01\", \"tienda_99\"], \"fecha_inicio\": \"2026-11-01\","
                + " \"fecha_fin\": \"2026-11-02\"}", "ubicacion_id"));
        // bad, reversed, future and too long dates
        l.add(Arguments.of("POST", SYNC, sync("tienda_01", "2026-13-01", "2026-11-02"), "fecha_inicio"));
        l.add(Arguments.of("POST", SYNC, sync("tienda_01", "20261101", "2026-11-02"), "fecha_inicio"));
        l.add(Arguments.of("POST", SYNC, sync("tienda_01", "2026-02-30", "2026-11-02"), "fecha_inicio"));
        l.add(Arguments.of("POST", SYNC, sync("tienda_01", "1999-12-31", "2000-01-02"), "fecha_inicio"));
        l.add(Arguments.of("POST", SYNC, sync("tienda_01", "2026-11-10", "2026-11-01"), "fecha_fin"));
        l.add(Arguments.of("POST", SYNC, sync(null, "2025-11-01", "2026-11-02"), "fecha_fin"));
        l.add(Arguments.of("POST", SYNC, sync(null, "2026-11-19", "2026-11-21"), "fecha_fin"));
        l.add(Arguments.of("POST", SYNC, sync(null, "2026-11-19", "2030-01-01"), "fecha_fin"));
        l.add(Arguments.of("POST", SYNC, "{\"ubicacion_id\": null, \"fecha_fin\": \"2026-11-02\"}", "fecha_inicio"));
        l.add(Arguments.of("POST", SYNC, "{\"ubicacion_id\": null, \"fecha_inicio\": \"2026-11-02\"}", "fecha_fin"));
        l.add(Arguments.of("POST", SYNC, "{\"ubicacion_id\": null, \"fecha_inicio\": 20261102, \"fecha_fin\": \"2026-11-02\"}",
                "fecha_inicio"));
        l.add(Arguments.of("POST", SYNC, "{\"tienda\": \"tienda_01\", \"fecha_inicio\": \"2026-11-01\", \"fecha_fin\": \"2026-11-02\"}",
                "tienda"));
        // scheduler config: out of range, wrong types, unknown keys
        l.add(Arguments.of("PUT", CONFIG, "{\"hour\": 25}", "hour"));
        l.add(Arguments.of("PUT", CONFIG, "{\"hour\": -1}", "hour"));
        l.add(Arguments.of("PUT", CONFIG, "{\"execution_hour\": 24}", "execution_hour"));
        l.add(Arguments.of("PUT", CONFIG, "{\"minute\": 60}", "minute"));
        l.add(Arguments.of("PUT", CONFIG, "{\"max_retries\": -1}", "max_retries"));
        l.add(Arguments.of("PUT", CONFIG, "{\"max_retries\": 0}", "max_retries"));
        l.add(Arguments.of("PUT", CONFIG, "{\"max_retries\": 1000}", "max_retries"));
        l.add(Arguments.of("PUT", CONFIG, "{\"retry_interval_minutes\": 0}", "retry_interval_minutes"));
        l.add(Arguments.of("PUT", CONFIG, "{\"retry_interval_minutes\": 100000}", "retry_interval_minutes"));
        l.add(Arguments.of("PUT", CONFIG, "{\"hour\": \"2\"}", "hour"));
        l.add(Arguments.of("PUT", CONFIG, "{\"hour\": 2.5}", "hour"));
        l.add(Arguments.of("PUT", CONFIG, "{\"hour\": 99999999999}", "hour"));
        l.add(Arguments.of("PUT", CONFIG, "{\"hour\": 7}", "hour"));
        l.add(Arguments.of("PUT", CONFIG, "{\"foo\": 1}", "foo"));
        l.add(Arguments.of("PUT", CONFIG, "{}", null));
        l.add(Arguments.of("PUT", CONFIG, "{\"enabled\": \"yes\"}", "enabled"));
        l.add(Arguments.of("PUT", CONFIG, "{\"hour\": 3,", "body"));
        // a valid part does not apply when another part is bad
        l.add(Arguments.of("PUT", CONFIG, "{\"hour\": 3, \"minute\": 15, \"max_retries\": -2}", "max_retries"));
        l.add(Arguments.of("PUT", CONFIG, "{\"retry_interval_minutes\": 5, \"hour\": 6}", "hour"));
        // seed 004 trigger
        l.add(Arguments.of("POST", "/trigger", "{\"target_date\": \"2026-11-21\"}", "target_date"));
        l.add(Arguments.of("POST", "/trigger", "{\"target_date\": \"ayer\"}", "target_date"));
        l.add(Arguments.of("POST", "/trigger", "{\"target_date\": 20261120}", "target_date"));
        l.add(Arguments.of("POST", "/trigger", "{\"target_date\": null}", "target_date"));
        l.add(Arguments.of("POST", "/trigger", "{\"fecha\": \"2026-11-20\"}", "fecha"));
        l.add(Arguments.of("POST", "/trigger", "[1]", "body"));
        l.add(Arguments.of("POST", "/api/etl/scheduler/trigger", "{bad", "body"));
        l.add(Arguments.of("POST", "/api/etl/scheduler/enable", "{bad", "body"));
        l.add(Arguments.of("POST", "/api/etl/scheduler/disable", "\"off\"", "body"));
        // query parameters of the read-only views
        l.add(Arguments.of("GET", "/api/etl/runs?limit=0", null, "limit"));
        l.add(Arguments.of("GET", "/api/etl/runs?limit=abc", null, "limit"));
        l.add(Arguments.of("GET", "/api/etl/runs?kind=nightly", null, "kind"));
        l.add(Arguments.of("GET", "/api/etl/runs?status=DONE", null, "status"));
        l.add(Arguments.of("GET", "/api/etl/runs/abc", null, "id"));
        l.add(Arguments.of("GET", "/api/ventas/gaps?desde=2026-99-01", null, "desde"));
        l.add(Arguments.of("GET", "/api/ventas/gaps?desde=2027-01-01", null, "desde"));
        l.add(Arguments.of("GET", "/api/etl/ventas/logs?run_id=-1", null, "run_id"));
        return l.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2} -> 400 on {3}")
    @MethodSource("badInputs")
    void badInputIs400WithTheFieldAndChangesNothing(String method, String path, String body, String field) {
        String before = ledgerState();
        HttpApp.Resp r = method.equals("GET") ? app.get(path) : app.send(method, path, body, TOKEN);
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        JsonNode j = r.json();
        assertThat(j.get("error").isTextual()).as(r.text()).isTrue();
        assertThat(j.get("error").textValue()).isNotBlank();
        assertThat(j.has("field")).isTrue();
        if (field == null) {
            assertThat(j.get("field").isNull()).as(r.text()).isTrue();
        } else {
            assertThat(j.get("field").textValue()).as(r.text()).isEqualTo(field);
        }
        assertThat(ledgerState()).isEqualTo(before);
        assertThat(app.window().current()).isEmpty();
    }

    static Stream<Arguments> mutatingRoutes() {
        return Stream.of(
                Arguments.of("POST", "/api/etl/scheduler/enable", null),
                Arguments.of("POST", "/api/etl/scheduler/disable", null),
                Arguments.of("POST", "/api/etl/scheduler/trigger", null),
                Arguments.of("PUT", CONFIG, "{\"hour\": 2}"),
                Arguments.of("POST", SYNC, sync(null, "2026-11-20", "2026-11-20")),
                Arguments.of("POST", "/trigger", "{\"target_date\": \"2026-11-20\"}"),
                Arguments.of("POST", "/api/etl/klk/klk-inventory/disable", null),
                Arguments.of("POST", "/api/etl/klk/klk-sales/enable", null),
                // auth is checked before the body: a bad body without a token is still a 401
                Arguments.of("PUT", CONFIG, "{\"hour\": 25}"),
                Arguments.of("POST", SYNC, "{bad json"));
    }

    @ParameterizedTest(name = "{0} {1} needs the token")
    @MethodSource("mutatingRoutes")
    void everyMutatingRouteNeedsTheBearerToken(String method, String path, String body) {
        String before = ledgerState();
        for (Map<String, String> headers : List.of(Map.<String, String>of(),
                Map.of("Authorization", "Bearer wrong-" + TOKEN),
                Map.of("Authorization", "Bearer " + TOKEN.substring(0, TOKEN.length() - 1)),
                Map.of("Authorization", "Basic " + TOKEN),
                Map.of("Authorization", TOKEN),
                Map.of("Authorization", "Bearer "))) {
            HttpApp.Resp r = app.send(method, path, body, null, headers);
            assertThat(r.status()).as(headers + " " + r.text()).isEqualTo(401);
            assertThat(r.json().get("error").textValue()).contains("token");
            assertThat(r.json().get("field").textValue()).isEqualTo("Authorization");
            assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
            assertThat(r.text()).doesNotContain(TOKEN);
            assertThat(r.raw().headers().map().toString()).doesNotContain(TOKEN);
        }
        assertThat(ledgerState()).isEqualTo(before);
        assertThat(app.window().current()).isEmpty();
    }

    @Test
    void withTheTokenTheSameRouteAnswersAndTheTokenIsNeitherEchoedNorLogged() throws Exception {
        HttpApp.Resp r = app.send("POST", "/api/etl/scheduler/enable", null, TOKEN);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).doesNotContain(TOKEN);
        assertThat(r.raw().headers().map().toString()).doesNotContain(TOKEN);
        assertThat(app.get("/api/etl/scheduler/status").text()).doesNotContain(TOKEN);
        for (String f : List.of("fluxion.log", "fluxion-errors.log")) {
            Path log = Path.of("data", "logs", f);
            if (Files.exists(log)) {
                assertThat(Files.readString(log, StandardCharsets.UTF_8)).doesNotContain(TOKEN);
            }
        }
    }

    @Test
    void readOnlyRoutesArePublic() {
        for (String p : List.of("/maintenance-status", "/api/etl/scheduler/status", "/api/etl/ventas/status",
                "/api/etl/ventas/logs", "/api/ventas/gaps", "/api/etl/runs", "/")) {
            assertThat(app.get(p).status()).as(p).isEqualTo(200);
        }
    }
}
