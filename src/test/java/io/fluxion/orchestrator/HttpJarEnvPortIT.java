package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.JarProcess;
import io.fluxion.orchestrator.testing.WindowHours;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar's HTTP port, a camel.* key, through the configuration's layers: the environment
 * variable CAMEL_SERVER_PORT (which camel-main alone skips: it ends in _PORT) over the operator file.
 */
class HttpJarEnvPortIT {
    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * CAMEL_SERVER_PORT over the operator file's camel.server.port; the file's data dir (and logs) used.
     * (-D over the environment is checked on the jar by ProductionConfigIT, for camel.* keys by
     * ConfigLayersInCamelTest: one service start here keeps the suite short.)
     */
    @Test
    void theJarListensOnCamelServerPortFromTheEnvironmentOverTheOperatorFile() throws Exception {
        int filePort = HttpApp.freePort();
        int envPort = HttpApp.freePort();
        Path file = Files.writeString(work.resolve("operator.properties"),
                "camel.server.port = " + filePort + "\nfluxion.data-dir = " + work.resolve("op-data") + "\n");
        Map<String, String> env = baseEnv();
        env.put("FLUXION_CONFIG", file.toString());
        env.put("CAMEL_SERVER_PORT", String.valueOf(envPort));
        Path log = work.resolve("service.out");
        Process service = JarProcess.start(work, log, List.of(), env).process();
        try {
            awaitStatus(service, log, envPort);
            assertThatThrownBy(() -> status(filePort)).as("nothing listens on the file's port").isInstanceOf(IOException.class);
            // the file's data dir (no ./data under the working dir), and its logs there
            assertThat(work.resolve("op-data/logs/fluxion.log")).exists();
            assertThat(work.resolve("data")).doesNotExist();
            // the operator page's files come out of the packaged jar (read once at its start) with their types
            for (Map.Entry<String, String> f : Map.of("/", "text/html", "/web/app.js", "text/javascript",
                    "/web/app.css", "text/css").entrySet()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + envPort
                        + f.getKey())).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(f.getKey()).isEqualTo(200);
                assertThat(r.headers().firstValue("Content-Type")).as(f.getKey()).hasValueSatisfying(t ->
                        assertThat(t).startsWith(f.getValue()));
                assertThat(r.body()).as(f.getKey()).isNotBlank();
            }
        } finally {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Map<String, String> baseEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("FLUXION_DEMO_ENABLED", "false");
        // the window far from the real hour: the service runs no catch-up window, whatever the time of day
        WindowHours.farFromNow().forEach((k, v) -> env.put(k.toUpperCase().replace('.', '_'), v));
        return env;
    }

    private HttpResponse<String> status(int port) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/maintenance-status")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void awaitStatus(Process service, Path log, int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (true) {
            assertThat(service.isAlive()).as(Files.readString(log)).isTrue();
            assertThat(System.nanoTime()).as("service start: " + Files.readString(log)).isLessThan(deadline);
            try {
                HttpResponse<String> r = status(port);
                if (r.statusCode() == 404) {
                    Thread.sleep(300); // listening, routes not added yet
                    continue;
                }
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).contains("\"is_maintenance\"");
                return;
            } catch (IOException notYet) {
                Thread.sleep(300);
            }
        }
    }
}
