package io.fluxion.orchestrator.backend;

/**
 * Stops and starts the analytics backend that holds the DuckDB file during the day.
 * Both calls wait, bounded by the configured timeouts, until the backend really is stopped or running.
 */
public interface BackendControl {

    /** {@code none}, {@code dry-run} or {@code ecs}. */
    String mode();

    /** Scales the backend to zero and waits until nothing runs; throws {@link BackendException} when it does not drain in time. */
    void stop();

    /**
     * Scales the backend back to its desired count and waits until it runs; throws {@link BackendException} when it
     * does not come back in time, {@link WaitAbandonedException} when the process started to stop while waiting
     * for the tasks (the scale-up was sent).
     */
    void start();

    /**
     * Asks for the backend's start (its desired count back) without waiting for it to run: what a process that
     * is stopping can still do, within {@link io.fluxion.orchestrator.lifecycle.StopSignal#GRACE}; the next start
     * of the service checks that it runs. Throws {@link BackendException} when even the request fails.
     */
    void requestStart();

    /**
     * What the last {@link #stop()} or {@link #start()} had to overcome (e.g. "2 transient ECS errors
     * retried, last: ThrottlingException ..."), for the ledger's step detail; empty when nothing.
     */
    default String lastStepNote() {
        return "";
    }

    /**
     * The backend's state now, for the scheduler status and the page: what the mode knows. In {@code ecs} mode
     * DescribeServices' counts and the primary deployment's rollout, cached for a few seconds (the page polls);
     * never throws and never waits long: when ECS does not answer, the state is {@code unknown} with the reason.
     */
    BackendState state();

    /**
     * @param mode          {@code none}, {@code dry-run}, {@code ecs}
     * @param state         {@code running}, {@code stopped}, {@code starting}, {@code stopping}, {@code deploying},
     *                      {@code rollout-failed}, {@code unknown} (ECS did not answer), or the mode itself for
     *                      {@code none} and {@code dry-run} (no backend is observed)
     * @param rollout       the primary deployment's rollout state (COMPLETED, IN_PROGRESS, FAILED), or null
     * @param detail        a sentence for the operator (the reason when unknown)
     * @param checkedAt     when ECS answered (or was asked, when unknown); null when nothing is asked
     */
    record BackendState(String mode, String state, String service, String cluster, Integer desired, Integer running,
                        Integer pending, String rollout, String rolloutReason, String detail, java.time.Instant checkedAt) {
    }
}
