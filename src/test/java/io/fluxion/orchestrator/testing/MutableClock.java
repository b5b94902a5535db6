package io.fluxion.orchestrator.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock a test controls: it starts at a chosen instant, ticks with real time (so rates and
 * timeouts still elapse), and jumps forward when the test calls {@link #advance} or {@link #set}.
 */
public final class MutableClock extends Clock {
    private final AtomicReference<Duration> offset;

    public MutableClock(Instant start) {
        this.offset = new AtomicReference<>(Duration.between(Instant.now(), start));
    }

    /** A clock reading the given wall time in America/Caracas. */
    public static MutableClock caracas(int year, int month, int day, int hour, int minute) {
        return new MutableClock(ZonedDateTime.of(year, month, day, hour, minute, 0, 0, TestClocks.CARACAS).toInstant());
    }

    public void advance(Duration d) {
        offset.updateAndGet(o -> o.plus(d));
    }

    public void set(Instant t) {
        offset.set(Duration.between(Instant.now(), t));
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the application reads instants and applies its own zone");
    }
}
