package io.fluxion.orchestrator.api;

import java.util.Locale;
import java.util.Set;
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
    private static final Set<String> ANSWER = Set.of("content-type", "cache-control", "retry-after", "www-authenticate",
            "x-content-type-options", "content-security-policy", "x-frame-options", "referrer-policy", "vary", "allow");

    @Override
    public boolean applyFilterToCamelHeaders(String name, Object value, Exchange exchange) {
        String n = name.toLowerCase(Locale.ROOT);
        return !(ANSWER.contains(n) || n.startsWith("access-control-"));
    }
}
