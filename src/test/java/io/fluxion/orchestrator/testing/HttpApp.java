package io.fluxion.orchestrator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fluxion.orchestrator.FluxionConfiguration;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.window.WindowService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.CamelContext;

/** The real application (same main, routes and properties as the jar) listening on a free port, and an HTTP client for it. */
public final class HttpApp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Services app;
    private final int port;
    private final int managementPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpApp(Services app, int port, int managementPort) {
        this.app = app;
        this.port = port;
        this.managementPort = managementPort;
    }

    /**
     * Starts the service with the given properties and beans bound before init (clock, sleeper), the API
     * and the management server (Jolokia, health, metrics) each on a free port, as the jar runs them.
     */
    public static HttpApp start(Map<String, String> props, Map<String, Object> beans) {
        int port = freePort();
        int managementPort = freePort();
        Map<String, String> p = new HashMap<>();
        p.put("camel.management.port", String.valueOf(managementPort));
        p.putAll(props);
        p.put("camel.management.enabled", "true");
        p.put("camel.server.enabled", "true");
        p.put("camel.server.port", String.valueOf(port));
        return new HttpApp(Services.start(p, beans), port, Integer.parseInt(p.get("camel.management.port")));
    }

    public static HttpApp start(Map<String, String> props, Clock clock) {
        return start(props, Map.of(FluxionConfiguration.CLOCK, clock));
    }

    /** Ports this JVM has handed out: the OS may give a port just closed again, e.g. to the next call. */
    private static final java.util.Set<Integer> GIVEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A port nothing listens on now, never one this JVM handed out before (two calls in a row, for an app's API and
     * management ports, once got the same port from the OS and the app refused to start).
     */
    public static int freePort() {
        for (int i = 0; i < 100; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (GIVEN.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port that this JVM has not handed out already");
    }

    public String base() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The management server: {@code /observe/jolokia}, {@code /observe/health}, {@code /observe/metrics}. */
    public String managementBase() {
        return "http://127.0.0.1:" + managementPort;
    }

    public int managementPort() {
        return managementPort;
    }

    /** GET on the management server, with HTTP Basic credentials when user is not null. */
    public Resp management(String path, String user, String password) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(managementBase() + path)).GET();
        if (user != null) {
            b.header("Authorization", "Basic " + java.util.Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return send(b);
    }

    public Resp management(String path) {
        return management(path, null, null);
    }

    /** POST of a JSON body to the management server (a Jolokia request). */
    public Resp managementPost(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(managementBase() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    public <T> T bean(String name, Class<T> type) {
        return app.bean(name, type);
    }

    public CamelContext context() {
        return app.context();
    }

    public Ledger ledger() {
        return app.ledger();
    }

    public WindowService window() {
        return app.window();
    }

    /** One HTTP answer: status, body text (and JSON when it parses), headers. */
    public record Resp(int status, String text, JsonNode json, HttpResponse<String> raw) {
        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    public Resp get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base() + path)).GET());
    }

    public Resp send(String method, String path, String body, String token) {
        return send(method, path, body, token, Map.of());
    }

    /**
     * A request with a JSON body ({@code Content-Type: application/json} unless the headers name another; an empty
     * Content-Type in the headers sends none).
     */
    public Resp send(String method, String path, String body, String token, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        String type = headers.getOrDefault("Content-Type", "application/json");
        if (!type.isEmpty()) {
            b.header("Content-Type", type);
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach((k, v) -> {
            if (!k.equals("Content-Type")) {
                b.header(k, v);
            }
        });
        return send(b);
    }

    /**
     * Sends only a request's head (its headers announce a body that never comes) and reads what the server answers
     * before it has read a byte of the body: the status line and the rest, as text. (The JDK 17 HttpClient hangs on a
     * final answer to {@code Expect: 100-continue}, JDK-8286171.)
     */
    public String head(String method, String path, Map<String, String> headers) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            socket.getOutputStream().write(req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            byte[] buf = new byte[8192];
            int n = socket.getInputStream().read(buf);
            return n <= 0 ? "" : new String(buf, 0, n, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Resp send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            JsonNode json = null;
            try {
                json = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
            } catch (IOException ignored) {
                // not JSON (the page)
            }
            return new Resp(r.statusCode(), r.body(), json, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until no window run is active. */
    public void awaitIdle(Duration max) {
        long until = System.nanoTime() + max.toNanos();
        while (window().current().isPresent()) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("window still running after " + max);
            }
            sleep(20);
        }
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        app.close();
    }
}
