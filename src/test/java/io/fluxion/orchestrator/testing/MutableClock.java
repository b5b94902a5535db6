package io.fluxion.orchestrator.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** A clock the test moves by hand: it reads the same instant until set or advanced. */
public final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant start) {
        this.now = start;
    }

    /** A clock at the given wall time in America/Caracas. */
    public static MutableClock caracas(int year, int month, int day, int hour, int minute) {
        return new MutableClock(ZonedDateTime.of(year, month, day, hour, minute, 0, 0, TestClocks.CARACAS).toInstant());
    }

    public void set(Instant t) {
        now = t;
    }

    public void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public Instant instant() {
        return now;
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
