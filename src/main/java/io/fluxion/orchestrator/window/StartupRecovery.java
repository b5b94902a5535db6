package io.fluxion.orchestrator.window;

import io.fluxion.orchestrator.backend.BackendControl;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.lifecycle.ProcessOwner;
import io.fluxion.orchestrator.schedule.WindowClock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the service does once when it starts ({@code routes/startup-recovery.camel.yaml}), from the ledger:
 * <ol>
 *   <li>Runs left open by a process that is gone (killed, or stopped by SIGTERM mid-window: see
 *       {@link ProcessOwner} for how "gone" is told) are closed: their RUNNING attempts failed (DuckDB rolled
 *       them back with the dead connection), the run FAILED with the phase it was in. A run of this very
 *       process (opened while this check ran) or of a process on another data dir is never closed.</li>
 *   <li>If such a run had touched the backend (it may be stopped): inside the window, before the run
 *       deadline, a {@code recovery} window resumes the (store, date) pairs not yet committed, plus the
 *       night's plan; otherwise the backend is started at once. The backend is never left stopped.</li>
 *   <li>Otherwise, inside the window hours, when tonight's window never ran (the process was down at
 *       the start) and the plan has work: a {@code catch-up} window runs now. Outside the window hours
 *       nothing runs: the next window takes the missed dates (the backend is never stopped in the day
 *       unless an operator asks).</li>
 * </ol>
 * Sets the header {@link WindowService#KIND} (and {@link WindowService#RESUME_ITEMS}) when the route must
 * open a window; the decision is kept for the API and the tests. Until the decision is made no other window
 * opens ({@link WindowService#startupDecided()}): the window it decides on, if any, opens first.
 */
public class StartupRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(StartupRecovery.class);

    private final FluxionConfig config;
    private final WindowClock clock;
    private final Ledger ledger;
    private final BackendControl backend;
    private final WindowService window;
    private final ProcessOwner me;
    private volatile String decision;

    public StartupRecovery(FluxionConfig config, WindowClock clock, Ledger ledger, BackendControl backend,
                           WindowService window, ProcessOwner me) {
        this.config = config;
        this.clock = clock;
        this.ledger = ledger;
        this.backend = backend;
        this.window = window;
        this.me = me;
    }

    /** The decision of the start-up check (null until it ran). */
    public String decision() {
        return decision;
    }

    public void check(Exchange ex) {
        try {
            decide(ex);
        } finally {
            // a window decided on opens the gate itself when it opens (first); otherwise windows may open now
            if (ex.getIn().getHeader(WindowService.KIND) == null) {
                window.startupDecided();
            }
        }
    }

    private void decide(Exchange ex) {
        Instant now = clock.now();
        // two instances (SPEC 2.8): this runs where the leadership was gained (a master: timer); the leader whose
        // epoch the ledger names recovers, anything else leaves the ledger alone
        String notLeader = window.leadership().refusal();
        if (notLeader != null) {
            decision = "nothing: " + notLeader;
            LOG.info("Start-up recovery: {}", decision);
            return;
        }
        Instant tonight = clock.windowStart(clock.today()).toInstant();
        // did tonight's window already run (before this start)? open runs are about to be closed, ignore them
        boolean ranTonight = ledger.runsSince(tonight).stream().anyMatch(r -> WindowPlan.isPlanned(r.kind())
                && !"SKIPPED".equals(r.status()) && !"RUNNING".equals(r.status()));

        Interrupted interrupted = closeOpenRuns(now);
        boolean backendMayBeDown = interrupted.backendMayBeDown();
        List<WorkItem> resume = interrupted.resume();
        List<String> closed = interrupted.closed();

        Instant deadline = window.deadline("recovery", now);
        boolean inWindow = clock.inWindowHours(now) && now.isBefore(deadline);
        if (backendMayBeDown && inWindow && !resume.isEmpty()) {
            decision = "resume: recovery window for " + resume.size() + " store load(s) of interrupted run(s) "
                    + closed + " plus tonight's plan";
            ex.getIn().setHeader(WindowService.KIND, "recovery");
            ex.getIn().setHeader(WindowService.REQUESTED_BY, "start-up recovery of " + String.join(",", closed));
            ex.getIn().setHeader(WindowService.RESUME_ITEMS, resume);
        } else if (backendMayBeDown) {
            decision = "backend started: interrupted run(s) " + closed + (inWindow ? " had nothing left to load"
                    : " and the window is over; the missing dates go to the next window");
            startBackendNow(closed, now);
        } else if (inWindow && !ranTonight && window.isEnabled() && !window.pendingPlan().isEmpty()) {
            decision = "catch-up: tonight's window start (" + clock.windowStart(clock.today()).toLocalTime()
                    + ") was missed; running it now";
            ex.getIn().setHeader(WindowService.KIND, "catch-up");
            ex.getIn().setHeader(WindowService.REQUESTED_BY, "start-up catch-up");
        } else {
            decision = "nothing to do" + (closed.isEmpty() ? "" : " (closed " + closed + ")")
                    + (clock.inWindowHours(now) ? "" : "; next window at " + clock.nextWindowStart());
        }
        LOG.info("Start-up recovery: {}", decision);
    }

    /** What closing the runs a dead process left open found. */
    public record Interrupted(List<String> closed, boolean backendMayBeDown, List<WorkItem> resume) {
    }

    /**
     * Closes the runs a dead process left RUNNING (also called by {@code run-window}, which then runs its own
     * window with its own stop and start of the backend): FAILED with the phase they were in, their
     * unfinished attempts failed. Says whether the backend may be down and which (store, date) to resume.
     */
    public Interrupted closeOpenRuns(Instant now) {
        boolean backendMayBeDown = false;
        Set<WorkItem> resume = new LinkedHashSet<>();
        List<String> closed = new ArrayList<>();
        boolean cluster = window.leadership().enabled();
        if (cluster) {
            // the leader's view: every open run of another process belongs to a former leader (only leaders open
            // runs), dead or fenced off; its KLK runs too
            int klk = ledger.abandonKlkRuns("the leader changed during the run (node " + window.leadership().node()
                    + " took over)", now, true);
            if (klk > 0) {
                LOG.warn("Start-up recovery: {} KLK run(s) of a former leader marked FAILED (each load was one DuckDB"
                        + " transaction)", klk);
            }
        }
        List<String> foreign = cluster ? List.of() : ledger.foreignOpenRuns(me);
        if (!foreign.isEmpty()) {
            LOG.info("Start-up recovery: open run(s) {} belong to processes on other data dirs sharing this ledger;"
                    + " left to them", foreign);
        }
        for (RunRecord r : cluster ? ledger.orphanedRunsOfOthers(me) : ledger.orphanedRuns(me)) {
            closed.add("#" + r.id());
            if (!isWindowRun(r)) {
                ledger.abandonAttempts(r.id(), "the process stopped during this run", now);
                ledger.finishRun(r.id(), "FAILED", "interrupted: the process stopped during the run", 0, 0, 0, 0, now);
                LOG.warn("Start-up recovery: run #{} ({}) was interrupted by the process's end; marked FAILED", r.id(),
                        r.kind());
                continue;
            }
            ledger.abandonAttempts(r.id(), "interrupted: the process stopped during this attempt; DuckDB rolled it back",
                    now);
            // strategy staged: pairs committed in a staging file but never merged are not loaded; the staging file
            // is discarded by the next staged run, which stages them again
            ledger.abandonStaged(r.id(), "interrupted: staged but not merged when the process stopped; the staging file"
                    + " is discarded", now);
            List<AttemptRecord> attempts = ledger.attempts(r.id());
            Set<String> loaded = attempts.stream().filter(a -> "SUCCEEDED".equals(a.status()))
                    .map(a -> a.storeId() + "|" + a.businessDate()).collect(Collectors.toSet());
            List<WorkItem> notLoaded = new ArrayList<>();
            for (LocalDate d : r.businessDates()) {
                for (String s : storeIds(r)) {
                    WorkItem w = new WorkItem(s, d);
                    StoreConfig sc = config.store(s);
                    if (!loaded.contains(w.key()) && sc != null && sc.enabled()) {
                        notLoaded.add(w);
                    }
                }
            }
            boolean touched = !"UNTOUCHED".equals(r.backendState()) && !"STARTED".equals(r.backendState());
            backendMayBeDown |= touched;
            // died (or stopped by SIGTERM: START_REQUESTED) while stopping or loading: resume the ETL; died while
            // restarting: the ETL was over, just start
            if ("STOPPING".equals(r.backendState()) || "STOPPED".equals(r.backendState())
                    || "START_REQUESTED".equals(r.backendState())) {
                resume.addAll(notLoaded);
            }
            long rows = attempts.stream().filter(a -> "SUCCEEDED".equals(a.status()) && a.rows() != null)
                    .mapToLong(AttemptRecord::rows).sum();
            int total = r.businessDates().size() * storeIds(r).size();
            String reason = "interrupted: the process stopped during the run (backend " + r.backendState()
                    + "); " + notLoaded.size() + " store load(s) not committed; closed by start-up recovery"
                    + (r.reason() == null ? "" : "; " + r.reason());
            ledger.finishRun(r.id(), "FAILED", reason, total, loaded.size(), total - loaded.size(), rows, now);
            LOG.warn("Start-up recovery: window run #{} ({}) was interrupted (backend {}): {} of {} store loads committed,"
                    + " not committed: {}", r.id(), r.kind(), r.backendState(), loaded.size(), total, notLoaded);
        }

        return new Interrupted(closed, backendMayBeDown, List.copyOf(resume));
    }

    /** Outside the window (or nothing left to load): start the backend now, recorded as a recovery run. */
    private void startBackendNow(List<String> closed, Instant now) {
        long id = ledger.startRun("recovery", "start-up recovery of " + String.join(",", closed), List.of(), List.of(),
                backend.mode(), now);
        long step = ledger.stepStarted(id, "start-backend", now);
        ledger.backendState(id, "STARTING", now);
        try {
            backend.start();
            Instant t = clock.now();
            ledger.backendState(id, "STARTED", t);
            ledger.stepEnded(step, "OK", "backend running (" + backend.mode() + ")", t);
            ledger.finishRun(id, "SUCCEEDED", "backend started after interrupted run(s) " + closed, 0, 0, 0, 0, t);
            LOG.info("Start-up recovery: backend started ({}) after interrupted run(s) {}", backend.mode(), closed);
        } catch (RuntimeException e) {
            Instant t = clock.now();
            String reason = "ALERT backend did not come back: " + Secrets.scrub(e.getMessage(), config.secrets());
            ledger.backendState(id, "START_FAILED", t);
            ledger.stepEnded(step, "FAILED", reason, t);
            ledger.finishRun(id, "FAILED", reason, 0, 0, 0, 0, t);
            LOG.error("Start-up recovery: {}", reason, e);
        }
    }

    private static boolean isWindowRun(RunRecord r) {
        return !r.kind().startsWith("klk");
    }

    private static List<String> storeIds(RunRecord r) {
        return r.storeIds() == null || r.storeIds().isBlank() ? List.of()
                : Arrays.stream(r.storeIds().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
