package io.fluxion.orchestrator.window;

import java.time.Duration;

/**
 * How the window waits for a store's next attempt; tests bind one that advances their clock instead. The
 * service's own ({@code FluxionConfiguration}) is {@code StopSignal.sleep}: it ends early when the process stops.
 */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
}
