package io.fluxion.orchestrator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.LogCapture;
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
 * ledger (unknown fields on every route, explicit nulls, the store-days cap included); every request that changes
 * something needs the bearer token (401 without or with a wrong one, checked before the body), and the token is never
 * echoed; a body is JSON only (415) and at most 64 KB (413, before it is read or the token checked); no other site
 * may call the API by default.
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
                .append(app.bean("alerts", io.fluxion.orchestrator.monitoring.Alerts.class).recent(1000)).append('|')
                .append(l.businessDays(YESTERDAY.minusDays(400), YESTERDAY.plusDays(400)));
        sb.append('|').append(l.storeControls()).append('|').append(l.recentKlkRuns(null, 100));
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
        // unknown fields are refused on every route that takes a body: nothing starts for {"fecha": ...}
        l.add(Arguments.of("POST", "/api/etl/scheduler/trigger", "{\"fecha\": \"2020-01-01\"}", "fecha"));
        l.add(Arguments.of("POST", "/api/etl/scheduler/enable", "{\"fecha\": \"2020-01-01\"}", "fecha"));
        l.add(Arguments.of("POST", "/api/etl/scheduler/disable", "{\"enabled\": false}", "enabled"));
        l.add(Arguments.of("POST", "/api/etl/klk/klk-inventory/disable", "{\"route\": \"klk-sales\"}", "route"));
        l.add(Arguments.of("POST", "/api/etl/klk/klk-sales/enable", "{\"x\": 1}", "x"));
        l.add(Arguments.of("POST", SYNC, "{\"ubicacion_id\": null, \"fecha_inicio\": \"2026-11-19\", \"fecha_fin\":"
                + " \"2026-11-19\", \"dry_run\": true}", "dry_run"));
        l.add(Arguments.of("POST", "/trigger", "{\"target_date\": \"2026-11-20\", \"store\": \"tienda_01\"}", "store"));
        // explicit nulls and other types where a value is expected (leaving a field out is how not to set it)
        l.add(Arguments.of("PUT", CONFIG, "{\"hour\": null}", "hour"));
        l.add(Arguments.of("POST", "/api/etl/scheduler/trigger", "{\"confirm\": \"yes\"}", "confirm"));
        l.add(Arguments.of("PUT", CONFIG, "{\"hour\": 2, \"execution_hour\": 3}", "execution_hour"));
        // the store-days cap (fluxion.api.max-store-days, 400): 366 days x 2 stores is refused whole
        l.add(Arguments.of("POST", SYNC, sync(null, "2025-11-20", "2026-11-20"), "fecha_fin"));
        l.add(Arguments.of("POST", SYNC, "{\"ubicacion_id\": [\"tienda_01\", \"tienda_02\"], \"fecha_inicio\":"
                + " \"2025-11-20\", \"fecha_fin\": \"2026-11-20\"}", "fecha_fin"));
        // query parameters of the read-only views
        l.add(Arguments.of("GET", "/api/etl/runs?limit=0", null, "limit"));
        l.add(Arguments.of("GET", "/api/etl/runs?limit=abc", null, "limit"));
        l.add(Arguments.of("GET", "/api/etl/runs?kind=nightly", null, "kind"));
        l.add(Arguments.of("GET", "/api/etl/runs?status=DONE", null, "status"));
        l.add(Arguments.of("GET", "/api/etl/runs/abc", null, "id"));
        l.add(Arguments.of("GET", "/api/ventas/gaps?desde=2026-99-01", null, "desde"));
        l.add(Arguments.of("GET", "/api/ventas/gaps?desde=2027-01-01", null, "desde"));
        l.add(Arguments.of("GET", "/api/etl/ventas/logs?run_id=-1", null, "run_id"));
        // the alerts list: a bounded limit
        l.add(Arguments.of("GET", "/api/alerts?limit=0", null, "limit"));
        l.add(Arguments.of("GET", "/api/alerts?limit=501", null, "limit"));
        l.add(Arguments.of("GET", "/api/alerts?limit=-3", null, "limit"));
        l.add(Arguments.of("GET", "/api/alerts?limit=abc", null, "limit"));
        l.add(Arguments.of("GET", "/api/alerts?limit=2.5", null, "limit"));
        l.add(Arguments.of("GET", "/api/alerts?limit=99999999999999999999", null, "limit"));
        // issue 17's read-only views and changes
        l.add(Arguments.of("GET", "/api/ventas/gaps.csv?desde=2026-02-30", null, "desde"));
        l.add(Arguments.of("GET", "/api/etl/history?nights=0", null, "nights"));
        l.add(Arguments.of("GET", "/api/etl/history?nights=91", null, "nights"));
        l.add(Arguments.of("PUT", "/api/stores/tienda_01", "{\"priority\": 1000}", "priority"));
        l.add(Arguments.of("PUT", "/api/stores/tienda_01", "{\"max_attempts\": 1, \"x\": 1}", "x"));
        l.add(Arguments.of("POST", "/api/stores/tienda_02/disable", "{\"enabled\": false}", "enabled"));
        l.add(Arguments.of("POST", "/api/etl/klk/klk-inventory/trigger", "{\"store\": \"tienda_01\"}", "store"));
        l.add(Arguments.of("POST", "/api/inventory/tienda_01/trigger", "{\"store_id\": \"tienda_02\"}", "store_id"));
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
                Arguments.of("POST", "/api/etl/klk/klk-sales/trigger", null),
                Arguments.of("POST", "/api/inventory/tienda_01/trigger", null),
                Arguments.of("POST", "/api/stores/tienda_01/disable", null),
                Arguments.of("PUT", "/api/stores/tienda_01", "{\"priority\": 5}"),
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

    /** What each route takes; a body in another type than JSON is refused on each. */
    static Stream<Arguments> bodiesOfAnotherType() {
        List<Arguments> l = new ArrayList<>();
        String[][] routes = {{"POST", "/api/etl/scheduler/enable", "{}"}, {"POST", "/api/etl/scheduler/trigger", "{}"},
            {"PUT", CONFIG, "{\"hour\": 2}"}, {"POST", SYNC, sync(null, "2026-11-20", "2026-11-20")},
            {"POST", "/trigger", "{\"target_date\": \"2026-11-20\"}"}, {"POST", "/api/etl/klk/klk-sales/disable", "{}"}};
        for (String[] r : routes) {
            for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "application/xml", "",
                    "application/json-patch+json")) {
                l.add(Arguments.of(r[0], r[1], r[2], type));
            }
        }
        return l.stream();
    }

    @ParameterizedTest(name = "{0} {1} as ''{3}'' -> 415")
    @MethodSource("bodiesOfAnotherType")
    void aBodyIsAcceptedAsJsonOnly(String method, String path, String body, String type) {
        String before = ledgerState();
        HttpApp.Resp r = app.send(method, path, body, TOKEN, Map.of("Content-Type", type));
        assertThat(r.status()).as(r.text()).isEqualTo(415);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.json().get("field").textValue()).isEqualTo("Content-Type");
        // the token comes first: without one the same request is a 401
        assertThat(app.send(method, path, body, null, Map.of("Content-Type", type)).status()).isEqualTo(401);
        assertThat(ledgerState()).isEqualTo(before);
        assertThat(app.window().current()).isEmpty();
    }

    @Test
    void aBodyOver64KbIsRefusedBeforeItIsReadOrTheTokenChecked() {
        String before = ledgerState();
        String big = "{\"fecha_inicio\": \"2026-11-20\", \"fecha_fin\": \"2026-11-20\", \"pad\": \"" + "x".repeat(70_000)
                + "\"}";
        try (LogCapture log = new LogCapture()) {
            for (String token : java.util.Arrays.asList(TOKEN, null, "wrong")) {
                HttpApp.Resp r = app.send("POST", SYNC, big, token);
                assertThat(r.status()).as(r.text()).isEqualTo(413);
                assertThat(r.header("Content-Type")).startsWith("application/json");
                assertThat(r.json().get("field").textValue()).isEqualTo("body");
                assertThat(r.json().get("error").textValue()).contains("65536 bytes");
            }
            // 10 MB announced by its Content-Length: refused before a byte of it is sent
            String huge = app.head("POST", "/trigger", Map.of("Content-Type", "application/json", "Content-Length",
                    String.valueOf(10 * 1024 * 1024), "Authorization", "Bearer " + TOKEN));
            assertThat(huge).startsWith("HTTP/1.1 413").contains("\"field\":\"body\"");
            // no ERROR for the operators' alerts, one INFO line per refusal
            assertThat(log.lines("ERROR")).isEmpty();
            assertThat(log.lines("INFO")).filteredOn(l -> l.contains("HTTP 413")).hasSize(4);
        }
        // just under the limit the body is read (and refused for its unknown field)
        String under = "{\"pad\": \"" + "x".repeat(60_000) + "\"}";
        assertThat(app.send("POST", "/trigger", under, TOKEN).json().get("field").textValue()).isEqualTo("pad");
        assertThat(ledgerState()).isEqualTo(before);
        assertThat(app.window().current()).isEmpty();
    }

    @Test
    void refusalsAndAcceptedChangesAreLoggedWithTheClientAddress() {
        try (LogCapture log = new LogCapture()) {
            assertThat(app.send("POST", "/api/etl/scheduler/enable", null, "wrong-" + TOKEN).status()).isEqualTo(401);
            assertThat(app.send("POST", "/api/etl/scheduler/enable", null, TOKEN).status()).isEqualTo(200);
            assertThat(log.lines("WARN")).anyMatch(l -> l.contains("HTTP 401 on POST /api/etl/scheduler/enable from 127.0.0.1"));
            assertThat(log.lines("INFO")).anyMatch(l -> l.contains("Nightly window enabled through the API by 127.0.0.1"));
            assertThat(log.lines()).noneMatch(l -> l.contains(TOKEN));
        }
    }

    @Test
    void noOtherSiteMayCallTheApiUntilAnOriginIsConfigured() {
        HttpApp.Resp r = app.get("/maintenance-status");
        assertThat(r.header("Access-Control-Allow-Origin")).isNull();
        HttpApp.Resp preflight = app.send("OPTIONS", SYNC, null, null, Map.of("Origin", "https://evil.example",
                "Access-Control-Request-Method", "POST"));
        assertThat(preflight.status()).isEqualTo(405);
        assertThat(preflight.header("Access-Control-Allow-Origin")).isNull();
        assertThat(preflight.header("Access-Control-Allow-Methods")).isNull();
    }

    @Test
    void readOnlyRoutesArePublic() {
        for (String p : List.of("/maintenance-status", "/api/etl/scheduler/status", "/api/etl/ventas/status",
                "/api/etl/ventas/logs", "/api/ventas/gaps", "/api/etl/runs", "/api/alerts", "/")) {
            assertThat(app.get(p).status()).as(p).isEqualTo(200);
        }
    }
}
