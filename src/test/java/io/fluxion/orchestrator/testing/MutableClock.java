package io.fluxion.orchestrator.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** A clock that stands still until the test sets or advances it. */
public final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant start) {
        this.now = start;
    }

    public static MutableClock caracas(int y, int m, int d, int h, int min) {
        return new MutableClock(ZonedDateTime.of(y, m, d, h, min, 0, 0, TestClocks.CARACAS).toInstant());
    }

    public void set(Instant i) {
        now = i;
    }

    /** Sets the wall time in Caracas. */
    public void setCaracas(int y, int m, int d, int h, int min) {
        now = ZonedDateTime.of(y, m, d, h, min, 0, 0, TestClocks.CARACAS).toInstant();
    }

    public synchronized void advance(Duration d) {
        now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
