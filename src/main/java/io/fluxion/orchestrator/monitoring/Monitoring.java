package io.fluxion.orchestrator.monitoring;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.schedule.WindowClock;
import io.fluxion.orchestrator.window.RunSummary;
import io.fluxion.orchestrator.window.WindowRun;
import io.fluxion.orchestrator.window.WindowService;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The monitoring hooks the routes call (bean {@code monitoring}): at the end of a window run
 * ({@link #windowFinished}), when a window trigger is skipped ({@link #windowSkipped}), at the end of a KLK
 * trigger ({@link #klkFinished}), and every {@code fluxion.alerts.check-interval} ({@link #periodicCheck}).
 * Each updates the metrics and raises the alerts of docs/MONITORING.md. A hook never throws: monitoring
 * must not change the outcome of what it watches.
 */
public class Monitoring {
    private static final Logger LOG = LoggerFactory.getLogger(Monitoring.class);
    /** Lines of a run's failed stores quoted in an alert (the rest are counted). */
    static final int MAX_LINES = 10;

    private final FluxionConfig config;
    private final WindowClock clock;
    private final WindowService window;
    private final Alerts alerts;
    private final FluxionMetrics metrics;
    private final MonitoringLedger ledger;

    public Monitoring(FluxionConfig config, WindowClock clock, WindowService window, Alerts alerts, FluxionMetrics metrics,
                      MonitoringLedger ledger) {
        this.config = config;
        this.clock = clock;
        this.window = window;
        this.alerts = alerts;
        this.metrics = metrics;
        this.ledger = ledger;
    }

    public FluxionMetrics metrics() {
        return metrics;
    }

    public Alerts alerts() {
        return alerts;
    }

    // ---- window ---------------------------------------------------------------------------------

    /** End of a window run (doFinally, body = {@link RunSummary}, property = the {@link WindowRun}). */
    public void windowFinished(Exchange ex) {
        try {
            RunSummary s = ex.getIn().getBody(RunSummary.class);
            WindowRun run = ex.getProperty(WindowService.RUN, WindowRun.class);
            if (s == null) {
                return;
            }
            onWindowFinished(s, run);
        } catch (RuntimeException e) {
            LOG.error("Monitoring of the window run's end failed (the run is not affected): {}", e.toString(), e);
        }
    }

    void onWindowFinished(RunSummary s, WindowRun run) {
        metrics.windowRuns(s.kind(), FluxionMetrics.outcome(s.status())).increment();
        for (RunSummary.Line l : s.lines()) {
            String outcome = switch (l.status()) {
                case "SUCCEEDED" -> "succeeded";
                case "PENDING" -> "not_started";
                default -> "failed";
            };
            metrics.storeLoads(l.storeId(), outcome).increment();
            if ("SUCCEEDED".equals(l.status())) {
                metrics.rowsLoaded(l.storeId()).increment(l.rows());
            }
        }
        metrics.lastRun(s.duration(), s.downtime(), s.staging());
        metrics.refresh();

        String head = "Window run #" + s.runId() + " (" + s.kind() + ", business dates " + dates(s.dates()) + ")";
        boolean backendNotBack = run != null && run.backendTouched() && run.backendStartedAt() == null;
        if (backendNotBack) {
            alerts.raise(Alerts.BACKEND_NOT_BACK, "CRITICAL", "backend-not-back:run:" + s.runId(), s.runId(),
                    head + ": the backend is NOT running again (backend mode " + config.backend().mode()
                            + "). Start it now: the frontend is down until it runs. " + reason(s));
        }
        if (!s.succeeded() && !"SKIPPED".equals(s.status())) {
            alerts.raise(Alerts.WINDOW_FAILED, "CRITICAL", "window-failed:run:" + s.runId(), s.runId(),
                    head + " FAILED: " + s.storesFailed() + " of " + s.total() + " store loads failed, "
                            + s.rows() + " rows loaded, duration " + Durations.format(s.duration()) + ", backend downtime "
                            + (s.downtime() == null ? "none" : Durations.format(s.downtime())) + ". " + reason(s)
                            + failedLines(s));
        }
        Duration max = alerts.settings().maxDuration();
        if (s.duration() != null && s.duration().compareTo(max) > 0) {
            alerts.raise(Alerts.MAX_DURATION, "WARNING", "max-duration:run:" + s.runId(), s.runId(),
                    head + " lasted " + Durations.format(s.duration()) + ", more than fluxion.alerts.max-duration "
                            + Durations.format(max) + ".");
        }
        if (alerts.settings().summary()) {
            alerts.raise(Alerts.SUMMARY, "INFO", null, s.runId(), head + " " + s.status() + ": " + s.storesSucceeded()
                    + " of " + s.total() + " store loads succeeded, " + s.rows() + " rows, duration "
                    + Durations.format(s.duration()) + ", backend downtime "
                    + (s.downtime() == null ? "none" : Durations.format(s.downtime())) + "." + failedLines(s));
        }
        checkDaysBehind();
    }

    /** A window trigger the guard skipped (body = {@link RunSummary} with status SKIPPED). */
    public void windowSkipped(Exchange ex) {
        try {
            RunSummary s = ex.getIn().getBody(RunSummary.class);
            if (s != null) {
                metrics.windowRuns(s.kind(), "skipped").increment();
            }
        } catch (RuntimeException e) {
            LOG.error("Monitoring of a skipped window run failed: {}", e.toString(), e);
        }
    }

    // ---- KLK ------------------------------------------------------------------------------------

    /** Outcome of a KLK trigger as {@link io.fluxion.orchestrator.klk.KlkRoute} tells it (route, status, reason, ...). */
    public void klkFinished(Map<String, Object> outcome) {
        try {
            if (outcome == null || outcome.get("route") == null || outcome.get("status") == null) {
                return;
            }
            String route = String.valueOf(outcome.get("route"));
            String status = String.valueOf(outcome.get("status"));
            if ("DISABLED".equals(status)) {
                return;
            }
            metrics.klkRuns(route, FluxionMetrics.outcome(status)).increment();
            if ("FAILED".equals(status)) {
                checkKlkStreak(route, outcome.get("reason"));
            }
        } catch (RuntimeException e) {
            LOG.error("Monitoring of a KLK run failed (the run is not affected): {}", e.toString(), e);
        }
    }

    private void checkKlkStreak(String route, Object lastReason) {
        int n = alerts.settings().klkFailures();
        List<String> recent = ledger.recentKlkOutcomes(route, 1000);
        int streak = 0;
        for (String st : recent) {
            if (!"FAILED".equals(st)) {
                break;
            }
            streak++;
        }
        if (streak > 0 && streak % n == 0) {
            alerts.raise(Alerts.KLK_FAILURES, "CRITICAL", null, null, "KLK route " + route + ": " + streak
                    + " runs in a row failed (fluxion.alerts.klk-failures " + n + "). Last reason: " + lastReason);
        }
    }

    // ---- periodic checks ------------------------------------------------------------------------

    /** Every {@code fluxion.alerts.check-interval}: the running window's duration and backend, the stores' lag. */
    public void periodicCheck() {
        try {
            window.current().ifPresent(this::checkRunning);
            checkDaysBehind();
        } catch (RuntimeException e) {
            LOG.error("Periodic monitoring check failed: {}", e.toString(), e);
        }
    }

    void checkRunning(WindowRun run) {
        Instant now = clock.now();
        Duration max = alerts.settings().maxDuration();
        Duration elapsed = Duration.between(run.startedAt(), now);
        if (elapsed.compareTo(max) > 0) {
            alerts.raise(Alerts.MAX_DURATION, "WARNING", "max-duration:run:" + run.getId(), run.getId(),
                    "Window run #" + run.getId() + " (" + run.getKind() + ") has been running for "
                            + Durations.format(elapsed) + ", more than fluxion.alerts.max-duration " + Durations.format(max)
                            + "; phase " + run.phase() + ", " + run.count(io.fluxion.orchestrator.window.StoreProgress.Status.SUCCEEDED)
                            + " of " + run.getWorkItems().size() + " store loads done.");
        }
        // down from its stop until it runs again (a staged run: only around each merge)
        if (run.backendDown()) {
            ZonedDateTime started = run.startedAt().atZone(config.window().zone());
            ZonedDateTime end = clock.windowEnd(started.toLocalDate());
            if (end.toInstant().isBefore(run.startedAt())) {
                end = clock.windowEnd(started.toLocalDate().plusDays(1));
            }
            if (!now.isBefore(end.toInstant())) {
                alerts.raise(Alerts.BACKEND_NOT_BACK, "CRITICAL", "backend-not-back:run:" + run.getId(), run.getId(),
                        "Window run #" + run.getId() + ": the window ended at " + end.toLocalTime() + " "
                                + config.window().zone().getId() + " and the backend is still not running (run in phase "
                                + run.phase() + ", backend mode " + config.backend().mode() + ").");
            }
        }
    }

    /** Stores more than {@code fluxion.alerts.days-behind} days behind: once per store and business date. */
    void checkDaysBehind() {
        int limit = alerts.settings().daysBehind();
        LocalDate yesterday = clock.businessDate();
        Map<String, LocalDate> last = metrics.lastLoadedDates();
        // a store an operator disabled is not behind: it is out
        for (StoreConfig s : window.windowStores()) {
            LocalDate d = last.get(s.id());
            if (d == null) {
                continue; // never loaded: the window's failure alert says so
            }
            long behind = ChronoUnit.DAYS.between(d, yesterday);
            if (behind > limit) {
                alerts.raise(Alerts.DAYS_BEHIND, "WARNING", "days-behind:" + s.id() + ":" + yesterday, null,
                        "Store " + s.id() + (s.name() == null ? "" : " (" + s.name() + ")") + " is " + behind
                                + " days behind: last loaded business date " + d + ", yesterday was " + yesterday
                                + " (fluxion.alerts.days-behind " + limit + ").");
            }
        }
    }

    // ---- texts ----------------------------------------------------------------------------------

    private static String dates(List<LocalDate> dates) {
        if (dates.size() <= 3) {
            return dates.stream().map(LocalDate::toString).collect(Collectors.joining(", "));
        }
        return dates.get(0) + " .. " + dates.get(dates.size() - 1) + " (" + dates.size() + ")";
    }

    private static String reason(RunSummary s) {
        return s.reason() == null ? "" : "Reason: " + s.reason() + ".";
    }

    private static String failedLines(RunSummary s) {
        List<RunSummary.Line> failed = s.lines().stream().filter(l -> !"SUCCEEDED".equals(l.status())).toList();
        if (failed.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (RunSummary.Line l : failed.subList(0, Math.min(MAX_LINES, failed.size()))) {
            sb.append("\n- ").append(l.storeId()).append(' ').append(l.date()).append(' ').append(l.status())
                    .append(", attempts ").append(l.attempts());
            if (l.error() != null) {
                sb.append(": ").append(l.error().length() > 300 ? l.error().substring(0, 300) + "..." : l.error());
            }
        }
        if (failed.size() > MAX_LINES) {
            sb.append("\n- and ").append(failed.size() - MAX_LINES).append(" more");
        }
        return sb.toString();
    }

    Optional<WindowRun> current() {
        return window.current();
    }
}
