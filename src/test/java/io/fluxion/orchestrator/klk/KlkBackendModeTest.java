package io.fluxion.orchestrator.klk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fluxion.orchestrator.FluxionApplication;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.KlkRunRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.TestClocks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** KLK backend mode against a real HTTP server: paths, payloads, retries, drops, skips, no overlap. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KlkBackendModeTest {
    static final ObjectMapper JSON = new ObjectMapper();

    Path tmp;
    BackendServer backend;
    MutableClock clock;
    Main main;
    ProducerTemplate template;
    Ledger ledger;

    @BeforeAll
    void start() throws Exception {
        tmp = Files.createTempDirectory("klk-backend");
        backend = new BackendServer();
        // 22:30 in Caracas is already the next day in UTC: the dates must follow the window zone
        clock = MutableClock.caracas(2026, 11, 24, 22, 30);
        main = FluxionApplication.newMain(props(tmp.resolve("data")));
        main.bind(FluxionConfiguration.CLOCK, clock);
        main.start();
        template = main.getCamelContext().createProducerTemplate();
        ledger = main.getCamelContext().getRegistry().lookupByNameAndType("ledger", Ledger.class);
    }

    Map<String, String> props(Path dataDir) {
        Map<String, String> p = Apps.base(dataDir);
        p.put("camel.server.enabled", "false");
        // the tests fire the routes themselves; no wall-clock trigger may interfere
        p.put("camel.component.quartz.autoStartScheduler", "false");
        p.put("fluxion.demo.enabled", "false");
        p.put("fluxion.klk.mode", "backend");
        p.put("fluxion.klk.backend-url", backend.url());
        p.put("fluxion.klk.retry-delay", "20ms");
        p.put("fluxion.klk.timeout", "10s");
        return p;
    }

    @AfterAll
    void stop() throws Exception {
        main.stop();
        main.shutdown();
        backend.close();
    }

    @BeforeEach
    void reset() {
        backend.reset();
        clock.set(ZonedDateTime.of(2026, 11, 24, 22, 30, 0, 0, TestClocks.CARACAS).toInstant());
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> fire(String route) {
        return template.requestBodyAndHeader("direct:" + route, null, KlkRoute.SCHEDULED_FIRE_TIME,
                Date.from(clock.instant()), Map.class);
    }

    KlkRunRecord record(Map<String, Object> body) {
        long id = ((Number) body.get("id")).longValue();
        return ledger.recentKlkRuns(null, 100).stream().filter(r -> r.id() == id).findFirst().orElseThrow();
    }

    @Test
    void inventoryPostsTheSeedsPayloadAsJson() throws Exception {
        KlkRunRecord r = record(fire("klk-inventory"));
        assertThat(backend.requests).hasSize(1);
        BackendServer.Request req = backend.requests.get(0);
        assertThat(req.method()).isEqualTo("POST");
        assertThat(req.path()).isEqualTo("/api/etl/sync");
        assertThat(req.contentType()).startsWith("application/json");
        JsonNode body = JSON.readTree(req.body());
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.has("ubicacion_id")).isTrue();
        assertThat(body.get("ubicacion_id").isNull()).isTrue();
        assertThat(r.status()).isEqualTo("SUCCEEDED");
        assertThat(r.route()).isEqualTo("klk-inventory");
        assertThat(r.mode()).isEqualTo("backend");
        assertThat(r.httpStatus()).isEqualTo(200);
        assertThat(r.response()).contains("started");
    }

    @Test
    void oneStoresInventoryByRequestAsksTheBackendForThatStoreOnly() throws Exception {
        KlkRoute inventoryAll = main.getCamelContext().getRegistry().lookupByNameAndType("inventoryAll", KlkRoute.class);
        org.apache.camel.Exchange ex = new org.apache.camel.support.DefaultExchange(main.getCamelContext());
        inventoryAll.beginStore(ex, "tienda_01", "api POST /api/inventory/tienda_01/trigger from 127.0.0.1");
        assertThat(ex.getProperty(KlkRoute.SKIPPED, Boolean.class)).isFalse();
        @SuppressWarnings("unchecked")
        Map<String, Object> done = template.send("direct:inventory-all", ex).getMessage().getBody(Map.class);
        KlkRunRecord r = record(done);
        assertThat(backend.requests).hasSize(1);
        BackendServer.Request req = backend.requests.get(0);
        assertThat(req.path()).isEqualTo("/api/etl/sync");
        JsonNode body = JSON.readTree(req.body());
        assertThat(body.size()).isEqualTo(1);
        assertThat(body.get("ubicacion_id").asText()).isEqualTo("tienda_01");
        assertThat(r.route()).isEqualTo("inventory-all");
        assertThat(r.status()).as(r.reason()).isEqualTo("SUCCEEDED");
        assertThat(r.triggerKind()).isEqualTo("manual");
        assertThat(r.detail()).isEqualTo("store tienda_01, asked by api POST /api/inventory/tienda_01/trigger from 127.0.0.1");
    }

    @Test
    void salesPostsYesterdayAndTodayInTheWindowZone() throws Exception {
        KlkRunRecord r = record(fire("klk-sales"));
        assertThat(backend.requests).hasSize(1);
        BackendServer.Request req = backend.requests.get(0);
        assertThat(req.path()).isEqualTo("/api/etl/sync/ventas");
        assertThat(req.contentType()).startsWith("application/json");
        JsonNode body = JSON.readTree(req.body());
        assertThat(body.size()).isEqualTo(3);
        assertThat(body.get("ubicacion_id").isNull()).isTrue();
        // 2026-11-24 22:30 Caracas = 2026-11-25 02:30 UTC
        assertThat(body.get("fecha_inicio").asText()).isEqualTo("2026-11-23");
        assertThat(body.get("fecha_fin").asText()).isEqualTo("2026-11-24");
        assertThat(r.status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void a503IsRetriedThenTheSuccessIsRecorded() {
        backend.answers.add(new BackendServer.Answer(503, "{\"detail\": \"Service Unavailable\"}"));
        backend.answers.add(new BackendServer.Answer(503, "{\"detail\": \"Service Unavailable\"}"));
        KlkRunRecord r = record(fire("klk-inventory"));
        assertThat(backend.requests).hasSize(3);
        assertThat(r.status()).isEqualTo("SUCCEEDED");
        assertThat(r.httpStatus()).isEqualTo(200);
    }

    @Test
    void aFailureIsRecordedAfterTheRetriesWithStatusAndBody() {
        for (int i = 0; i < 5; i++) {
            backend.answers.add(new BackendServer.Answer(502, "{\"detail\": \"Bad Gateway: ECS task down\"}"));
        }
        KlkRunRecord r = record(fire("klk-sales"));
        // fluxion.klk.retries = 2: one attempt and two retries
        assertThat(backend.requests).hasSize(3);
        assertThat(r.status()).isEqualTo("FAILED");
        assertThat(r.httpStatus()).isEqualTo(502);
        assertThat(r.response()).contains("Bad Gateway: ECS task down");
        assertThat(r.reason()).contains("HTTP 502").contains("3 attempt(s)").contains("/api/etl/sync/ventas");
    }

    /**
     * fluxion.klk.retries = 2: whatever the answer, a fire sends at most 1 + 2 POSTs. The HTTP client must not
     * retry by itself inside Camel's attempts (Apache HttpClient 5 retries 503 and 429 on its own by default).
     */
    @ParameterizedTest
    @ValueSource(ints = {503, 500, 429, BackendServer.DROP})
    void aFireSendsAtMostOnePlusRetriesRequestsWhateverTheAnswer(int status) {
        for (int i = 0; i < 10; i++) {
            backend.answers.add(new BackendServer.Answer(status, "{\"detail\": \"status " + status + "\"}"));
        }
        KlkRunRecord r = record(fire("klk-sales"));
        int retries = 2;
        // 5xx and a dropped connection are tried again; a 429 (a 4xx) is not
        int expected = status == 429 ? 1 : 1 + retries;
        assertThat(backend.requests).as("POSTs of one fire answered " + status).hasSize(expected)
                .hasSizeLessThanOrEqualTo(1 + retries);
        assertThat(r.status()).isEqualTo("FAILED");
        assertThat(r.reason()).contains(expected + " attempt(s)");
    }

    @Test
    void a4xxIsNotRetried() {
        backend.answers.add(new BackendServer.Answer(422, "{\"detail\": \"fecha_inicio inválida\"}"));
        KlkRunRecord r = record(fire("klk-sales"));
        assertThat(backend.requests).hasSize(1);
        assertThat(r.status()).isEqualTo("FAILED");
        assertThat(r.httpStatus()).isEqualTo(422);
        assertThat(r.response()).contains("fecha_inicio inválida");
    }

    @Test
    void aRefusedConnectionIsRetriedThenRecorded() throws Exception {
        BackendServer down = new BackendServer();
        String url = down.url();
        down.close();
        Path dir = Files.createTempDirectory("klk-refused");
        Map<String, String> p = props(dir.resolve("data"));
        p.put("fluxion.klk.backend-url", url);
        Main other = FluxionApplication.newMain(p);
        other.bind(FluxionConfiguration.CLOCK, clock);
        other.start();
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = other.getCamelContext().createProducerTemplate().requestBodyAndHeader(
                    "direct:klk-inventory", null, KlkRoute.SCHEDULED_FIRE_TIME, Date.from(clock.instant()), Map.class);
            Ledger l = other.getCamelContext().getRegistry().lookupByNameAndType("ledger", Ledger.class);
            KlkRunRecord r = l.recentKlkRuns("klk-inventory", 1).get(0);
            assertThat(r.id()).isEqualTo(((Number) body.get("id")).longValue());
            assertThat(r.status()).isEqualTo("FAILED");
            assertThat(r.reason()).contains("3 attempt(s)");
        } finally {
            other.stop();
            other.shutdown();
        }
    }

    @Test
    void anAnswerSlowerThanTheTimeoutIsRetried() throws Exception {
        Path dir = Files.createTempDirectory("klk-timeout");
        Map<String, String> p = props(dir.resolve("data"));
        p.put("fluxion.klk.timeout", "500ms");
        Main other = FluxionApplication.newMain(p);
        other.bind(FluxionConfiguration.CLOCK, clock);
        other.start();
        CountDownLatch hold = new CountDownLatch(1);
        backend.hold.set(hold);
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = other.getCamelContext().createProducerTemplate().requestBodyAndHeader(
                    "direct:klk-inventory", null, KlkRoute.SCHEDULED_FIRE_TIME, Date.from(clock.instant()), Map.class);
            assertThat(body.get("status")).isEqualTo("SUCCEEDED");
            // the first POST got no answer within fluxion.klk.timeout; the retry was answered
            assertThat(backend.requests).hasSize(2);
        } finally {
            hold.countDown();
            other.stop();
            other.shutdown();
        }
    }

    @Test
    void aTriggerOlderThanMaxAgeIsDroppedNotFiredLate() {
        Date scheduled = Date.from(clock.instant().minus(Duration.ofMinutes(61)));
        @SuppressWarnings("unchecked")
        Map<String, Object> body = template.requestBodyAndHeader("direct:klk-inventory", null,
                KlkRoute.SCHEDULED_FIRE_TIME, scheduled, Map.class);
        assertThat(backend.requests).isEmpty();
        KlkRunRecord r = record(body);
        assertThat(r.status()).isEqualTo("DROPPED");
        assertThat(r.scheduledAt()).isEqualTo(scheduled.toInstant());
        assertThat(r.reason()).contains("max-age");

        // 59 minutes late is still within the hour: it runs
        KlkRunRecord late = record(template.requestBodyAndHeader("direct:klk-inventory", null,
                KlkRoute.SCHEDULED_FIRE_TIME, Date.from(clock.instant().minus(Duration.ofMinutes(59))), Map.class));
        assertThat(late.status()).isEqualTo("SUCCEEDED");
        assertThat(backend.requests).hasSize(1);
    }

    @Test
    void insideTheMaintenanceWindowWithNoRunStoppingTheBackendTheTriggerRuns() {
        // strategy staged (the default) stops the backend only to merge: inside the window hours, with no run that has
        // it down, the backend serves and the sync goes to it (stop-first skips the whole window hours)
        clock.set(ZonedDateTime.of(2026, 11, 25, 2, 0, 0, 0, TestClocks.CARACAS).toInstant());
        KlkRunRecord inv = record(fire("klk-inventory"));
        KlkRunRecord sales = record(fire("klk-sales"));
        assertThat(backend.requests).hasSize(2);
        assertThat(inv.status()).as(inv.reason()).isEqualTo("SUCCEEDED");
        assertThat(sales.status()).as(sales.reason()).isEqualTo("SUCCEEDED");
        // 06:00 is outside again
        clock.set(ZonedDateTime.of(2026, 11, 25, 6, 0, 0, 0, TestClocks.CARACAS).toInstant());
        assertThat(record(fire("klk-inventory")).status()).isEqualTo("SUCCEEDED");
    }

    @Test
    void neverTwoRunsOfTheSameRouteAtOnce() throws Exception {
        CountDownLatch hold = new CountDownLatch(1);
        backend.hold.set(hold);
        CompletableFuture<Map<String, Object>> first = CompletableFuture.supplyAsync(() -> {
            Map<String, Object> b = fire("klk-inventory");
            return b;
        });
        // wait until the first run's request is at the backend
        long t0 = System.nanoTime();
        while (backend.requests.isEmpty() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20)) {
            Thread.onSpinWait();
        }
        assertThat(backend.requests).hasSize(1);
        KlkRoute inventory = main.getCamelContext().getRegistry().lookupByNameAndType("klkInventory", KlkRoute.class);
        assertThat(inventory.status().get("is_running")).isEqualTo(true);
        KlkRunRecord second = record(fire("klk-inventory"));
        assertThat(second.status()).isEqualTo("SKIPPED");
        assertThat(second.reason()).contains("still running");
        // the other route is not blocked by this one
        assertThat(record(fire("klk-sales")).status()).isNotEqualTo("SKIPPED");
        hold.countDown();
        KlkRunRecord r = record(first.get(20, TimeUnit.SECONDS));
        assertThat(r.status()).isEqualTo("SUCCEEDED");
        assertThat(inventory.status().get("is_running")).isEqualTo(false);
    }

    @Test
    void theStatusBlockAndTheEnabledFlagSurviveARestart() throws Exception {
        Path dir = Files.createTempDirectory("klk-restart");
        Map<String, String> p = props(dir.resolve("data"));
        Main first = FluxionApplication.newMain(p);
        first.bind(FluxionConfiguration.CLOCK, clock);
        first.start();
        try {
            KlkRoute sales = first.getCamelContext().getRegistry().lookupByNameAndType("klkSales", KlkRoute.class);
            first.getCamelContext().createProducerTemplate().requestBodyAndHeader("direct:klk-sales", null,
                    KlkRoute.SCHEDULED_FIRE_TIME, Date.from(clock.instant()));
            Map<String, Object> s = sales.status();
            assertThat(s).containsKeys("name", "enabled", "is_running", "next_execution", "last_execution", "last_status",
                    "last_run");
            assertThat(s.get("name")).isEqualTo("klk-sales");
            assertThat(s.get("enabled")).isEqualTo(true);
            // 22:30 Caracas -> next sales fire at 22:35, written with the zone's offset
            assertThat(s.get("next_execution")).isEqualTo("2026-11-24T22:35:00-04:00");
            assertThat(s.get("last_execution")).isEqualTo("2026-11-24T22:30:00-04:00");
            assertThat(s.get("last_status")).isEqualTo("SUCCEEDED");
            sales.setEnabled(false);
        } finally {
            first.stop();
            first.shutdown();
        }
        backend.reset();
        Main second = FluxionApplication.newMain(p);
        second.bind(FluxionConfiguration.CLOCK, clock);
        second.start();
        try {
            KlkRoute sales = second.getCamelContext().getRegistry().lookupByNameAndType("klkSales", KlkRoute.class);
            KlkRoute inventory = second.getCamelContext().getRegistry().lookupByNameAndType("klkInventory", KlkRoute.class);
            assertThat(sales.isEnabled()).isFalse();
            assertThat(inventory.isEnabled()).isTrue();
            assertThat(sales.status().get("next_execution")).isNull();
            second.getCamelContext().createProducerTemplate().requestBodyAndHeader("direct:klk-sales", null,
                    KlkRoute.SCHEDULED_FIRE_TIME, Date.from(clock.instant()));
            assertThat(backend.requests).as("a disabled route does not fire").isEmpty();
        } finally {
            second.stop();
            second.shutdown();
        }
    }
}
