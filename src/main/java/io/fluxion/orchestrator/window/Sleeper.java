package io.fluxion.orchestrator.window;

import java.time.Duration;

/** How the window waits for a store's next attempt; tests bind one that advances their clock instead. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = d -> Thread.sleep(Math.max(0, d.toMillis()));

    void sleep(Duration d) throws InterruptedException;
}
