package io.fluxion.orchestrator.etl;

/** Writing to DuckDB failed; the load it belonged to is rolled back. */
public class LoadException extends RuntimeException {
    public LoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
