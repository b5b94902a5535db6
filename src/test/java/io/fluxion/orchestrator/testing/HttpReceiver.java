package io.fluxion.orchestrator.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real HTTP server on 127.0.0.1 (port 0) standing in for a webhook (Slack) or a backend: records every
 * request, answers {@link #status(int)} (200 by default), or holds every request while {@link #hang(boolean)}
 * is on (a receiver that accepts the connection and never answers).
 */
public final class HttpReceiver implements AutoCloseable {
    /** One request as received. */
    public record Request(String method, String path, String contentType, String body) {
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile int postStatus = -1;
    private volatile CountDownLatch hang;

    private HttpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.add(new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                        ex.getRequestHeaders().getFirst("Content-Type"), body));
                CountDownLatch h = hang;
                if (h != null) {
                    try {
                        h.await(60, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                int s = "POST".equals(ex.getRequestMethod()) && postStatus > 0 ? postStatus : status;
                byte[] out = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(s, out.length);
                try (OutputStream os = ex.getResponseBody()) {
                    os.write(out);
                }
            } catch (IOException e) {
                // the client gave up (timeout): nothing to answer
            }
        });
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "http-receiver");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public static HttpReceiver start() {
        try {
            return new HttpReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Status of every answer (200 by default). */
    public HttpReceiver status(int s) {
        status = s;
        return this;
    }

    /** Status of the answers to POST requests only (-1: as {@link #status(int)}). */
    public HttpReceiver postStatus(int s) {
        postStatus = s;
        return this;
    }

    /** While on, every request is held without an answer (up to 60 s); off releases them. */
    public void hang(boolean on) {
        if (on) {
            hang = new CountDownLatch(1);
        } else {
            CountDownLatch h = hang;
            hang = null;
            if (h != null) {
                h.countDown();
            }
        }
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public void clear() {
        requests.clear();
    }

    /** Waits until a request matches, or fails after the timeout. */
    public Request await(String what, Duration timeout, Predicate<Request> p) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (Request r : requests) {
                if (p.test(r)) {
                    return r;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no request " + what + " within " + timeout + "; got " + requests);
    }

    @Override
    public void close() {
        hang(false);
        server.stop(0);
    }
}
