package io.fluxion.orchestrator.backend;

/** The backend could not be stopped or started; the message is the reason shown to operators. */
public class BackendException extends RuntimeException {
    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
