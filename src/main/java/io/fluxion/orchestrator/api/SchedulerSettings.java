package io.fluxion.orchestrator.api;

import io.fluxion.orchestrator.config.Beans;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.schedule.SavedSettings;
import io.fluxion.orchestrator.schedule.WindowClock;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TimeZone;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.quartz.CronScheduleBuilder;
import org.quartz.Scheduler;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler settings an operator changes through {@code PUT /api/etl/scheduler/config}: the
 * time the nightly run fires, attempts per store and the interval between them. They are read and saved by
 * {@link SavedSettings} (the ledger's setting over the configuration, the rule the window uses too; the saved
 * start time is applied to the cron at start), and moving the start reschedules the Quartz trigger of route
 * {@code nightly-window} at once.
 */
public class SchedulerSettings {
    /** Ledger setting: the window start "HH:mm" (the time the nightly run fires). */
    public static final String WINDOW_START = SavedSettings.WINDOW_START;
    public static final String WINDOW_ROUTE = "nightly-window";
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerSettings.class);

    private final FluxionConfig config;
    private final SavedSettings saved;
    private final Clock clock;
    private final CamelContext context;

    public SchedulerSettings(FluxionConfig config, Ledger ledger, Clock clock, CamelContext context) {
        this.config = config;
        this.saved = SavedSettings.of(config, ledger, clock);
        this.clock = clock;
        this.context = context;
    }

    /** The window start: the saved setting over {@code fluxion.window.start}. */
    public LocalTime windowStart() {
        return saved.windowStart();
    }

    /** The start saved in this ledger, if any ({@link SavedSettings#savedWindowStart()}). */
    public static java.util.Optional<LocalTime> savedStart(Ledger ledger) {
        return SavedSettings.of(null, ledger, null).savedWindowStart();
    }

    /** The operators' store controls now ({@link SavedSettings#storeRules()}). */
    public io.fluxion.orchestrator.schedule.StoreRules storeRules() {
        return saved.storeRules();
    }

    public LocalTime windowEnd() {
        return config.window().end();
    }

    public int maxAttempts() {
        return saved.maxAttempts();
    }

    /** The retry interval in whole minutes (at least 1: the configuration may say less). */
    public int retryIntervalMinutes() {
        return (int) Math.max(1, saved.retryInterval().toMinutes());
    }

    public boolean enabled() {
        return saved.windowEnabled();
    }

    public void enabled(boolean on) {
        saved.windowEnabled(on);
    }

    /** "1:00 AM - 6:00 AM" with the effective start. */
    public String windowLabel() {
        return FluxionConfig.Window.clock12(windowStart()) + " - " + FluxionConfig.Window.clock12(windowEnd());
    }

    /** The next time the nightly run fires after now (from the fluxionClock, in the window zone). */
    public ZonedDateTime nextStart() {
        ZonedDateTime now = ZonedDateTime.ofInstant(clock.instant(), config.window().zone());
        ZonedDateTime today = now.toLocalDate().atTime(windowStart()).atZone(config.window().zone());
        return now.isBefore(today) ? today : today.plusDays(1);
    }

    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        LocalTime start = windowStart();
        m.put("hour", start.getHour());
        m.put("minute", start.getMinute());
        m.put("max_retries", maxAttempts());
        m.put("max_attempts", maxAttempts());
        m.put("retry_interval_minutes", retryIntervalMinutes());
        m.put("enabled", enabled());
        m.put("window_start", start.toString());
        m.put("window_end", windowEnd().toString());
        m.put("maintenance_window", windowLabel());
        m.put("timezone", config.window().zone().getId());
        return m;
    }

    /** A validated change; null fields are left as they are. */
    public record Change(Integer hour, Integer minute, Integer maxAttempts, Integer retryIntervalMinutes, Boolean enabled) {
    }

    /** Checks the whole change first (nothing is saved on a 400), then saves it and moves the trigger. */
    public Map<String, Object> apply(Change c) {
        LocalTime current = windowStart();
        LocalTime start = LocalTime.of(c.hour() == null ? current.getHour() : c.hour(),
                c.minute() == null ? current.getMinute() : c.minute());
        if (!start.isBefore(windowEnd())) {
            throw ApiException.badRequest(c.hour() != null ? "hour" : "minute", "the window start " + start
                    + " must be before the window end " + windowEnd() + " (fluxion.window.end)");
        }
        if (c.maxAttempts() != null) {
            saved.maxAttempts(c.maxAttempts());
        }
        if (c.retryIntervalMinutes() != null) {
            saved.retryIntervalMinutes(c.retryIntervalMinutes());
        }
        if (c.enabled() != null) {
            enabled(c.enabled());
        }
        if (!start.equals(current)) {
            saved.windowStart(start);
            reschedule(start);
            WindowClock windowClock = context.getRegistry().lookupByNameAndType(Beans.WINDOW_CLOCK, WindowClock.class);
            if (windowClock != null) {
                windowClock.moveStart(start);
            }
        }
        LOG.info("Scheduler settings changed: {}", view());
        return view();
    }

    /** Quartz cron of a start time. */
    public static String cron(LocalTime start) {
        return "0 " + start.getMinute() + " " + start.getHour() + " * * ?";
    }

    /**
     * Two instances (SPEC 2.8; route cluster-settings, every few seconds): the window start saved in the shared
     * ledger, perhaps through the other instance, becomes this instance's (its window clock, and the Quartz trigger
     * when it leads: a trigger started on gaining the leadership carries the configured start). Returns whether
     * anything moved.
     */
    public boolean syncSavedStart() {
        LocalTime start = windowStart();
        boolean moved = false;
        WindowClock windowClock = context.getRegistry().lookupByNameAndType(Beans.WINDOW_CLOCK, WindowClock.class);
        if (windowClock != null && !start.equals(windowClock.window().start())) {
            windowClock.moveStart(start);
            LOG.info("Window start {} saved in the ledger (by the other instance?) applied here", start);
            moved = true;
        }
        String next = nextFireCron();
        if (next != null && !next.equals(cron(start))) {
            reschedule(start);
            moved = true;
        }
        return moved;
    }

    /** The cron of the nightly window's live Quartz trigger, or null when there is none here (a follower). */
    private String nextFireCron() {
        QuartzEndpoint q = windowEndpoint();
        try {
            Scheduler s = q == null ? null : q.getComponent().getScheduler();
            Trigger t = s == null || q.getTriggerKey() == null ? null : s.getTrigger(q.getTriggerKey());
            return t instanceof org.quartz.CronTrigger c ? c.getCronExpression() : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** The nightly window's Quartz endpoint (behind the master: endpoint when the cluster is on). */
    private QuartzEndpoint windowEndpoint() {
        Route route = context.getRoute(WINDOW_ROUTE);
        org.apache.camel.Endpoint e = route == null ? null : route.getEndpoint();
        if (e instanceof org.apache.camel.component.master.MasterEndpoint m) {
            e = m.getEndpoint();
        }
        return e instanceof QuartzEndpoint q ? q : null;
    }

    /** Moves the Quartz trigger of the nightly window to the new start (in the window zone). */
    void reschedule(LocalTime start) {
        QuartzEndpoint q = windowEndpoint();
        if (q == null) {
            return;
        }
        try {
            Scheduler s = q.getComponent().getScheduler();
            TriggerKey key = q.getTriggerKey();
            Trigger old = s == null || key == null ? null : s.getTrigger(key);
            if (old == null) {
                return;
            }
            String cron = cron(start);
            TimeZone tz = TimeZone.getTimeZone(config.window().zone());
            Trigger neu = TriggerBuilder.newTrigger().withIdentity(key).forJob(old.getJobKey())
                    .usingJobData(new org.quartz.JobDataMap(old.getJobDataMap()))
                    .withSchedule(CronScheduleBuilder.cronSchedule(cron).inTimeZone(tz)
                            .withMisfireHandlingInstructionFireAndProceed())
                    .startNow().build();
            neu.getJobDataMap().put("CamelQuartzTriggerCronExpression", cron);
            neu.getJobDataMap().put("CamelQuartzTriggerCronTimeZone", tz.getID());
            s.rescheduleJob(key, neu);
            LOG.info("Nightly window trigger moved to {} {} (next fire {})", start, tz.getID(),
                    s.getTrigger(key).getNextFireTime());
        } catch (Exception e) {
            throw new IllegalStateException("cannot move the nightly window trigger: " + e.getMessage(), e);
        }
    }

    Duration retryInterval() {
        return Duration.ofMinutes(retryIntervalMinutes());
    }
}
