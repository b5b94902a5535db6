package io.fluxion.orchestrator.klk;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A real HTTP server (JDK HttpServer on an ephemeral port) standing in for the backend's sync endpoints. */
final class BackendServer implements AutoCloseable {
    record Request(String method, String path, String contentType, String body) {
    }

    /** An answer; status {@link #DROP} closes the connection without any answer. */
    record Answer(int status, String body) {
    }

    static final int DROP = -1;

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    /** Answers given in order; when empty, 200 {"status":"started"}. */
    final ConcurrentLinkedDeque<Answer> answers = new ConcurrentLinkedDeque<>();
    /** When set, the next request (only that one) waits on it before answering. */
    final java.util.concurrent.atomic.AtomicReference<CountDownLatch> hold = new java.util.concurrent.atomic.AtomicReference<>();

    BackendServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    ex.getRequestHeaders().getFirst("Content-Type"), body));
            CountDownLatch h = hold.getAndSet(null);
            if (h != null) {
                try {
                    h.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Answer a = answers.poll();
            if (a == null) {
                a = new Answer(200, "{\"status\": \"started\", \"message\": \"ETL KLK en ejecución\"}");
            }
            if (a.status() == DROP) {
                // no status line, no headers: the JDK server closes the connection
                ex.close();
                return;
            }
            byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(a.status(), out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    void reset() {
        requests.clear();
        answers.clear();
        hold.set(null);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
