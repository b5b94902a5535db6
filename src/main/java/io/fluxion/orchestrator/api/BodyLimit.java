package io.fluxion.orchestrator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A body over {@code camel.server.maxBodySize} is refused by Vert.x's body handler before it is read (its
 * Content-Length says so) or as soon as it passes the limit, before any route or token check. Vert.x would then log
 * "Unhandled exception in router" at ERROR for each; this handler answers the 413 as a refusal like the others
 * ({@code {"error", "field": "body"}}) and logs it at INFO.
 */
public class BodyLimit implements StartupListener {
    private static final Logger LOG = LoggerFactory.getLogger(BodyLimit.class);
    private final long maxBytes;
    private final String answer;

    public BodyLimit(long maxBytes, ObjectMapper json) {
        this.maxBytes = maxBytes;
        try {
            this.answer = json.writeValueAsString(new Answers.ApiError("the body is larger than " + maxBytes
                    + " bytes, the most a request may send", "body", java.util.Map.of()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the failure handlers run after the routes' handlers, on the main server's router only
    }

    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        context.getRegistry().findByType(VertxPlatformHttpRouter.class).stream().filter(VertxPlatformHttpRouter::isMainServer)
                .forEach(r -> r.route().failureHandler(handler()));
    }

    Handler<RoutingContext> handler() {
        return ctx -> {
            if (ctx.statusCode() != 413 || ctx.response().ended()) {
                ctx.next();
                return;
            }
            LOG.info("HTTP 413 on {} {} from {}: the body is over {} bytes", ctx.request().method(), ctx.request().path(),
                    ctx.request().remoteAddress() == null ? "unknown client" : ctx.request().remoteAddress().hostAddress(),
                    maxBytes);
            ctx.response().setStatusCode(413).putHeader("Content-Type", "application/json; charset=utf-8")
                    .putHeader("Cache-Control", "no-store").putHeader("Connection", "close")
                    .end(answer);
        };
    }
}
