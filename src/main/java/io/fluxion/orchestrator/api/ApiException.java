package io.fluxion.orchestrator.api;

import java.util.LinkedHashMap;
import java.util.Map;

/** A request the API refuses: HTTP status, the {@code {"error": ..., "field": ...}} body, and extra fields (e.g. run_id). */
public class ApiException extends RuntimeException {
    private final int status;
    private final String field;
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private Integer retryAfterSeconds;

    public ApiException(int status, String error, String field) {
        super(error, null, false, false);
        this.status = status;
        this.field = field;
    }

    public static ApiException badRequest(String field, String error) {
        return new ApiException(400, error, field);
    }

    public ApiException with(String key, Object value) {
        extra.put(key, value);
        return this;
    }

    /** A temporary refusal: the answer carries {@code Retry-After: seconds}. */
    public ApiException retryAfter(int seconds) {
        retryAfterSeconds = seconds;
        return this;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    /** The answer: error, field, then any extra fields. */
    public Answers.ApiError body() {
        return new Answers.ApiError(getMessage(), field, extra);
    }
}
