package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar listens on the port given by the environment variable CAMEL_SERVER_PORT (SPEC 7). */
class HttpJarEnvPortIT {
    static final Path JAR = Path.of(System.getProperty("fluxion.jar", "target/fluxion-orchestrator.jar"));

    @TempDir
    Path work;

    @Test
    void theJarListensOnCamelServerPortFromTheEnvironment() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path log = work.resolve("service.out");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", JAR.toAbsolutePath().toString())
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("CAMEL_SERVER_PORT", String.valueOf(port));
        // the management server too takes its port from the environment (never the fixed 9876 in a test)
        int managementPort;
        try (ServerSocket s = new ServerSocket(0)) {
            managementPort = s.getLocalPort();
        }
        pb.environment().put("CAMEL_MANAGEMENT_PORT", String.valueOf(managementPort));
        pb.environment().put("FLUXION_DEMO_ENABLED", "false");
        pb.environment().put("FLUXION_LOG_DIR", work.resolve("logs").toString());
        Process service = pb.start();
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                assertThat(service.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("service start: " + Files.readString(log)).isLessThan(deadline);
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/maintenance-status")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 404) {
                        Thread.sleep(300); // listening, routes not added yet
                        continue;
                    }
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).contains("\"is_maintenance\"");
                    break;
                } catch (java.io.IOException notYet) {
                    Thread.sleep(300);
                }
            }
        } finally {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
