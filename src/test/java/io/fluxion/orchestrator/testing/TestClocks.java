package io.fluxion.orchestrator.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** Clocks for tests: a controlled starting instant that then ticks with real time (so timeouts still elapse). */
public final class TestClocks {
    public static final ZoneId CARACAS = ZoneId.of("America/Caracas");

    private TestClocks() {
    }

    /** A clock that reads {@code start} now and advances in real time from there. */
    public static Clock ticking(Instant start) {
        return Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), start));
    }

    /** 2026-11-21 12:00 Caracas (ticking): noon of the day after the tests' usual business date 2026-11-20. */
    public static Clock outsideTheWindow() {
        return caracas(2026, 11, 21, 12, 0);
    }

    /** A ticking clock starting at the given wall time in Caracas. */
    public static Clock caracas(int year, int month, int day, int hour, int minute) {
        return ticking(ZonedDateTime.of(year, month, day, hour, minute, 0, 0, CARACAS).toInstant());
    }
}
