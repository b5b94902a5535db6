package io.fluxion.orchestrator.api;

import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.spi.SynchronizationRouteAware;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every API request passes before its handler ({@code interceptFrom} of routes/http-api.camel.yaml), and before
 * any refusal of its body ({@link ApiErrors} asks here first): the bearer token where one is needed (every POST and
 * PUT; the GETs under /api too with {@code fluxion.api.protect-reads}), then a body only as application/json, then a
 * body the JSON binding could not read ({@link ApiJsonFormat.Unreadable}: 400 naming its field). The
 * token comes from {@code fluxion.api.token}; it is compared in constant time over SHA-256 digests, never logged nor
 * echoed. A 401 is logged with the client's address. Bodies over {@code camel.server.maxBodySize} never get here.
 */
public class ApiGuard {
    /** Header: the client's address, for the log lines and the run's requested_by. */
    public static final String CLIENT = "FluxionClient";
    static final String NOT_CONFIGURED = "control API disabled: no token configured. Set the environment variable"
            + " FLUXION_API_TOKEN (or the property fluxion.api.token) and restart the service";
    private static final String GUARDED = "fluxionApiGuarded";
    private static final Logger LOG = LoggerFactory.getLogger(ApiGuard.class);
    private static final Synchronization AS_TEXT = new AnswerAsText();

    private final byte[] tokenDigest;
    private final boolean protectReads;

    public ApiGuard(String token, boolean protectReads) {
        this.tokenDigest = token == null || token.isBlank() ? null : sha256(token.trim());
        this.protectReads = protectReads;
    }

    /** Once per exchange: the answer's headers, the client, the token and the body's type. */
    public void check(Exchange ex) {
        if (ex.getProperty(GUARDED) != null) {
            return;
        }
        ex.setProperty(GUARDED, true);
        ex.getExchangeExtension().addOnCompletion(AS_TEXT);
        Message m = ex.getIn();
        String method = m.getHeader(Exchange.HTTP_METHOD, "", String.class);
        String path = m.getHeader(Exchange.HTTP_PATH, "", String.class);
        String contentType = m.getHeader(Exchange.CONTENT_TYPE, String.class);
        m.setHeader(CLIENT, client(m));
        answerHeaders(m);
        if (!"GET".equals(method) || protectReads && path.startsWith("/api/")) {
            try {
                token(m.getHeader("Authorization", String.class));
            } catch (ApiException e) {
                LOG.warn("HTTP {} on {} {} from {}: {}", e.status(), method, path, m.getHeader(CLIENT), e.getMessage());
                throw e;
            }
        }
        boolean body = hasBody(m);
        if (body && !isJson(contentType)) {
            throw new ApiException(415, "a body is accepted as application/json only, got "
                    + (contentType == null ? "no Content-Type" : "'" + Requests.shown(contentType, 60) + "'"), "Content-Type");
        }
        if (!body) {
            m.setBody(null);
        } else if (m.getBody() instanceof ApiJsonFormat.Unreadable u) {
            throw u.refusal();
        }
    }

    /** JSON, never cached, never sniffed as something else. */
    static void answerHeaders(Message m) {
        m.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        m.setHeader("Cache-Control", "no-store");
        m.setHeader("X-Content-Type-Options", "nosniff");
    }

    /** 503 when no token is configured, 401 when the header is missing, malformed or wrong. */
    void token(String authorization) {
        if (tokenDigest == null) {
            throw new ApiException(503, NOT_CONFIGURED, "Authorization");
        }
        String h = authorization == null ? "" : authorization.trim();
        if (h.length() < 7 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "missing bearer token: send 'Authorization: Bearer <token>'", "Authorization");
        }
        if (!MessageDigest.isEqual(sha256(h.substring(7).trim()), tokenDigest)) {
            throw new ApiException(401, "wrong bearer token", "Authorization");
        }
    }

    static String client(Message m) {
        Object a = m.getHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS);
        return a instanceof SocketAddress s && s.hostAddress() != null ? s.hostAddress() : "unknown client";
    }

    /** A body was sent: the binding read it (a record), or it is text that is not blank. */
    private static boolean hasBody(Message m) {
        Object b = m.getBody();
        if (b == null || b instanceof Record) {
            return b != null;
        }
        String s = m.getBody(String.class);
        return s != null && !s.isBlank();
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT)
                .equals("application/json");
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * After the route, once the binding has written the answer (bytes): the answer as text. platform-http 4.18 sends a
     * text at once, but pumps bytes through an input stream on Vert.x's worker and event-loop threads: that costs
     * half the requests per second of /maintenance-status (docs/PERFORMANCE.md).
     */
    private static final class AnswerAsText implements Synchronization, SynchronizationRouteAware {
        @Override
        public SynchronizationRouteAware getRouteSynchronization() {
            return this;
        }

        @Override
        public void onBeforeRoute(Route route, Exchange exchange) {
            // nothing before
        }

        @Override
        public void onAfterRoute(Route route, Exchange exchange) {
            Message m = exchange.getMessage();
            if (m.getBody() instanceof byte[] bytes) {
                m.setBody(new String(bytes, StandardCharsets.UTF_8));
            }
        }

        @Override
        public void onComplete(Exchange exchange) {
            // the answer is sent by now
        }

        @Override
        public void onFailure(Exchange exchange) {
            // the answer is sent by now
        }
    }
}
