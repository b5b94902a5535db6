package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.fluxion.orchestrator.ledger.LeaderRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.testing.DuckDbFile;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.JarProcess;
import io.fluxion.orchestrator.testing.LedgerDatabases;
import io.fluxion.orchestrator.testing.PostgresServer;
import io.fluxion.orchestrator.testing.StoreServer;
import io.fluxion.orchestrator.testing.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances, one leader (SPEC 2.8, issue 18), with the packaged jar: two JVMs on one lock folder, one PostgreSQL
 * ledger, one DuckDB file, each with its own data dir, against the ECS-protocol test server and two H2 TCP stores.
 */
class ClusterFailoverJarIT {
    static final List<String> STORES = List.of("tienda_01", "tienda_02");
    static final String TOKEN = "cluster-test-token-0123456789abcdef";
    /** The cluster's timing in these tests: a heartbeat every second, a leader stale after 3 s. */
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final int MULTIPLIER = 3;

    @TempDir
    Path work;
    StoreServer stores;
    TcpProxy slowStore;
    EcsTestServer ecs;
    LedgerDatabases.Database ledgerDb;
    ZoneOffset zone;
    LocalDate d;
    final List<JarProcess> processes = new ArrayList<>();
    final Map<String, StoreServer.Totals> source = new LinkedHashMap<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final ObjectMapper json = new ObjectMapper();
    /** The window properties {@link #startPair} gave the two instances. */
    Map<String, String> pairWindow;

    @BeforeEach
    void setUp() throws Exception {
        ledgerDb = PostgresServer.newDatabase(); // skips (with the reason) where no PostgreSQL can run
        zone = JarProcess.noonZone();
        d = ZonedDateTime.now(zone).toLocalDate().minusDays(1);
        stores = StoreServer.start(work.resolve("stores"));
        for (String id : STORES) {
            stores.createStore(id, false, d, d);
            source.put(id, stores.totals(id, d));
            assertThat(source.get(id).rows()).isPositive();
        }
        slowStore = new TcpProxy(stores.port());
        ecs = EcsTestServer.start("fluxion-cluster", "fluxion-backend", 1);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (JarProcess p : processes) {
            p.close();
        }
        ecs.close();
        slowStore.close();
        stores.close();
    }

    record Node(String name, int port, int managementPort, JarProcess jar) {
    }

