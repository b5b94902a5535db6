package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.JarProcess;
import io.fluxion.orchestrator.testing.JarScene;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trigger sent the moment the packaged service answers, then kill -9 at varied moments of the run and a restart,
 * a few times on the same data dir (issue 13, item 11). Before, the start-up check 0.5 s after a start took the
 * run the API had just opened for an interrupted one and closed it; once that process died, the next start saw
 * nothing open and left the backend stopped. Now every restart brings the backend back, and no (store, date) is
 * ever half loaded.
 */
class TriggerKillIT {
    static final String TOKEN = "trigger-kill-token-0123456789abcdef0123";
    /** When the kill comes after the trigger was accepted: at once, while stopping or loading, deeper in the load. */
    static final long[] KILL_AFTER_MS = {0, 1500, 4000};

    @TempDir
    Path work;
    JarScene scene;
    EcsTestServer ecs;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void setUp() throws Exception {
        scene = JarScene.start(work);
        ecs = scene.ecs;
        scene.slowStore.slow(Duration.ofMillis(150));
    }

    @AfterEach
    void tearDown() throws Exception {
        scene.close();
    }

    private JarProcess start(String name, int port) throws Exception {
        Map<String, String> p = scene.properties("staged");
        p.remove("camel.server.enabled");
        p.put("camel.server.port", String.valueOf(port));
        // the window hours are far from now: a restart starts the backend at once (no catch-up, no resume)
        p.put("fluxion.window.start", "01:00");
        p.put("fluxion.window.end", "02:00");
        p.put("fluxion.etl.chunk-size", "100");
        Map<String, String> env = new HashMap<>(JarProcess.awsEnv());
        env.put("FLUXION_API_TOKEN", TOKEN);
        return scene.start(name, p, env);
    }

    private int status(int port, String method, String path) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(30));
            if ("POST".equals(method)) {
                // ecs mode outside the window hours: the operator confirms that the backend stops
                b.header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"confirm\": true}"));
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            return -1; // not listening yet
        }
    }

    /** Calls after {@code from}: a scale-up the tasks confirmed running, before any later scale-down. */
    private boolean backendBroughtBackAfter(int from) {
        List<EcsTestServer.Call> calls = ecs.calls();
        boolean up = false;
        for (EcsTestServer.Call c : calls.subList(Math.min(from, calls.size()), calls.size())) {
            if ("UpdateService".equals(c.action()) && Integer.valueOf(0).equals(c.desiredCount())) {
                return false;
            }
            if ("UpdateService".equals(c.action()) && Integer.valueOf(1).equals(c.desiredCount()) && c.status() == 200) {
                up = true;
            }
            if (up && "DescribeServices".equals(c.action()) && c.status() == 200 && c.running() >= 1) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aTriggerTheMomentTheServiceAnswersThenKillNineAndRestartAlwaysBringsTheBackendBack() throws Exception {
        Integer killedAt = null;
        boolean backendDown = false;
        int refusedEarly = 0;
        for (int round = 0; round < KILL_AFTER_MS.length; round++) {
            int port = HttpApp.freePort();
            JarProcess svc = start("service-" + round, port);
            svc.await("the HTTP API", 180, () -> status(port, "GET", "/maintenance-status") == 200);
            // the trigger goes at once; before the start-up decision it is refused with 503 (Retry-After); 404 while
            // its route is not registered yet
            int code;
            while ((code = status(port, "POST", "/api/etl/scheduler/trigger")) != 202) {
                assertThat(code).as("trigger answer\n" + svc.output()).isIn(404, 503, 409);
                refusedEarly += code == 503 ? 1 : 0;
                assertThat(svc.process().isAlive()).isTrue();
                Thread.sleep(50);
            }
            if (killedAt != null && backendDown) {
                assertThat(backendBroughtBackAfter(killedAt)).as("round " + round + ": the restart after the kill"
                        + " brought the backend back before the new run\n" + ecs.sequence() + "\n" + svc.output()).isTrue();
            }

            Thread.sleep(KILL_AFTER_MS[round]);
            killedAt = ecs.calls().size();
            svc.kill();
            backendDown = ecs.desired() == 0 || ecs.running() < ecs.desired();
            scene.assertEachStoreWholeOrAbsent("after kill " + round);
        }

        // the last restart: the backend comes back, nothing is half loaded
        int port = HttpApp.freePort();
        JarProcess last = start("service-last", port);
        last.await("the start-up decision", 180, () -> last.output().contains("Start-up recovery: "));
        last.await("the backend running", 60, () -> ecs.desired() == 1 && ecs.running() == 1);
        if (backendDown) {
            assertThat(backendBroughtBackAfter(killedAt)).as(ecs.sequence()).isTrue();
        }
        last.terminate();
        assertThat(last.waitFor(60)).isTrue();
        scene.assertEachStoreWholeOrAbsent("at the end");
        System.out.println("TriggerKillIT: " + refusedEarly + " trigger(s) refused with 503 before a start-up decision; "
                + "ECS: " + ecs.sequence());
    }
}
