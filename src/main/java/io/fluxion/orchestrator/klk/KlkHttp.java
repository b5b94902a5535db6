package io.fluxion.orchestrator.klk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.schedule.WindowClock;
import java.io.IOException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

/**
 * Backend mode of the KLK routes (the seed's Lambdas): the request of each sync, the answer recorded
 * in the run, and which failures are retried (connection errors and 5xx, never 4xx). Called by the
 * {@code klk-backend} route; camel-http sends, Camel's redelivery retries.
 */
public class KlkHttp {
    /** Exchange property: the URL the route posts to. */
    public static final String URL = "fluxionKlkUrl";
    public static final String INVENTORY_PATH = "/api/etl/sync";
    public static final String SALES_PATH = "/api/etl/sync/ventas";
    static final int EXCERPT = 500;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FluxionConfig config;
    private final WindowClock clock;

    public KlkHttp(FluxionConfig config, WindowClock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** POST body and headers: {"ubicacion_id": null}, or with fecha_inicio = yesterday, fecha_fin = today (window zone). */
    public void request(Exchange ex) {
        KlkRun run = run(ex);
        String base = config.klk().backendUrl();
        base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        Map<String, Object> fields = new LinkedHashMap<>();
        String path;
        if (run.isInventory()) {
            path = INVENTORY_PATH;
            // an operator's inventory of one store asks the backend for that store only
            fields.put("ubicacion_id", run.storeId());
        } else {
            LocalDate today = clock.today();
            path = SALES_PATH;
            fields.put("ubicacion_id", null);
            fields.put("fecha_inicio", today.minusDays(1).toString());
            fields.put("fecha_fin", today.toString());
        }
        String body;
        try {
            body = JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the KLK request body", e);
        }
        // the trigger's headers (Quartz's, ours) must not travel as HTTP headers
        ex.getIn().removeHeaders("*");
        ex.getIn().setHeader(Exchange.HTTP_METHOD, "POST");
        ex.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
        ex.getIn().setBody(body);
        ex.setProperty(URL, base + path);
    }

    /** A 2xx answer: status and a short excerpt of the body go to the run (and the ledger). */
    public void response(Exchange ex) {
        Integer status = ex.getIn().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        String body = ex.getIn().getBody(String.class);
        run(ex).http(status == null ? 0 : status, excerpt(body), attempts(ex));
    }

    /** retryWhile: connection errors, timeouts and 5xx, up to {@code fluxion.klk.retries}; never a 4xx. */
    public boolean shouldRetry(Exchange ex) {
        Integer counter = ex.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Throwable e = ex.getException() != null ? ex.getException() : ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int n = counter == null ? 0 : counter;
        boolean retry = retryable(e) && n <= config.klk().retries();
        if (retry) {
            run(ex).retried(n);
        }
        return retry;
    }

    static boolean retryable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException h) {
                return h.getStatusCode() >= 500;
            }
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** The request failed after its retries (or at once on a 4xx): status, excerpt and reason go to the run. */
    public void failed(Exchange ex) {
        KlkRun run = run(ex);
        Throwable e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int attempts = attempts(ex);
        String url = ex.getProperty(URL, String.class);
        HttpOperationFailedException h = find(e);
        String reason;
        if (h != null) {
            run.http(h.getStatusCode(), excerpt(h.getResponseBody()), attempts);
            reason = "POST " + url + " answered HTTP " + h.getStatusCode() + " after " + attempts + " attempt(s)";
        } else {
            run.http(0, null, attempts);
            reason = "POST " + url + " failed after " + attempts + " attempt(s): "
                    + (e == null ? "unknown error" : e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        run.fail(Secrets.scrub(reason, config.secrets()));
    }

    private static HttpOperationFailedException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpOperationFailedException h) {
                return h;
            }
        }
        return null;
    }

    /** The first attempt plus the redeliveries granted by {@link #shouldRetry} (Camel clears its counter when exhausted). */
    private static int attempts(Exchange ex) {
        return 1 + run(ex).retries();
    }

    static String excerpt(String body) {
        if (body == null) {
            return null;
        }
        String s = body.strip().replaceAll("\\s+", " ");
        return s.length() <= EXCERPT ? s : s.substring(0, EXCERPT) + "...";
    }

    private static KlkRun run(Exchange ex) {
        KlkRun run = ex.getProperty(KlkRoute.RUN, KlkRun.class);
        if (run == null) {
            throw new IllegalStateException("no KLK run on this exchange");
        }
        return run;
    }
}
