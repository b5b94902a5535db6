package io.fluxion.orchestrator.lifecycle;

/** Work given up because the process is stopping ({@link StopSignal}); never retried. */
public class StopRequestedException extends RuntimeException {
    public StopRequestedException(String message) {
        super(message);
    }
}
