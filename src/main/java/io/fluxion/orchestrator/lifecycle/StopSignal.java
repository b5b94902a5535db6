package io.fluxion.orchestrator.lifecycle;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "This process is stopping" (SIGTERM, or a stop of the Camel context), raised once and never lowered.
 * Every long wait of a window run watches it: the chunk in flight is given up, no store or retry starts,
 * waits for ECS end, and the backend's start is only <em>requested</em> ({@code UpdateService}), within
 * {@link #GRACE} of the signal, because ECS kills the task {@code stopTimeout} (30 s by default) after
 * SIGTERM. Raised by {@link StopOnShutdown}.
 */
public final class StopSignal {
    /**
     * After the signal, how long the backend's start may still be tried (transient ECS errors retried):
     * well inside ECS's default 30 s between SIGTERM and SIGKILL.
     */
    public static final Duration GRACE = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(StopSignal.class);

    private final CountDownLatch raised = new CountDownLatch(1);
    private volatile String reason;
    private volatile long raisedAtNanos;
    private volatile Supplier<String> work = () -> null;

    /**
     * Names the work a stop interrupts, for the stop's log line ("window run #12"; null when there is none): a stop
     * with nothing in progress (the end of {@code run-window}, an idle service) is an INFO, not a warning.
     */
    public void describeWorkWith(Supplier<String> work) {
        this.work = work;
    }

    private String inProgress() {
        try {
            return work.get();
        } catch (RuntimeException e) {
            return "the work in progress";
        }
    }

    /** Raises the signal (the first reason is kept); returns true the first time. */
    public boolean raise(String why) {
        synchronized (this) {
            if (reason != null) {
                return false;
            }
            raisedAtNanos = System.nanoTime();
            reason = why;
        }
        String work = inProgress();
        if (work == null) {
            LOG.info("Stopping: {}; no window run in progress", why);
        } else {
            LOG.warn("Stopping: {}; {} gives up its store in flight, rolls it back, releases DuckDB and asks for the"
                    + " backend's start", why, work);
        }
        raised.countDown();
        return true;
    }

    public boolean isRaised() {
        return reason != null;
    }

    /** Why the process is stopping; null while it is not. */
    public String reason() {
        return reason;
    }

    /** Sleeps {@code d}, or less when the signal is raised meanwhile; true when the whole time passed. */
    public boolean sleep(Duration d) throws InterruptedException {
        if (d.isNegative() || d.isZero()) {
            return !isRaised();
        }
        return !raised.await(d.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** What is left of {@link #GRACE} since the signal (zero when spent); null while the signal is not raised. */
    public Duration graceLeft() {
        if (!isRaised()) {
            return null;
        }
        Duration left = GRACE.minusNanos(System.nanoTime() - raisedAtNanos);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
