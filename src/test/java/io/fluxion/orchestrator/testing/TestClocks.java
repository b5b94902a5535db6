package io.fluxion.orchestrator.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import io.fluxion.orchestrator.FluxionConfiguration;

/** Clocks for tests: a controlled starting instant that then ticks with real time (so timeouts still elapse). */
public final class TestClocks {
    public static final ZoneId CARACAS = ZoneId.of("America/Caracas");

    private TestClocks() {
    }

    /** A clock that reads {@code start} now and advances in real time from there. */
    public static Clock ticking(Instant start) {
        return Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), start));
    }

    /**
     * The clock of a test that sets neither a clock nor the window hours: ticking from 2026-11-21 12:00
     * Caracas, the middle of the day after the tests' usual business date 2026-11-20, far outside the
     * default window (01:00-06:00). So no test depends on the hour the suite runs at.
     */
    public static Clock outsideTheWindow() {
        return caracas(2026, 11, 21, 12, 0);
    }

    /** The beans plus {@link #outsideTheWindow()} as the app's clock, unless the test chose a clock or window hours. */
    public static Map<String, Object> withDefaultClock(Map<String, String> props, Map<String, Object> beans) {
        if (beans.containsKey(FluxionConfiguration.CLOCK) || props.containsKey("fluxion.window.start")
                || props.containsKey("fluxion.window.zone")) {
            return beans;
        }
        Map<String, Object> out = new HashMap<>(beans);
        out.put(FluxionConfiguration.CLOCK, outsideTheWindow());
        return out;
    }

    /** A ticking clock starting at the given wall time in Caracas. */
    public static Clock caracas(int year, int month, int day, int hour, int minute) {
        return ticking(ZonedDateTime.of(year, month, day, hour, minute, 0, 0, CARACAS).toInstant());
    }
}
