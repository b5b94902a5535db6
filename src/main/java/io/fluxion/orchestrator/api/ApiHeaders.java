package io.fluxion.orchestrator.api;

import java.util.Set;
import java.util.TreeSet;
import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;

/**
 * The header filter of the API's and the page's endpoints: an answer carries only the headers this service sets
 * (content type, caching, security, CORS, Retry-After, WWW-Authenticate), never one of the request's (a query
 * parameter, a custom header: platform-http would copy them back by default). From the request to the exchange it
 * filters as platform-http does.
 */
public class ApiHeaders extends HttpHeaderFilterStrategy {
    public static final String BEAN = "apiHeaders";
    private static final Set<String> ANSWER = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    static {
        ANSWER.addAll(Set.of("Content-Type", "Cache-Control", "Retry-After", "WWW-Authenticate", "X-Content-Type-Options",
                "Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "Vary", "Allow", "Content-Disposition"));
    }

    @Override
    public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
        return !(ANSWER.contains(name) || name.regionMatches(true, 0, "Access-Control-", 0, 15));
    }
}
