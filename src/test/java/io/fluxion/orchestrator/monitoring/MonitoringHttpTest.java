package io.fluxion.orchestrator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.backend.EcsBackendControl;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.schedule.SavedSettings;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.GateSleeper;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.HttpReceiver;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.Services;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import io.fluxion.orchestrator.window.RunSummary;
import io.fluxion.orchestrator.window.WindowService;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Monitoring over real HTTP on the running application (docs/MONITORING.md): the Jolokia requests Hawtio's
 * Camel plugin makes and the access policy, the named health checks going DOWN and UP again, the product's
 * Prometheus metrics after real windows (H2 TCP stores, real DuckDB, the real AWS SDK against
 * {@link EcsTestServer}), and the alerts a webhook receiver gets, a webhook that is down delaying nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final LocalDate D = LocalDate.of(2026, 11, 20);
    /** Store ids no other test uses: a stray connection from another build to this server's port finds nothing of theirs. */
    static final List<String> STORES = List.of("tienda_71", "tienda_72");
    static final String CONTEXT_MBEAN = "org.apache.camel:context=fluxion,type=context,name=\"fluxion\"";

    @TempDir
    static Path tmp;
    static StoreServer stores;
    static TcpProxy storeProxy;
    static EcsTestServer ecs;
    static TcpProxy ecsProxy;
    static EcsClient client;
    static HttpReceiver webhook;
    static HttpReceiver klkBackend;
    static MutableClock clock;
    static GateSleeper sleeper;
    static HttpApp app;
    static Path data;
    static Path duckDir;
    static final Map<String, StoreServer.Totals> SOURCE = new java.util.concurrent.ConcurrentHashMap<>();
    static final List<java.sql.Connection> OPEN = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stores = StoreServer.start(tmp.resolve("stores"));
        for (String id : STORES) {
            stores.createStore(id, false, D, D);
            SOURCE.put(id, stores.totals(id, D));
            // one connection held for the whole test: the H2 database is not closed and reopened with every
            // chunk's short connection (twice a source read back empty mid-run under a loaded machine)
            OPEN.add(java.sql.DriverManager.getConnection(stores.url(id), "sa", ""));
        }
        storeProxy = new TcpProxy(stores.port());
        ecs = EcsTestServer.start("fluxion-cluster", "fluxion-backend", 1);
        ecsProxy = new TcpProxy(Integer.parseInt(ecs.endpoint().substring(ecs.endpoint().lastIndexOf(':') + 1)));
        client = EcsClient.builder().endpointOverride(URI.create("http://127.0.0.1:" + ecsProxy.port()))
                .region(Region.of(EcsTestServer.REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", "test-secret")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
        webhook = HttpReceiver.start();
        // the KLK backend answers its health GET, and fails every sync POST
        klkBackend = HttpReceiver.start().postStatus(500);
        data = tmp.resolve("data");
        duckDir = Files.createDirectories(tmp.resolve("duck"));

        Map<String, String> p = Apps.base(data);
        // the alerts about a run that keeps the backend down (too long, not back by the window end): stop-first
        p.put("fluxion.window.strategy", "stop-first");
        p.putAll(stores.storeProperties(STORES, "tienda_72", storeProxy.port()));
        p.putAll(ecs.properties());
        p.put("fluxion.backend.ecs.endpoint", "http://127.0.0.1:" + ecsProxy.port());
        p.put("fluxion.backend.stop-timeout", "10s");
        p.put("fluxion.backend.start-timeout", "2s");
        p.put("fluxion.duckdb.path", duckDir.resolve("fluxion.duckdb").toString());
        // no wall-clock trigger (window, KLK) may fire during the test: the test runs everything itself
        p.put("camel.component.quartz.autoStartScheduler", "false");
        p.put("fluxion.etl.chunk-size", "300");
        p.put("fluxion.etl.redeliveries", "0");
        p.put("fluxion.etl.max-attempts", "1");
        p.put("fluxion.klk.mode", "backend");
        p.put("fluxion.klk.backend-url", klkBackend.url(""));
        p.put("fluxion.klk.retries", "0");
        p.put("fluxion.alerts.webhook-url", webhook.url("/services/T000/B000/s3cr3t-webhook-token"));
        p.put("fluxion.alerts.webhook-retries", "1");
        p.put("fluxion.alerts.webhook-timeout", "3s");
        p.put("fluxion.alerts.max-duration", "30m");
        p.put("fluxion.alerts.check-interval", "100ms");
        p.put("fluxion.monitoring.probe-max-age", "1ms");
        p.put("fluxion.monitoring.probe-timeout", "3s");
        // 10:00 in Caracas on the day after D, outside the window hours (01:00-06:00); ticks with real time
        clock = MutableClock.caracas(2026, 11, 21, 10, 0).ticking();
        sleeper = new GateSleeper(clock);
        Map<String, Object> beans = new HashMap<>();
        beans.put(FluxionConfiguration.CLOCK, clock);
        beans.put(FluxionConfiguration.SLEEPER, sleeper);
        beans.put("ecsClient", client);
        app = HttpApp.start(p, beans);
    }

    @AfterAll
    static void stop() throws Exception {
        if (sleeper != null) {
            sleeper.open();
        }
        if (app != null) {
            app.close();
        }
        client.close();
        ecsProxy.close();
        ecs.close();
        storeProxy.close();
        for (java.sql.Connection c : OPEN) {
            c.close();
        }
        stores.close();
        webhook.close();
        klkBackend.close();
    }

    static RunSummary window() {
        Map<String, Object> h = new HashMap<>();
        h.put(WindowService.KIND, "manual");
        h.put(WindowService.REQUESTED_BY, "MonitoringHttpTest");
        h.put(WindowService.DATES, List.of(D));
        return app.context().createProducerTemplate().requestBodyAndHeaders("direct:window", null, h, RunSummary.class);
    }

    static JsonNode jolokia(String path) {
        HttpApp.Resp r = app.management("/observe/jolokia" + path);
        assertThat(r.json()).as(r.text()).isNotNull();
        return r.json();
    }

    static JsonNode jolokiaPost(String json) {
        HttpApp.Resp r = app.managementPost("/observe/jolokia", json);
        assertThat(r.json()).as(r.text()).isNotNull();
        return r.json();
    }

    static JsonNode health(String path, int expectedStatus) {
        HttpApp.Resp r = app.management("/observe/health" + path);
        assertThat(r.status()).as(r.text()).isEqualTo(expectedStatus);
        return r.json();
    }

    static JsonNode check(JsonNode health, String name) {
        for (JsonNode c : health.path("checks")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    static Prometheus metrics() {
        HttpApp.Resp r = app.management("/observe/metrics");
        assertThat(r.status()).isEqualTo(200);
        return Prometheus.parse(r.text());
    }

    static java.net.InetAddress nonLoopbackAddress() throws java.net.SocketException {
        for (java.net.NetworkInterface n : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (java.net.InetAddress a : java.util.Collections.list(n.getInetAddresses())) {
                if (!a.isLoopbackAddress() && a instanceof java.net.Inet4Address) {
                    return a;
                }
            }
        }
        return null;
    }

    // ---- Hawtio's Jolokia requests ------------------------------------------------------------------

    @Test
    @Order(1)
    void hawtiosCamelPluginRequestsAnswerWithThisProductsRoutes() throws Exception {
        assertThat(app.managementPort()).isNotEqualTo(app.port());
        assertThat(app.management("/maintenance-status").status()).as("the API is not on the management port").isEqualTo(404);
        assertThat(app.get("/observe/jolokia/version").status()).as("Jolokia is not on the API port").isEqualTo(404);
        // bound to loopback only (camel.management.host = 127.0.0.1): another address of this machine is refused
        java.net.InetAddress other = nonLoopbackAddress();
        if (other != null) {
            assertThatThrownBy(() -> new java.net.Socket(other, app.managementPort()).close())
                    .as("management port on " + other).isInstanceOf(java.net.ConnectException.class);
        }

        JsonNode version = jolokia("/version");
        assertThat(version.path("status").asInt()).isEqualTo(200);
        assertThat(version.path("value").path("agent").asText()).startsWith("2.");

        JsonNode search = jolokia("/search/org.apache.camel:type=routes,*");
        assertThat(search.path("status").asInt()).isEqualTo(200);
        assertThat(search.path("value").toString()).contains("name=\\\"nightly-window\\\"", "name=\\\"store-etl\\\"",
                "name=\\\"klk-sales\\\"", "name=\\\"alert-webhook\\\"");

        JsonNode read = jolokia("/read/org.apache.camel:context=*,type=routes,name=*/ExchangesCompleted");
        assertThat(read.path("status").asInt()).isEqualTo(200);
        assertThat(read.path("value").size()).isGreaterThanOrEqualTo(10);
        assertThat(read.path("value").toString()).contains("nightly-window", "window", "klk-inventory");

        JsonNode dump = jolokiaPost("{\"type\":\"exec\",\"mbean\":\"" + CONTEXT_MBEAN.replace("\"", "\\\"")
                + "\",\"operation\":\"dumpRoutesAsXml(boolean,boolean)\",\"arguments\":[true,true]}");
        assertThat(dump.path("status").asInt()).as(dump.toString()).isEqualTo(200);
        String xml = dump.path("value").asText();
        assertThat(xml).contains("<route", "id=\"nightly-window\"", "id=\"window\"", "id=\"store-etl\"",
                "id=\"klk-inventory\"", "ref=\"windowService\"");
        assertThat(xml).as("the webhook URL is a secret").doesNotContain("s3cr3t-webhook-token");

        JsonNode stats = jolokiaPost("{\"type\":\"exec\",\"mbean\":\"" + CONTEXT_MBEAN.replace("\"", "\\\"")
                + "\",\"operation\":\"dumpRoutesStatsAsXml(boolean,boolean)\",\"arguments\":[true,true]}");
        assertThat(stats.path("status").asInt()).as(stats.toString()).isEqualTo(200);
        assertThat(stats.path("value").asText()).contains("nightly-window");
    }

    @Test
    @Order(2)
    void writesAndOtherOperationsAreRefused() {
        String route = "org.apache.camel:context=fluxion,type=routes,name=\\\"nightly-window\\\"";
        JsonNode write = jolokiaPost("{\"type\":\"write\",\"mbean\":\"" + route
                + "\",\"attribute\":\"Tracing\",\"value\":true}");
        assertThat(write.path("status").asInt()).as(write.toString()).isEqualTo(403);
        JsonNode stop = jolokiaPost("{\"type\":\"exec\",\"mbean\":\"" + route + "\",\"operation\":\"stop()\"}");
        assertThat(stop.path("status").asInt()).as(stop.toString()).isEqualTo(403);
        JsonNode gc = jolokiaPost("{\"type\":\"exec\",\"mbean\":\"java.lang:type=Memory\",\"operation\":\"gc()\"}");
        assertThat(gc.path("status").asInt()).as(gc.toString()).isEqualTo(403);
        JsonNode props = jolokia("/read/java.lang:type=Runtime/SystemProperties");
        assertThat(props.path("status").asInt()).as("-D options may hold secrets").isEqualTo(403);
        // nothing changed: the route still runs, untraced
        assertThat(app.context().getRouteController().getRouteStatus("nightly-window").isStarted()).isTrue();
        JsonNode tracing = jolokia("/read/" + route.replace("\\\"", "%22") + "/Tracing");
        assertThat(tracing.path("value").asBoolean()).as(tracing.toString()).isFalse();
    }

    // ---- health ---------------------------------------------------------------------------------------

    @Test
    @Order(3)
    void healthNamesEachCheckAndIsUp() {
        JsonNode h = health("", 200);
        assertThat(h.path("status").asText()).isEqualTo("UP");
        for (String name : List.of("ledger", "data-dir", "duckdb-folder", "backend-ecs", "klk-backend", "store-sources")) {
            assertThat(check(h, name).path("status").asText()).as(name).isEqualTo("UP");
        }
        assertThat(check(h, "backend-ecs").path("message").asText()).contains("desired 1, running 1");
        // one instance: it leads (SPEC 2.8), in the health details and as a metric
        JsonNode cluster = check(h, "cluster");
        assertThat(cluster.path("status").asText()).isEqualTo("UP");
        assertThat(cluster.path("message").asText()).startsWith("one instance (fluxion.cluster.enabled=false): node ")
                .endsWith(" leads");
        assertThat(metrics().find("fluxion_cluster_leader")).singleElement()
                .satisfies(sample -> assertThat(sample.value()).isEqualTo(1.0));
        assertThat(health("/ready", 200).path("status").asText()).isEqualTo("UP");
        assertThat(health("/live", 200).path("status").asText()).isEqualTo("UP");
    }

    @Test
    @Order(4)
    void aStoreThatCannotBeReachedIsReportedWithoutMakingTheAppUnready() {
        storeProxy.refuse(true);
        try {
            JsonNode h = health("", 200);
            assertThat(h.path("status").asText()).isEqualTo("UP");
            JsonNode stores = check(h, "store-sources");
            assertThat(stores.path("status").asText()).isEqualTo("UNKNOWN");
            assertThat(stores.path("message").asText()).contains("1 of 2 store sources unreachable: tienda_72");
            JsonNode ready = health("/ready", 200);
            assertThat(ready.toString()).doesNotContain("store-sources");
        } finally {
            storeProxy.refuse(false);
        }
        assertThat(check(health("", 200), "store-sources").path("status").asText()).isEqualTo("UP");
    }

    @Test
    @Order(5)
    void anUnwritableDataDirIsDownByNameThenUpAgain() throws Exception {
        // as root permissions do not stop a write: the data dir is moved away and a file takes its place
        Path away = tmp.resolve("data-away");
        Files.move(data, away);
        Files.writeString(data, "not a directory");
        try {
            JsonNode h = health("", 503);
            assertThat(h.path("status").asText()).isEqualTo("DOWN");
            assertThat(check(h, "data-dir").path("status").asText()).isEqualTo("DOWN");
            // (Camel's health answer escapes '/' as '\\/')
            assertThat(check(h, "data-dir").path("message").asText().replace("\\/", "/")).contains("not writable")
                    .contains(data.toString());
            assertThat(health("/ready", 503).toString()).contains("data-dir");
        } finally {
            Files.delete(data);
            Files.move(away, data);
        }
        assertThat(health("", 200).path("status").asText()).isEqualTo("UP");

        Path duckAway = tmp.resolve("duck-away");
        Files.move(duckDir, duckAway);
        try {
            JsonNode h = health("", 503);
            assertThat(check(h, "duckdb-folder").path("status").asText()).isEqualTo("DOWN");
            assertThat(check(h, "duckdb-folder").path("message").asText()).contains("does not exist");
        } finally {
            Files.move(duckAway, duckDir);
        }
        assertThat(health("", 200).path("status").asText()).isEqualTo("UP");
    }

    @Test
    @Order(6)
    void ecsThatStopsAnsweringIsDownByNameThenUpAgain() {
        ecsProxy.refuse(true);
        ecsProxy.cutAll();
        long asked = ecs.describeCalls();
        try {
            // the check reads the backend state the status uses, cached 5 s: past that, ECS is asked again
            clock.advance(Duration.ofSeconds(6));
            JsonNode h = health("/ready", 503);
            JsonNode c = check(h, "backend-ecs");
            assertThat(c.path("status").asText()).isEqualTo("DOWN");
            assertThat(c.path("message").asText()).contains("ECS did not answer DescribeServices")
                    .doesNotContain("test-secret");
        } finally {
            ecsProxy.refuse(false);
        }
        clock.advance(Duration.ofSeconds(6));
        assertThat(check(health("", 200), "backend-ecs").path("status").asText()).isEqualTo("UP");
        // health probes within the cache period share one DescribeServices
        long before = ecs.describeCalls();
        for (int i = 0; i < 5; i++) {
            assertThat(check(health("", 200), "backend-ecs").path("status").asText()).isEqualTo("UP");
        }
        assertThat(ecs.describeCalls()).as("asked before the cut: " + asked).isEqualTo(before);
    }

    @Test
    @Order(6)
    void theSchedulerStatusShowsEcssRealStateAndUnknownWhenItDoesNotAnswer() {
        clock.advance(Duration.ofSeconds(6));
        JsonNode b = app.get("/api/etl/scheduler/status").json().path("backend");
        assertThat(b.path("mode").asText()).isEqualTo("ecs");
        assertThat(b.path("service").asText()).isEqualTo("fluxion-backend");
        assertThat(b.path("desired_count").asInt()).isEqualTo(ecs.desired());
        assertThat(b.path("running_count").asInt()).isEqualTo(ecs.running());
        assertThat(b.path("pending_count").isInt()).as(b.toString()).isTrue();
        assertThat(b.path("rollout_state").asText()).isIn("COMPLETED", "IN_PROGRESS");
        assertThat(b.path("state").asText()).isIn("running", "starting", "stopping", "stopped", "deploying");
        // the page polls every few seconds: within the cache's 5 s ECS is asked once
        long calls = ecs.describeCalls();
        for (int i = 0; i < 5; i++) {
            assertThat(app.get("/api/etl/scheduler/status").status()).isEqualTo(200);
        }
        assertThat(ecs.describeCalls()).isEqualTo(calls);

        // ECS accepts the connection and never answers: the status still answers, within the state's call timeout
        ecsProxy.stallAfterRequestBytes(0);
        try {
            clock.advance(Duration.ofSeconds(6));
            long t0 = System.nanoTime();
            HttpApp.Resp r = app.get("/api/etl/scheduler/status");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.status()).isEqualTo(200);
            assertThat(ms).isLessThan(EcsBackendControl.STATE_CALL_TIMEOUT.toMillis() + 3000);
            JsonNode unknown = r.json().path("backend");
            assertThat(unknown.path("state").asText()).as(unknown.toString()).isEqualTo("unknown");
            assertThat(unknown.path("detail").asText()).contains("ECS did not answer DescribeServices")
                    .doesNotContain("test-secret");
            assertThat(unknown.path("running_count").isNull()).isTrue();
        } finally {
            ecsProxy.stallAfterRequestBytes(-1);
            ecsProxy.cutAll();
        }
        clock.advance(Duration.ofSeconds(6));
        assertThat(app.get("/api/etl/scheduler/status").json().path("backend").path("state").asText()).isNotEqualTo("unknown");
    }

    // ---- metrics --------------------------------------------------------------------------------------

    @Test
    @Order(7)
    void afterAWindowTheMetricsHoldWhatDuckDbHolds() {
        for (String id : STORES) {
            assertThat(stores.totals(id, D)).as(id + " source before the window (default zone "
                    + java.util.TimeZone.getDefault().getID() + ")").isEqualTo(SOURCE.get(id));
        }
        RunSummary s = window();
        assertThat(s.succeeded()).as(s.toText()).isTrue();

        Prometheus m = metrics();
        DuckDbFile duck = new DuckDbFile(duckDir.resolve("fluxion.duckdb"));
        for (String id : STORES) {
            long rows = duck.totals(id, D).rows();
            assertThat(rows).as(id + " in DuckDB and in its source (default zone " + java.util.TimeZone.getDefault().getID()
                    + ", source now " + stores.totals(id, D) + ")").isPositive().isEqualTo(SOURCE.get(id).rows());
            assertThat(m.value("fluxion_rows_loaded_total", "store", id)).as(id).isEqualTo((double) rows);
            assertThat(m.value("fluxion_store_loads_total", "store", id, "outcome", "succeeded")).isEqualTo(1.0);
            assertThat(m.value("fluxion_store_loads_total", "store", id, "outcome", "failed")).isZero();
            assertThat(m.value("fluxion_store_days_behind", "store", id)).isZero();
        }
        assertThat(m.value("fluxion_window_runs_total", "kind", "manual", "outcome", "succeeded")).isEqualTo(1.0);
        RunRecord run = app.ledger().run(s.runId()).orElseThrow();
        double downtime = Duration.between(run.backendStoppedAt(), run.backendStartedAt()).toMillis() / 1000.0;
        assertThat(downtime).isPositive();
        assertThat(m.value("fluxion_backend_downtime_seconds")).isEqualTo(downtime);
        assertThat(m.value("fluxion_window_duration_seconds")).isEqualTo(s.duration().toMillis() / 1000.0);
        assertThat(m.value("fluxion_last_completed_business_date_seconds"))
                .isEqualTo((double) D.atStartOfDay(java.time.ZoneId.of("America/Caracas")).toEpochSecond());
        // Camel's own route metrics are there too
        assertThat(m.find("camel_exchanges_total", "routeId", "window")).isNotEmpty();
        assertThat(webhook.requests()).as("a successful run raises no alert").isEmpty();
    }

    // ---- alerts ---------------------------------------------------------------------------------------

    @Test
    @Order(8)
    void aFailedWindowWhoseBackendDoesNotComeBackAlertsTheWebhookTwice() throws Exception {
        storeProxy.refuse(true);
        ecs.neverComeBack(true);
        RunSummary s;
        try {
            s = window();
        } finally {
            storeProxy.refuse(false);
            ecs.neverComeBack(false);
        }
        assertThat(s.status()).isEqualTo("FAILED");

        HttpReceiver.Request failed = webhook.await("window-failed", Duration.ofSeconds(10),
                r -> r.body().contains("FAILED") && r.body().contains("#" + s.runId()));
        assertThat(failed.method()).isEqualTo("POST");
        assertThat(failed.contentType()).startsWith("application/json");
        JsonNode body = JSON.readTree(failed.body());
        assertThat(body.size()).as("Slack-compatible {\"text\": ...}").isEqualTo(1);
        assertThat(body.path("text").asText()).contains("tienda_72").contains("1 of 2 store loads failed");
        HttpReceiver.Request notBack = webhook.await("backend-not-back", Duration.ofSeconds(10),
                r -> r.body().contains("NOT running again"));
        assertThat(JSON.readTree(notBack.body()).path("text").asText()).contains("#" + s.runId());

        List<AlertRecord> alerts = app.bean("alerts", Alerts.class).recent(10);
        assertThat(alerts).extracting(AlertRecord::kind).contains(Alerts.WINDOW_FAILED, Alerts.BACKEND_NOT_BACK);
        Services.await("both alerts SENT in the ledger", Duration.ofSeconds(10), () -> app.bean("alerts", Alerts.class)
                .recent(10).stream().filter(a -> a.runId() != null && a.runId() == s.runId())
                .allMatch(a -> "SENT".equals(a.webhookStatus())));
        for (HttpReceiver.Request r : webhook.requests()) {
            assertThat(r.body()).doesNotContain("s3cr3t-webhook-token").doesNotContain("test-secret");
        }

        Prometheus m = metrics();
        assertThat(m.value("fluxion_store_loads_total", "store", "tienda_72", "outcome", "failed")).isEqualTo(1.0);
        assertThat(m.value("fluxion_store_loads_total", "store", "tienda_71", "outcome", "succeeded")).isEqualTo(2.0);
        assertThat(m.value("fluxion_window_runs_total", "kind", "manual", "outcome", "failed")).isEqualTo(1.0);
        // the backend never came back: downtime runs until the end of that run
        RunRecord run = app.ledger().run(s.runId()).orElseThrow();
        assertThat(run.backendState()).isEqualTo("START_FAILED");
        assertThat(m.value("fluxion_backend_downtime_seconds")).isEqualTo(s.downtime().toMillis() / 1000.0);
    }

    @Test
    @Order(9)
    void aRunLongerThanTheMaximumAndABackendNotBackByTheWindowEndAreAlertedWhileItRuns() throws Exception {
        webhook.clear();
        app.ledger().setting(SavedSettings.MAX_ATTEMPTS, "2", clock.instant());
        sleeper.close();
        storeProxy.refuse(true);
        CompletableFuture<RunSummary> run = CompletableFuture.supplyAsync(MonitoringHttpTest::window);
        try {
            Services.await("the run waits for its retry", Duration.ofSeconds(30), () -> sleeper.waiting() == 1);
            long id = app.window().current().orElseThrow().getId();
            clock.advance(Duration.ofMinutes(31));
            HttpReceiver.Request r = webhook.await("max-duration", Duration.ofSeconds(10),
                    x -> x.body().contains("more than fluxion.alerts.max-duration"));
            assertThat(JSON.readTree(r.body()).path("text").asText()).contains("#" + id).contains("has been running for 31m");
            assertThat(run).as("the alert came while the run still runs").isNotDone();
            // still stuck past the next window end (06:00 Caracas) with the backend stopped
            clock.advance(Duration.ofHours(20));
            HttpReceiver.Request notBack = webhook.await("backend not back by the window end", Duration.ofSeconds(10),
                    x -> x.body().contains("the backend is still not running"));
            assertThat(JSON.readTree(notBack.body()).path("text").asText()).contains("#" + id)
                    .contains("the window ended at 06:00 America/Caracas");
        } finally {
            storeProxy.refuse(false);
            sleeper.open();
        }
        RunSummary s = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
        // 20 h later its ETL maximum (4 h) had passed: no retry, the store failed, the backend was started
        assertThat(s.status()).as(s.toText()).isEqualTo("FAILED");
        assertThat(app.ledger().run(s.runId()).orElseThrow().backendState()).isEqualTo("STARTED");
        app.ledger().setting(SavedSettings.MAX_ATTEMPTS, "1", clock.instant());
        HttpApp.sleep(300);
        assertThat(webhook.requests()).as("raised once per run, not again at its end")
                .filteredOn(x -> x.body().contains("max-duration")).hasSize(1);
        assertThat(webhook.requests()).filteredOn(x -> x.body().contains("still not running")).hasSize(1);
    }

    @Test
    @Order(10)
    void klkFailuresInARowAreAlertedAtTheThird() throws Exception {
        webhook.clear();
        var template = app.context().createProducerTemplate();
        for (int i = 1; i <= 3; i++) {
            Map<?, ?> r = template.requestBody("direct:klk-sales", null, Map.class);
            assertThat(r.get("status")).isEqualTo("FAILED");
            if (i < 3) {
                HttpApp.sleep(300);
                assertThat(webhook.requests()).as("after " + i + " failures").isEmpty();
            }
        }
        HttpReceiver.Request r = webhook.await("klk-failures", Duration.ofSeconds(10),
                x -> x.body().contains("KLK route klk-sales: 3 runs in a row failed"));
        assertThat(r.body()).contains("HTTP 500").doesNotContain("s3cr3t-webhook-token");
        assertThat(metrics().value("fluxion_klk_runs_total", "route", "klk-sales", "outcome", "failed")).isEqualTo(3.0);
    }

    @Test
    @Order(11)
    void aWebhookThatIsDownDelaysNothing() throws Exception {
        // baseline: a failing window whose alert the webhook takes at once
        storeProxy.refuse(true);
        long t0 = System.nanoTime();
        RunSummary up = window();
        long withWebhookUp = System.nanoTime() - t0;
        assertThat(up.status()).isEqualTo("FAILED");

        // the same run with a webhook that accepts connections and never answers (timeout 3 s, 1 retry)
        webhook.hang(true);
        RunSummary down;
        long withWebhookDown;
        try {
            t0 = System.nanoTime();
            down = window();
            withWebhookDown = System.nanoTime() - t0;
        } finally {
            storeProxy.refuse(false);
        }
        assertThat(down.status()).isEqualTo("FAILED");
        AlertRecord alert = app.bean("alerts", Alerts.class).recent(5).stream()
                .filter(a -> a.runId() != null && a.runId() == down.runId()).findFirst().orElseThrow();
        assertThat(alert.webhookStatus()).as("the run ended before the webhook was even tried out").isEqualTo("PENDING");
        System.out.printf("[measure] failing window: %d ms with the webhook up, %d ms with it hanging"
                + " (a blocking post would add >= 7000 ms: 3 s timeout, 1 s backoff, 3 s timeout)%n",
                withWebhookUp / 1_000_000, withWebhookDown / 1_000_000);
        assertThat(Duration.ofNanos(withWebhookDown)).isLessThan(Duration.ofNanos(withWebhookUp).plusMillis(3000));
        Services.await("the alert marked FAILED after its retry", Duration.ofSeconds(20), () -> app.bean("monitoringLedger",
                MonitoringLedger.class).alert(alert.id()).map(a -> "FAILED".equals(a.webhookStatus())).orElse(false));
        AlertRecord failed = app.bean("monitoringLedger", MonitoringLedger.class).alert(alert.id()).orElseThrow();
        assertThat(failed.webhookAttempts()).isEqualTo(2);
        assertThat(failed.webhookError()).doesNotContain("s3cr3t-webhook-token").doesNotContain("127.0.0.1");
        webhook.hang(false);
    }
    @Test
    @Order(12)
    void aStoreMoreThanTheLimitBehindIsAlertedOnceAndMeasured() throws Exception {
        webhook.clear();
        // nine days later nothing more was loaded: each store's last date is D (run 4 reloaded it)
        clock.advance(Duration.ofDays(9));
        LocalDate yesterday = clock.instant().atZone(java.time.ZoneId.of("America/Caracas")).toLocalDate().minusDays(1);
        long behind = java.time.temporal.ChronoUnit.DAYS.between(D, yesterday);
        assertThat(behind).isGreaterThan(7);
        for (String id : STORES) {
            HttpReceiver.Request r = webhook.await("days-behind " + id, Duration.ofSeconds(10),
                    x -> x.body().contains("Store " + id + " (") && x.body().contains("is " + behind + " days behind"));
            assertThat(JSON.readTree(r.body()).path("text").asText()).contains("last loaded business date " + D)
                    .contains("fluxion.alerts.days-behind 7");
        }
        Services.await("metrics refreshed", Duration.ofSeconds(10),
                () -> metrics().value("fluxion_store_days_behind", "store", "tienda_71") == behind);
        assertThat(metrics().value("fluxion_store_days_behind", "store", "tienda_72")).isEqualTo((double) behind);
        HttpApp.sleep(500);
        assertThat(webhook.requests()).as("once per store and business date, not at every check")
                .filteredOn(x -> x.body().contains("days behind")).hasSize(2);
    }
}
