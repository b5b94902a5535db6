package io.fluxion.orchestrator.schedule;

import io.fluxion.orchestrator.config.FluxionConfig;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;

/**
 * The window's calendar: is an instant inside the maintenance window, which business date does a
 * window load, when does it open and close. Every answer comes from the injected {@link Clock} and
 * the configured zone, never from the JVM's default zone.
 */
public class WindowClock {
    private final Clock clock;
    private volatile FluxionConfig.Window window;

    public WindowClock(Clock clock, FluxionConfig.Window window) {
        this.clock = clock;
        this.window = window;
    }

    public Clock clock() {
        return clock;
    }

    public FluxionConfig.Window window() {
        return window;
    }

    /**
     * Moves the window start (an operator's saved setting, PUT /api/etl/scheduler/config), so that the
     * window hours, deadlines, start-up recovery and the KLK skip follow the Quartz trigger.
     */
    public void moveStart(java.time.LocalTime start) {
        FluxionConfig.Window w = window;
        window = new FluxionConfig.Window(w.zone(), start, w.end(), w.enabled(), w.systems(), w.recoveryDays(),
                w.strategy(), w.maxMerges());
    }

    public Instant now() {
        return clock.instant();
    }

    public ZonedDateTime zonedNow() {
        return ZonedDateTime.ofInstant(clock.instant(), window.zone());
    }

    public LocalDate today() {
        return zonedNow().toLocalDate();
    }

    /** The business date a window opened now loads: yesterday in the window zone. */
    public LocalDate businessDate() {
        return today().minusDays(1);
    }

    /** The window start on the given calendar day (the night after that day's business date). */
    public ZonedDateTime windowStart(LocalDate day) {
        return day.atTime(window.start()).atZone(window.zone());
    }

    public ZonedDateTime windowEnd(LocalDate day) {
        return day.atTime(window.end()).atZone(window.zone());
    }

    /** True when now is between today's window start (inclusive) and end (exclusive). */
    public boolean inWindowHours() {
        return inWindowHours(clock.instant());
    }

    public boolean inWindowHours(Instant t) {
        ZonedDateTime z = ZonedDateTime.ofInstant(t, window.zone());
        return !z.isBefore(windowStart(z.toLocalDate())) && z.isBefore(windowEnd(z.toLocalDate()));
    }

    /** The next window start strictly after now. */
    public ZonedDateTime nextWindowStart() {
        ZonedDateTime now = zonedNow();
        ZonedDateTime today = windowStart(now.toLocalDate());
        return now.isBefore(today) ? today : windowStart(now.toLocalDate().plusDays(1));
    }
}
