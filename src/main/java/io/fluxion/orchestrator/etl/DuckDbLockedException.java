package io.fluxion.orchestrator.etl;

/** The DuckDB file is held by another process (the backend, a shell). */
public class DuckDbLockedException extends LoadException {
    public DuckDbLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
