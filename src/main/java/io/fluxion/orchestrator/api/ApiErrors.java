package io.fluxion.orchestrator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.fluxion.orchestrator.config.Secrets;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one exception mapper of the API (onException of routes/http-api.camel.yaml): every refusal becomes
 * {@code {"error", "field"}} with its status (the guard's, the body's, the handlers' {@link ApiException}s). Anything
 * else is a 500 with an error id and a generic message; its detail, scrubbed of secrets, goes to the log under that
 * id. {@link #refusal} names what is wrong with a body the JSON binding could not read.
 */
public class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private final List<String> secrets;

    public ApiErrors(List<String> secrets) {
        this.secrets = secrets;
    }

    public Answers.ApiError answer(Exchange ex) {
        Throwable t = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiException api = t instanceof ApiException a ? a : internal(t, ex);
        Message m = ex.getMessage();
        m.setBody(null);
        ApiGuard.answerHeaders(m);
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, api.status());
        if (api.retryAfterSeconds() != null) {
            m.setHeader("Retry-After", String.valueOf(api.retryAfterSeconds()));
        }
        if (api.status() == 401) {
            m.setHeader("WWW-Authenticate", "Bearer");
        }
        return api.body();
    }

    /** 400 naming the field (or "body") of a body the binding could not read. */
    static ApiException refusal(Throwable t) {
        JsonProcessingException json = jsonCause(t);
        if (json == null) {
            return ApiException.badRequest("body", "the body could not be read as JSON");
        }
        if (json instanceof UnrecognizedPropertyException u) {
            return ApiException.badRequest(u.getPropertyName(), "unknown field '" + Requests.shown(u.getPropertyName(), 40)
                    + "' (" + String.join(", ", u.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList()) + ")");
        }
        String number = json instanceof InputCoercionException c && c.getProcessor() != null
                ? c.getProcessor().getParsingContext().getCurrentName() : null;
        if (number != null) {
            return ApiException.badRequest(number, "must be " + expected(((InputCoercionException) json).getTargetType())
                    + ": the number is out of range");
        }
        String field = json instanceof JsonMappingException jm ? field(jm) : null;
        if (field == null) {
            return ApiException.badRequest("body", json instanceof DatabindException
                    ? "the body must be a JSON object of the request's fields"
                    : "malformed JSON: " + Requests.shown(json.getOriginalMessage(), 200));
        }
        if (json instanceof InvalidNullException) {
            return ApiException.badRequest(field, "must not be null (leave it out instead)");
        }
        Class<?> type = json instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi ? mi.getTargetType() : null;
        return ApiException.badRequest(field, "must be " + expected(type));
    }

    private ApiException internal(Throwable t, Exchange ex) {
        String id = HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        Message m = ex.getIn();
        String msg = t == null ? "unknown error" : Secrets.scrub(String.valueOf(t.getMessage()), secrets);
        // the message is scrubbed of secrets; the stack trace (whose messages may not be) only at debug
        LOG.error("HTTP API error {} on {} {} from {}: {} ({})", id, m.getHeader(Exchange.HTTP_METHOD),
                m.getHeader(Exchange.HTTP_PATH), m.getHeader(ApiGuard.CLIENT), msg, t == null ? "?" : t.getClass().getName());
        LOG.debug("HTTP API error " + id, t);
        return new ApiException(500, "internal error " + id + ": the service log has the detail under this id", null)
                .with("error_id", id);
    }

    /** The first field of the path (ubicacion_id for ubicacion_id[1]). */
    private static String field(JsonMappingException e) {
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                return r.getFieldName();
            }
        }
        return null;
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == LocalDate.class) {
            return "a date YYYY-MM-DD";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || List.class.isAssignableFrom(type)) {
            return "a text (a store id such as tienda_01), or a list of them";
        }
        return "of another type";
    }

    private static JsonProcessingException jsonCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof JsonProcessingException j) {
                return j;
            }
        }
        return null;
    }
}
