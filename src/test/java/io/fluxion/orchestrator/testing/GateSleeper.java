package io.fluxion.orchestrator.testing;

import io.fluxion.orchestrator.window.Sleeper;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link Sleeper} that advances a {@link MutableClock} instead of sleeping; while the gate is closed
 * a window waiting for a retry stays blocked (so a test can look at a run in progress).
 */
public final class GateSleeper implements Sleeper {
    private final MutableClock clock;
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile CountDownLatch gate;

    public GateSleeper(MutableClock clock) {
        this.clock = clock;
    }

    public void close() {
        gate = new CountDownLatch(1);
    }

    public void open() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    /** Number of window threads blocked at the gate. */
    public int waiting() {
        return waiting.get();
    }

    @Override
    public void sleep(Duration d) throws InterruptedException {
        waiting.incrementAndGet();
        try {
            CountDownLatch g = gate;
            if (g != null && !g.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gate never opened");
            }
            clock.advance(d);
        } finally {
            waiting.decrementAndGet();
        }
    }
}
