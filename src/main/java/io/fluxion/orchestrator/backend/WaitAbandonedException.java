package io.fluxion.orchestrator.backend;

/**
 * A stop or start stopped <em>waiting</em> for the tasks because the process is stopping: the
 * {@code UpdateService} was sent, whether the backend drained or runs is not known.
 */
public class WaitAbandonedException extends BackendException {
    public WaitAbandonedException(String message) {
        super(message);
    }
}
