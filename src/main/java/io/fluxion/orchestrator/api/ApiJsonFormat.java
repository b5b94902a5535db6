package io.fluxion.orchestrator.api;

import org.apache.camel.Exchange;
import org.apache.camel.component.jackson.JacksonDataFormat;

/**
 * The REST binding's JSON data format (restConfiguration jsonDataFormat): camel-jackson with the API's mapper
 * ({@link ApiJson}). A body it cannot read into the verb's record does not fail the binding (Camel 4.18 would answer
 * that with a plain-text stack trace, before any route step, token check included): it becomes an {@link Unreadable}
 * that {@link ApiGuard} refuses with its field, after the token and the content type are checked.
 */
public class ApiJsonFormat extends JacksonDataFormat {
    /** A body the binding could not read, and the refusal that says why. */
    public record Unreadable(ApiException refusal) {
    }

    /** A file answer ({@link GapsCsv.Csv}) is written as its bytes, with its own content type; anything else as JSON. */
    @Override
    public void marshal(Exchange exchange, Object graph, java.io.OutputStream stream) throws Exception {
        if (graph instanceof GapsCsv.Csv csv) {
            stream.write(csv.bytes());
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, GapsCsv.Csv.CONTENT_TYPE);
            return;
        }
        super.marshal(exchange, graph, stream);
    }

    @Override
    public Object unmarshal(Exchange exchange, Object body) throws Exception {
        try {
            return super.unmarshal(exchange, body);
        } catch (Exception e) {
            return new Unreadable(ApiErrors.refusal(e));
        }
    }
}
