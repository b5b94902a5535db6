package io.fluxion.orchestrator.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * A clock the test moves by hand. Frozen by default: it reads the same instant until set or advanced.
 * {@link #ticking()} makes it also advance with real time from there (so rates and timeouts elapse),
 * while {@link #set} and {@link #advance} still jump.
 */
public final class MutableClock extends Clock {
    private volatile Instant base;
    private volatile long baseNanos = System.nanoTime();
    private volatile boolean ticking;

    public MutableClock(Instant start) {
        this.base = start;
    }

    /** A frozen clock at the given wall time in America/Caracas. */
    public static MutableClock caracas(int year, int month, int day, int hour, int minute) {
        return new MutableClock(ZonedDateTime.of(year, month, day, hour, minute, 0, 0, TestClocks.CARACAS).toInstant());
    }

    /** From now on the clock also moves with real time. */
    public synchronized MutableClock ticking() {
        base = instant();
        baseNanos = System.nanoTime();
        ticking = true;
        return this;
    }

    public synchronized void set(Instant t) {
        base = t;
        baseNanos = System.nanoTime();
    }

    /** Sets the wall time in America/Caracas. */
    public void setCaracas(int year, int month, int day, int hour, int minute) {
        set(ZonedDateTime.of(year, month, day, hour, minute, 0, 0, TestClocks.CARACAS).toInstant());
    }

    public synchronized void advance(Duration d) {
        set(instant().plus(d));
    }

    @Override
    public Instant instant() {
        return ticking ? base.plusNanos(System.nanoTime() - baseNanos) : base;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