    /**
     * One pair of JVMs for the whole story (each start costs seconds): the scheduled window is disabled so that the
     * only run is the operators' (no catch-up at the leader's start), inside the window hours so that the new leader
     * resumes it.
     */
    @Test
    void oneOrderFromTwoTriggersThenTheLeaderKilledMidWindowIsReplacedAndTheWindowFinished() throws Exception {
        slowStore.slow(Duration.ofMillis(150)); // tienda_02 takes a few seconds: the kill lands in the middle
        List<Node> pair = startPair("stop-first");
        Node a = pair.get(0);
        Node b = pair.get(1);
        assertThat(gained(a) ^ gained(b)).as("exactly one leads").isTrue();

        // two orders at once, one to each instance: one run, on the leader; the follower names it
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (Node n : List.of(a, b)) {
            answers.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    return post(n.port(), "/api/etl/scheduler/trigger");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        go.countDown();
        List<Integer> codes = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : answers) {
            codes.add(f.get().statusCode());
        }
        assertThat(codes).as(answers.get(0).get().body() + " / " + answers.get(1).get().body())
                .containsExactlyInAnyOrder(202, 503);
        Node leader = codes.get(0) == 202 ? a : b;
        Node survivor = leader == a ? b : a;
        assertThat(gained(leader)).isTrue();
        HttpResponse<String> refused = answers.get(leader == a ? 1 : 0).get();
        assertThat(json.readTree(refused.body()).path("leader_node").asText()).as(refused.body()).isEqualTo(leader.name());
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        long runId = json.readTree(answers.get(leader == a ? 0 : 1).get().body()).path("run_id").asLong();

        // a poller on the survivor's /maintenance-status, from before the kill to the end
        AtomicBoolean polling = new AtomicBoolean(true);
        AtomicInteger polls = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Thread poller = new Thread(() -> {
            while (polling.get()) {
                int code = get(survivor.port(), "/maintenance-status");
                polls.incrementAndGet();
                if (code != 200) {
                    failures.add("HTTP " + code + " at " + java.time.Instant.now());
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        poller.start();

        // while the leader runs the window: the follower answers the same from the ledger and says who leads
        leader.jar().await("tienda_02 half pulled", 120, () -> leader.jar().output()
                .matches("(?s).*Store tienda_02 " + d + ": [0-9]+ rows \\(.*"));
        JsonNode followerStatus = getJson(survivor.port(), "/api/etl/scheduler/status");
        assertThat(followerStatus.path("cluster").path("node").asText()).isEqualTo(survivor.name());
        assertThat(followerStatus.path("cluster").path("leader").asBoolean()).isFalse();
        assertThat(followerStatus.path("cluster").path("leader_node").asText()).isEqualTo(leader.name());
        assertThat(followerStatus.path("is_running").asBoolean()).as("the leader's run, from the ledger").isTrue();
        // and the run itself, from the ledger: its stores, and where it is (stop-first: the backend is down mid-pull)
        JsonNode followerRun = followerStatus.path("current_run");
        assertThat(followerRun.path("run_id").asLong()).as(followerStatus.toString()).isEqualTo(runId);
        assertThat(followerRun.path("phase").asText()).isEqualTo("etl");
        assertThat(followerRun.path("backend_down").asBoolean()).isTrue();
        assertThat(followerRun.path("stores")).hasSize(STORES.size());
        assertThat(followerRun.path("stores").findValuesAsText("store_id")).containsExactlyInAnyOrderElementsOf(STORES);
        JsonNode followerMaintenance = getJson(survivor.port(), "/maintenance-status");
        assertThat(followerMaintenance.path("is_maintenance").asBoolean()).isTrue();
        assertThat(followerMaintenance.path("phase").asText()).isEqualTo("running");
        assertThat(followerMaintenance.path("progress").path("run_id").asLong()).isEqualTo(runId);
        JsonNode leaderStatus = getJson(leader.port(), "/api/etl/scheduler/status");
        assertThat(leaderStatus.path("cluster").path("leader").asBoolean()).isTrue();
        assertThat(leaderStatus.path("is_running").asBoolean()).isTrue();
        assertThat(survivor.jar().output()).doesNotContain("Start-up recovery:").doesNotContain("Window run #");
        // leadership in the metrics and the health checks of both
        assertThat(body(leader.managementPort(), "/observe/metrics"))
                .containsPattern("fluxion_cluster_leader\\{node=\"" + leader.name() + "\",?} 1\\.0");
        assertThat(body(survivor.managementPort(), "/observe/metrics"))
                .containsPattern("fluxion_cluster_leader\\{node=\"" + survivor.name() + "\",?} 0\\.0");
        assertThat(body(survivor.managementPort(), "/observe/health"))
                .contains("node " + survivor.name() + " follows in 'fluxion'; the leader is " + leader.name());
        // a window start saved through the follower moves the leader's Quartz trigger (route cluster-settings)
        assertThat(leader.jar().output()).doesNotContain("Nightly window trigger moved");
        int hour = Integer.parseInt(pairWindow.get("fluxion.window.start").substring(0, 2));
        HttpRequest put = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + survivor.port()
                        + "/api/etl/scheduler/config")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"hour\": " + hour + ", \"minute\": 30}")).build();
        HttpResponse<String> saved = http.send(put, HttpResponse.BodyHandlers.ofString());
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        leader.jar().awaitOutput("Nightly window trigger moved to " + String.format("%02d:30", hour), 30);

        // kill -9 of the leader in the middle of tienda_02
        leader.jar().kill();
        long killedAt = System.nanoTime();
        slowStore.slow(Duration.ZERO);
        assertThat(ecs.desired()).as("the dead leader left the backend scaled down").isZero();
        survivor.jar().await("the survivor's leadership", 60, () -> gained(survivor));
        Duration failover = Duration.ofNanos(System.nanoTime() - killedAt);
        // a follower takes over once the heartbeat is MULTIPLIER intervals old, looking every interval
        Duration bound = INTERVAL.multipliedBy(MULTIPLIER + 2L);
        assertThat(failover).as("failover within the configured interval").isLessThan(bound.plusSeconds(3));
        survivor.jar().await("the recovery", 120, () -> survivor.jar().output().contains("(recovery) SUCCEEDED"));
        survivor.jar().await("the backend running", 120, () -> ecs.desired() == 1 && ecs.running() == 1);
        Thread.sleep(500); // a few more polls after the end
        polling.set(false);
        poller.join(5000);
        JsonNode after = getJson(survivor.port(), "/api/etl/scheduler/status");
        assertThat(after.path("cluster").path("leader").asBoolean()).isTrue();
        assertThat(after.path("cluster").path("leader_node").asText()).isEqualTo(survivor.name());
        survivor.jar().terminate();
        assertThat(survivor.jar().waitFor(60)).isTrue();

        assertThat(failures).as("failed polls of the survivor's /maintenance-status (of " + polls.get() + ")").isEmpty();
        assertThat(polls.get()).isGreaterThan(10);
        assertEveryStoreLoadedOnce(leader, survivor);
        try (HikariDataSource ds = LedgerDatabases.open(ledgerDb)) {
            Ledger ledger = new Ledger(ds);
            List<RunRecord> runs = ledger.recentRuns(20);
            assertThat(runs).as("the order's run and the recovery, nothing else").hasSize(2);
            RunRecord killed = ledger.run(runId).orElseThrow();
            assertThat(killed.kind()).isEqualTo("manual");
            assertThat(killed.status()).isEqualTo("FAILED");
            assertThat(killed.reason()).startsWith("interrupted: the process stopped during the run");
            RunRecord recovery = runs.stream().filter(r -> r.kind().equals("recovery")).findFirst().orElseThrow();
            assertThat(recovery.status()).isEqualTo("SUCCEEDED");
            assertThat(recovery.backendState()).isEqualTo("STARTED");
            assertThat(recovery.storeIds()).contains("tienda_02").doesNotContain("tienda_01");
            LeaderRecord l = ledger.leader("fluxion").orElseThrow();
            assertThat(l.node()).isEqualTo(survivor.name());
            assertThat(l.epoch()).isEqualTo(2);
        }
        System.out.println("ClusterFailoverJarIT: failover " + failover.toMillis() + " ms (bound " + bound.toMillis()
                + " ms), " + polls.get() + " polls of the survivor, none failed; ECS: " + ecs.sequence());
    }

    /**
     * A leader that can no longer write its heartbeat (here its {@code <namespace>.dat} is removed, as when the shared
     * storage loses it) loses the lock while its window runs: it aborts the run as on SIGTERM (store rolled back, the
     * backend's start requested) and exits 75 so that ECS starts it again as a follower; the other instance takes over
     * and its recovery finishes the window, every store loaded once.
     */
    @Test
    void aLeaderThatLosesItsHeartbeatMidWindowAbortsStartsTheBackendAndExits75() throws Exception {
        slowStore.slow(Duration.ofMillis(150));
        List<Node> pair = startPair("stop-first");
        Node leader = pair.get(0);
        Node survivor = pair.get(1);
        HttpResponse<String> accepted = post(leader.port(), "/api/etl/scheduler/trigger");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        long runId = json.readTree(accepted.body()).path("run_id").asLong();
        leader.jar().await("tienda_02 half pulled", 120, () -> leader.jar().output()
                .matches("(?s).*Store tienda_02 " + d + ": [0-9]+ rows \\(.*"));
        assertThat(ecs.desired()).as("stop-first: the backend is down mid-pull").isZero();

        // the rest of tienda_02 takes far longer than the leader needs to notice (a store finished before it notices
        // leaves the survivor nothing to load: once seen in a full run when the store was sped up here)
        slowStore.slow(Duration.ofMillis(400));
        java.nio.file.Files.delete(work.resolve("shared/cluster/fluxion.dat"));
        long lostAt = System.nanoTime();
        assertThat(leader.jar().waitFor(60)).as("the leader exits\n" + leader.jar().output()).isTrue();
        Duration exit = Duration.ofNanos(System.nanoTime() - lostAt);
        slowStore.slow(Duration.ZERO);
        assertThat(leader.jar().exitValue()).as(leader.jar().output()).isEqualTo(FluxionConfiguration.LOST_LEADERSHIP);
        assertThat(leader.jar().output())
                .contains("Cluster: node " + leader.name() + " LOST the leadership")
                .contains("the leadership was lost while window run #" + runId + " runs: aborting it and exiting (75)")
                .contains("Window run #" + runId + ": start requested (ecs");
        assertThat(ecs.calls().stream().filter(c -> "UpdateService".equals(c.action()))
                .map(EcsTestServer.Call::desiredCount).toList()).as(ecs.sequence()).containsSubsequence(0, 1);

        survivor.jar().await("the survivor's leadership", 60, () -> gained(survivor));
        survivor.jar().await("the recovery", 120, () -> survivor.jar().output().contains("(recovery) SUCCEEDED"));
        survivor.jar().await("the backend running", 120, () -> ecs.desired() == 1 && ecs.running() == 1);
        survivor.jar().terminate();
        assertThat(survivor.jar().waitFor(60)).isTrue();
        assertEveryStoreLoadedOnce(leader, survivor);
        try (HikariDataSource ds = LedgerDatabases.open(ledgerDb)) {
            Ledger ledger = new Ledger(ds);
            RunRecord lost = ledger.run(runId).orElseThrow();
            assertThat(lost.status()).as(lost.reason()).isEqualTo("FAILED");
            RunRecord recovery = ledger.recentRuns(20).stream().filter(r -> r.kind().equals("recovery")).findFirst()
                    .orElseThrow();
            assertThat(recovery.status()).isEqualTo("SUCCEEDED");
            assertThat(ledger.leader("fluxion").orElseThrow().node()).isEqualTo(survivor.name());
        }
        System.out.println("ClusterFailoverJarIT: the leader without its heartbeat exited 75 in " + exit.toMillis()
                + " ms; ECS: " + ecs.sequence());
    }

    /**
     * The default strategy with two instances: while the leader stages, the follower's {@code /maintenance-status} says
     * the backend serves (phase staging); while the leader's merge has it down, maintenance (phase merging); once it is
     * back, operational again. The follower reads all of it from the ledger.
     */
    @Test
    void aFollowerTellsTheFrontendWhenAStagedLeaderHasTheBackendDown() throws Exception {
        slowStore.slow(Duration.ofMillis(100));
        List<Node> pair = startPair("staged");
        Node leader = pair.get(0);
        Node follower = pair.get(1);
        ecs.neverDrain(true); // the merge stop holds until the test lets the tasks drain
        HttpResponse<String> accepted = post(leader.port(), "/api/etl/scheduler/trigger");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        long runId = json.readTree(accepted.body()).path("run_id").asLong();

        leader.jar().await("tienda_02 half staged", 120, () -> leader.jar().output()
                .matches("(?s).*Store tienda_02 " + d + ": [0-9]+ rows \\(.*"));
        JsonNode staging = getJson(follower.port(), "/maintenance-status");
        assertThat(ecs.briefs()).as("the backend still serves").doesNotContain("UpdateService(0)");
        assertThat(staging.path("is_maintenance").asBoolean()).as(staging.toString()).isFalse();
        assertThat(staging.path("phase").asText()).isEqualTo("staging");
        assertThat(staging.path("progress").path("run_id").asLong()).isEqualTo(runId);

        slowStore.slow(Duration.ZERO);
        follower.jar().await("the merge stop", 120, () -> ecs.briefs().contains("UpdateService(0)"));
        follower.jar().await("the follower's maintenance", 30, () -> {
            try {
                return getJson(follower.port(), "/maintenance-status").path("is_maintenance").asBoolean();
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode merging = getJson(follower.port(), "/maintenance-status");
        assertThat(merging.path("phase").asText()).as(merging.toString()).isEqualTo("merging");

        ecs.neverDrain(false);
        leader.jar().await("the run", 120, () -> leader.jar().output().contains("Window run #" + runId + " (manual) SUCCEEDED"));
        JsonNode after = getJson(follower.port(), "/maintenance-status");
        assertThat(after.path("is_maintenance").asBoolean()).as(after.toString()).isFalse();
        assertThat(after.path("phase").asText()).isNotIn("staging", "merging", "running");
        assertThat(ecs.desired()).isEqualTo(1);
        assertEveryStoreLoadedOnce(leader, follower);
    }

    /**
     * Two instances with that strategy, the scheduled window off (the only runs are the test's, no catch-up) inside
     * the window hours, both answering HTTP and the leader's start-up decision made: the leader first.
     */
    private List<Node> startPair(String strategy) throws Exception {
        Map<String, String> window = new HashMap<>(JarProcess.windowAroundNow(zone));
        pairWindow = window;
        window.put("fluxion.window.enabled", "false");
        window.put("fluxion.window.strategy", strategy);
        Node a = start("node-a", window);
        Node b = start("node-b", window);
        for (Node n : List.of(a, b)) {
            n.jar().await(n.name() + "'s HTTP API", 180, () -> get(n.port(), "/maintenance-status") == 200);
        }
        a.jar().await("a leader's start-up decision", 60, () -> a.jar().output().contains("Start-up recovery: ")
                || b.jar().output().contains("Start-up recovery: "));
        return gained(a) ? List.of(a, b) : List.of(b, a);
    }

    /** The shared DuckDB holds every store's day equal to its source, and nothing twice. */
    private void assertEveryStoreLoadedOnce(Node leader, Node other) {
        DuckDbFile duck = new DuckDbFile(work.resolve("shared/fluxion.duckdb"));
        for (String id : STORES) {
            assertThat(duck.totals(id, d)).as(id + "\n--- leader:\n" + leader.jar().output() + "\n--- other:\n"
                    + other.jar().output()).isEqualTo(source.get(id));
        }
        long expected = source.values().stream().mapToLong(StoreServer.Totals::rows).sum();
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).as("no duplicate").isEqualTo(expected);
    }

    private boolean gained(Node n) {
        return n.jar().output().contains("Cluster: node " + n.name() + " GAINED the leadership");
    }

    private Node start(String name, Map<String, String> window) throws Exception {
        int port = HttpApp.freePort();
        int management = HttpApp.freePort();
        Map<String, String> p = new LinkedHashMap<>(window);
        p.put("camel.management.port", String.valueOf(management));
        p.put("fluxion.data-dir", work.resolve(name).toString());
        p.put("fluxion.duckdb.path", work.resolve("shared/fluxion.duckdb").toString());
        p.put("fluxion.log-dir", work.resolve(name + "-logs").toString());
        // the failovers these tests tell are stop-first's (the leader dies with the backend stopped mid-pull; the
        // survivor restores it), unless the test names the strategy
        p.putIfAbsent("fluxion.window.strategy", "stop-first");
        p.put("fluxion.cluster.enabled", "true");
        p.put("fluxion.cluster.lock-dir", work.resolve("shared/cluster").toString());
        p.put("fluxion.cluster.node-id", name);
        p.put("fluxion.cluster.acquire-interval", INTERVAL.toMillis() + "ms");
        p.put("fluxion.cluster.heartbeat-multiplier", String.valueOf(MULTIPLIER));
        p.put("fluxion.cluster.acquire-delay", "500ms");
        p.put("camel.server.port", String.valueOf(port));
        p.put("fluxion.window.recovery-days", "0");
        p.put("fluxion.klk.enabled", "false");
        p.put("fluxion.etl.chunk-size", "200");
        p.put("fluxion.etl.redelivery-delay", "50ms");
        p.put("fluxion.backend.poll-interval", "100ms");
        ecs.properties().forEach(p::putIfAbsent);
        p.putAll(stores.storeProperties(STORES, "tienda_02", slowStore.port()));
        p.putAll(ledgerDb.properties());
        Map<String, String> env = new HashMap<>(JarProcess.awsEnv());
        env.put("FLUXION_API_TOKEN", TOKEN);
        JarProcess jar = JarProcess.start(work, work.resolve(name + ".out"), p, env);
        processes.add(jar);
        return new Node(name, port, management, jar);
    }

    private int get(int port, String path) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build();
            return http.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private String body(int port, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
    }

    private JsonNode getJson(int port, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        return json.readTree(resp.body());
    }

    private HttpResponse<String> post(int port, String path) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.noBody()).build();
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }
}
