package io.fluxion.orchestrator.window;

import io.fluxion.orchestrator.backend.BackendControl;
import io.fluxion.orchestrator.cluster.Leadership;
import io.fluxion.orchestrator.backend.WaitAbandonedException;
import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.config.Texts;
import io.fluxion.orchestrator.etl.DuckDbWriter;
import io.fluxion.orchestrator.etl.SourceProbe;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.StoreDayRecord;
import io.fluxion.orchestrator.lifecycle.StopRequestedException;
import io.fluxion.orchestrator.lifecycle.StopSignal;
import io.fluxion.orchestrator.schedule.SavedSettings;
import io.fluxion.orchestrator.schedule.WindowClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the maintenance window, called in order by {@code routes/nightly-window.camel.yaml}:
 * guard, stop the backend, take the DuckDB writer, (the route splits the stores), release DuckDB,
 * start the backend, summary. Each step is recorded in the ledger with its timestamps.
 * What a run loads, until when and what it retries is {@link WindowPlan}'s (pure); the operators' settings are
 * {@link SavedSettings}'; scheduling, parallelism and retries live in the routes, not here.
 */
public class WindowService {
    public static final String RUN = "fluxionRun";
    public static final String SKIPPED = "fluxionSkipped";
    /** Header: scheduled | manual | cli. */
    public static final String KIND = "FluxionKind";
    /** Header: {@code List<LocalDate>} of business dates to load (default: the window's plan). */
    public static final String DATES = "FluxionDates";
    /** Header: {@code List<String>} of store ids (default: every window store). */
    public static final String STORES = "FluxionStores";
    public static final String REQUESTED_BY = "FluxionRequestedBy";
    public static final String RETRY_ITEMS = "fluxionRetryItems";
    /** Header: {@code List<WorkItem>} an interrupted run had not loaded yet (start-up recovery resumes them). */
    public static final String RESUME_ITEMS = "FluxionResumeItems";

    /** Longest a window (other than the start-up decision's own) waits for the start-up decision before it opens anyway. */
    static final Duration STARTUP_WAIT = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(WindowService.class);

    private final FluxionConfig config;
    private final WindowClock clock;
    private final Ledger ledger;
    private final SavedSettings settings;
    private final BackendControl backend;
    private final DuckDbWriter writer;
    private final Sleeper sleeper;
    private final StopSignal stop;
    private final WindowPlan planner;
    private final SourceProbe probe;
    private final AtomicReference<WindowRun> current = new AtomicReference<>();
    /** Ends of runs the ledger refused to record; written when the next run opens (at most a few are kept). */
    private final java.util.concurrent.ConcurrentLinkedQueue<UnrecordedEnd> unrecordedEnds =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private record UnrecordedEnd(long runId, String status, String reason, int total, int ok, int failed, long rows,
                                 Instant at) {
    }
    private final CountDownLatch startupDecided = new CountDownLatch(1);
    private volatile Leadership leadership;
    private volatile RunSummary last;

    public WindowService(FluxionConfig config, WindowClock clock, Ledger ledger, SavedSettings settings,
                         BackendControl backend, DuckDbWriter writer, Sleeper sleeper, StopSignal stop, SourceProbe probe) {
        this.sleeper = sleeper;
        this.probe = probe;
        this.config = config;
        this.clock = clock;
        this.ledger = ledger;
        this.settings = settings;
        this.backend = backend;
        this.writer = writer;
        this.stop = stop;
        this.planner = new WindowPlan(config, clock);
        this.leadership = Leadership.single(io.fluxion.orchestrator.config.ClusterConfig.single(), clock.clock());
    }

    /** Two instances (SPEC 2.8): the window opens only where this says so ({@link Leadership#refusal()}). */
    public void leadership(Leadership leadership) {
        this.leadership = leadership;
    }

    public Leadership leadership() {
        return leadership;
    }

    /**
     * The start-up decision is made (by {@link StartupRecovery}, or by {@code run-window} once it closed the runs a
     * dead process left open): windows may open. Before that, an API trigger is answered 503 and any other window
     * waits, so that the start-up check never takes a live run for an interrupted one.
     */
    public void startupDecided() {
        startupDecided.countDown();
    }

    public boolean isStartupDecided() {
        return startupDecided.getCount() == 0;
    }

    /** The process is stopping: no window opens, the one in progress is being aborted. */
    public boolean isStopping() {
        return stop.isRaised();
    }

    /** The active run, if any. */
    public Optional<WindowRun> current() {
        return Optional.ofNullable(current.get());
    }

    public Optional<RunSummary> lastSummary() {
        return Optional.ofNullable(last);
    }

    /** Enabled flag of the scheduled window ({@link SavedSettings}: the ledger's setting over the configuration). */
    public boolean isEnabled() {
        return settings.windowEnabled();
    }

    /** Attempts per (store, date) ({@link SavedSettings}). */
    public int maxAttempts() {
        return settings.maxAttempts();
    }

    /** Wait before a failed store's next attempt ({@link SavedSettings}). */
    public Duration retryInterval() {
        return settings.retryInterval();
    }

    // ---- step 1: guard --------------------------------------------------------------------------

    /**
     * Decides whether the run starts. Skips (recorded with the reason) when the scheduled window is
     * disabled, when its business dates are all completed, or when another run or writer is active.
     * Sets the {@link #RUN} property, or {@link #SKIPPED} with the skip summary as body.
     */
    public void open(Exchange ex) {
        recordUnrecordedEnds();
        String kind = ex.getIn().getHeader(KIND, "scheduled", String.class);
        // the start-up decision's own window (a resumed or late night): opening it ends the start-up gate
        boolean startupsOwn = "recovery".equals(kind) || "catch-up".equals(kind);
        try {
            if (!startupsOwn) {
                awaitStartupDecision();
            }
            doOpen(ex, kind);
        } finally {
            if (startupsOwn) {
                startupDecided();
            }
        }
    }

    private void awaitStartupDecision() {
        try {
            if (!startupDecided.await(STARTUP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Window: the start-up decision was not made within {}; opening anyway", Durations.format(STARTUP_WAIT));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void doOpen(Exchange ex, String kind) {
        String by = ex.getIn().getHeader(REQUESTED_BY, kind, String.class);
        @SuppressWarnings("unchecked")
        List<LocalDate> requested = ex.getIn().getHeader(DATES, List.class);
        @SuppressWarnings("unchecked")
        List<String> storeIds = ex.getIn().getHeader(STORES, List.class);
        @SuppressWarnings("unchecked")
        List<WorkItem> resume = ex.getIn().getHeader(RESUME_ITEMS, List.class);
        java.util.Date due = ex.getIn().getHeader("scheduledFireTime", java.util.Date.class);
        Instant now = clock.now();
        WindowPlan.Coverage coverage = coverage();
        WindowPlan.Run plan = planner.plan(new WindowPlan.Request(kind, requested, storeIds, resume, isEnabled(),
                due == null ? null : due.toInstant()), coverage, now);
        List<LocalDate> dates = plan.dates();
        List<WorkItem> items = plan.items();

        String skip = stop.isRaised() ? "the process is stopping" : plan.refusal();
        WindowRun active = current.get();
        if (skip == null && active != null) {
            skip = "another run holds the DuckDB writer: run #" + active.getId();
        }
        // two instances (SPEC 2.8): only the leader whose epoch the ledger still names opens a run
        if (skip == null) {
            skip = leadership.refusal();
        }
        // a KLK sync or the inventory holds the writer briefly (bounded by fluxion.klk.timeout, fluxion.inventory.timeout):
        // wait for it rather than skip the night
        Optional<String> holder = skip == null ? writer.awaitHolder(briefWait()) : Optional.empty();
        if (holder.isPresent()) {
            skip = "another writer holds DuckDB: " + holder.get();
        }
        if (skip != null) {
            skip(ex, kind, by, dates.isEmpty() ? planner.dates(coverage, now) : dates, skip, now);
            return;
        }

        Map<String, StoreProgress> progress = new LinkedHashMap<>();
        for (WorkItem w : items) {
            StoreConfig s = config.store(w.storeId());
            progress.put(w.key(), new StoreProgress(s.id(), s.name(), w.date(), ledger.lastLoadedRows(s.id()).orElse(null)));
        }
        long id = ledger.startRun(kind, by, dates, items.stream().map(WorkItem::storeId).distinct().toList(),
                backend.mode(), now);
        WindowRun run = new WindowRun(id, kind, dates, items, progress, now, plan.deadline());
        run.staged(config.window().staged());
        if (run.isStaged()) {
            run.phase(WindowRun.Phase.STAGING);
        }
        if (!current.compareAndSet(null, run)) {
            ledger.finishRun(id, "SKIPPED", "another run started at the same moment", 0, 0, 0, 0, now);
            skip(ex, kind, by, dates, "another run started at the same moment", now);
            return;
        }
        try {
            long step = ledger.stepStarted(id, "guard", now);
            ledger.runStrategy(id, run.strategy());
            ledger.stepEnded(step, "OK", "dates " + Texts.dates(dates) + ", " + items.size() + " store loads, backend "
                    + backend.mode() + ", strategy " + run.strategy() + ", deadline " + run.deadline(), now);
        } catch (RuntimeException e) {
            // nothing is touched yet: the run ends here, and never stays open in memory
            current.compareAndSet(run, null);
            LOG.error("Window run #{} ({}) not started: the ledger refused its guard step: {}", id, kind, e.getMessage());
            try {
                ledger.finishRun(id, "FAILED", "ledger error at the guard step: " + e.getMessage(), 0, 0, 0, 0, now);
            } catch (RuntimeException again) {
                LOG.error("Window run #{}: the ledger could not record its end either: {}", id, again.getMessage());
            }
            throw e;
        }
        LOG.info("Window run #{} ({}) opened: business dates {}, {} store loads ({}), backend mode {}, strategy {},"
                + " deadline {}", id, kind, Texts.dates(dates), items.size(), Texts.list(items.stream()
                        .map(WorkItem::storeId).distinct().toList(), 20), backend.mode(), run.strategy(), run.deadline());
        ex.setProperty(RUN, run);
        ex.setProperty(SKIPPED, false);
    }

    /** Ends of earlier runs the ledger refused: tried again, so the ledger does not show them running for good. */
    private void recordUnrecordedEnds() {
        while (unrecordedEnds.size() > 20) {
            unrecordedEnds.poll();
        }
        for (UnrecordedEnd e : List.copyOf(unrecordedEnds)) {
            try {
                ledger.finishRun(e.runId(), e.status(), e.reason(), e.total(), e.ok(), e.failed(), e.rows(), e.at());
                unrecordedEnds.remove(e);
                LOG.info("Window run #{}: its end ({}) is now recorded in the ledger", e.runId(), e.status());
            } catch (RuntimeException ex) {
                LOG.warn("Window run #{}: the ledger still refuses to record its end: {}", e.runId(), ex.getMessage());
            }
        }
    }

    /** What the ledger knows, as the plan needs it. */
    private WindowPlan.Coverage coverage() {
        io.fluxion.orchestrator.schedule.StoreRules rules = settings.storeRules();
        return new WindowPlan.Coverage() {
            @Override
            public Map<LocalDate, String> businessDays(LocalDate from, LocalDate to) {
                return ledger.businessDays(from, to);
            }

            @Override
            public Set<WorkItem> loaded() {
                return ledger.storeDays().stream().filter(r -> "LOADED".equals(r.status()))
                        .map(r -> new WorkItem(r.storeId(), r.businessDate())).collect(Collectors.toSet());
            }

            @Override
            public io.fluxion.orchestrator.schedule.StoreRules rules() {
                return rules;
            }
        };
    }

    /** The longest the brief writer now (a KLK sync, the inventory) may hold DuckDB: a window waits that long for it. */
    private java.time.Duration briefWait() {
        // the inventory's lease is named after its route (KlkRoute: the lease's owner is the route's name)
        boolean inventory = writer.holder().filter("inventory-all"::equals).isPresent();
        return inventory ? config.inventory().timeout() : config.klk().timeout();
    }

    /** The stores the window loads now: enabled (the operators' flag over the configuration), highest priority first. */
    public List<StoreConfig> windowStores() {
        return planner.windowStores(settings.storeRules());
    }

    /** (store, date) pairs the window's own plan would load now: not-completed dates, stores not LOADED. */
    public List<WorkItem> pendingPlan() {
        return planner.pending(coverage(), clock.now());
    }

    /** No store attempt of a run of this kind opened now starts after this instant ({@link WindowPlan#deadline}). */
    Instant deadline(String kind, Instant now) {
        return planner.deadline(kind, now);
    }

    private void skip(Exchange ex, String kind, String by, List<LocalDate> dates, String reason, Instant now) {
        long id = ledger.skippedRun(kind, by, dates, reason, now);
        LOG.info("Window run #{} ({}) skipped: {}", id, kind, reason);
        RunSummary s = new RunSummary(id, kind, "SKIPPED", reason, dates, 0, 0, 0, 0, Duration.ZERO, null, List.of());
        ex.setProperty(SKIPPED, true);
        ex.getIn().setBody(s);
    }

    // ---- step 1b: the stores' connectivity --------------------------------------------------------

    /**
     * Probes the source of every store of the run (connect + {@code SELECT 1}, in parallel, the round bounded by
     * {@code fluxion.monitoring.probe-timeout}) and records each answer in the ledger ({@code store_probe}). A store
     * found unreachable is not loaded in this round: {@link StoreEtl#begin} records its attempt failed with the probe's
     * reason without opening DuckDB or pulling a chunk, and it is retried per the retry rules (each retry round probes
     * its stores again first). Never fails the run: a ledger that refuses the probe's records is logged.
     */
    public void probeStores(Exchange ex) {
        WindowRun run = run(ex);
        run.phase(WindowRun.Phase.PROBING_STORES);
        probe(run, run.getWorkItems().stream().map(WorkItem::storeId).distinct().toList());
    }

    private void probe(WindowRun run, List<String> storeIds) {
        if (storeIds.isEmpty() || stop.isRaised()) {
            return;
        }
        Instant started = clock.now();
        // never throws: a store that does not answer within the probe timeout is unreachable
        SourceProbe.Round round = probe.probe(storeIds.stream().map(config::store).toList(), "window run #" + run.getId());
        run.probed(round);
        List<SourceProbe.Result> down = round.unreachable();
        String detail = (round.results().size() - down.size()) + " of " + round.results().size()
                + " store sources answer" + (down.isEmpty() ? "" : "; unreachable, not loaded now (retried per the"
                + " retry rules): " + Texts.list(down.stream().map(r -> r.storeId() + " (" + r.error() + ")").toList(), 10));
        if (down.isEmpty()) {
            LOG.info("Window run #{}: {}", run.getId(), detail);
        } else {
            LOG.warn("Window run #{}: {}", run.getId(), detail);
        }
        // the ledger's trouble changes nothing of the above: logged, and the run goes on
        try {
            long step = ledger.stepStarted(run.getId(), "probe-stores", started);
            for (SourceProbe.Result r : round.results().values()) {
                ledger.storeProbe(run.getId(), r.storeId(), r.reachable(), r.millis(), r.error(), r.at());
            }
            ledger.stepEnded(step, down.isEmpty() ? "OK" : "UNREACHABLE", detail, clock.now());
        } catch (RuntimeException e) {
            LOG.warn("Window run #{}: the ledger did not record the store probe: {}", run.getId(),
                    Secrets.scrub(e.getMessage(), config.secrets()));
        }
    }

    // ---- step 2: stop the backend ----------------------------------------------------------------

    /** Scales the backend to zero and waits for the drain; throws when it does not drain (DuckDB is then never touched). */
    public void stopBackend(Exchange ex) {
        WindowRun run = run(ex);
        if (stop.isRaised()) {
            run.fail("stopped before the backend was touched: " + stop.reason());
            throw new StopRequestedException("the process is stopping: the backend is not stopped");
        }
        run.phase(WindowRun.Phase.STOPPING_BACKEND);
        long step = ledger.stepStarted(run.getId(), "stop-backend", clock.now());
        // from here on the backend may be down: the finally step must start it whatever happens
        run.backendTouched(true);
        run.backendDown(true);
        ledger.backendState(run.getId(), "STOPPING", clock.now());
        try {
            backend.stop();
        } catch (RuntimeException e) {
            String reason = "backend did not stop: " + e.getMessage();
            ledger.stepEnded(step, "FAILED", reason, clock.now());
            run.fail(reason);
            throw e;
        }
        Instant now = clock.now();
        run.backendStoppedAt(now);
        ledger.backendState(run.getId(), "STOPPED", now);
        ledger.stepEnded(step, "OK", "backend stopped (" + backend.mode() + ")" + note(), now);
        LOG.info("Window run #{}: backend stopped ({})", run.getId(), backend.mode());
    }

    // ---- step 3: the ETL (the route splits over getWorkItems()) -----------------------------------

    /** Takes the DuckDB writer lease for the ETL; fails the run with a clear reason when the file is held. */
    public void acquireWriter(Exchange ex) {
        WindowRun run = run(ex);
        run.phase(run.isStaged() ? WindowRun.Phase.MERGING : WindowRun.Phase.ETL);
        long step = ledger.stepStarted(run.getId(), run.isStaged() ? "merge" : "etl", clock.now());
        ex.setProperty("fluxionEtlStep", step);
        try {
            run.lease(writer.acquire("window run #" + run.getId(), briefWait()));
        } catch (RuntimeException e) {
            ledger.stepEnded(step, "FAILED", e.getMessage(), clock.now());
            throw e;
        }
        dropImported(run);
    }

    /**
     * A planned run never reloads what DuckDB already holds: the (store, date) pairs a coverage import found
     * after this run planned (the file was held when the service started, so the import waited for this lease)
     * leave the run before its ETL pulls anything.
     */
    private void dropImported(WindowRun run) {
        if (!WindowPlan.isPlanned(run.getKind())) {
            return;
        }
        Instant now = clock.now();
        List<WorkItem> dropped = run.drop(ledger.importedSince(run.startedAt()));
        if (dropped.isEmpty()) {
            return;
        }
        String detail = "dropped " + dropped.size() + " (store, date) pair(s) DuckDB already holds (imported coverage): "
                + Texts.list(dropped, 10) + "; " + run.getWorkItems().size() + " left to load";
        LOG.info("Window run #{}: {}", run.getId(), detail);
        record(run, "the import-coverage step", () -> ledger.stepEnded(ledger.stepStarted(run.getId(), "import-coverage",
                now), "OK", detail, now));
    }

    /** doCatch of the window: anything that stopped the window before its end (ETL throw, backend never drained). */
    public void failed(Exchange ex) {
        WindowRun run = run(ex);
        Exception e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String reason = e == null ? "unknown error" : Secrets.scrub(e.getMessage(), config.secrets());
        run.fail(reason);
        LOG.error("Window run #{} failed: {}", run.getId(), reason, e);
    }

    /** Loop condition of the retries: some (store, date) failed with attempts left and the deadline not reached. */
    public boolean retriesDue(Exchange ex) {
        WindowRun run = run(ex);
        return run.failure() == null && !run.retriesStopped() && !stop.isRaised() && !retryable(run).isEmpty()
                && clock.now().isBefore(run.pullDeadline());
    }

    /** Store loads that failed and may be tried again (attempts left). */
    public List<StoreProgress> retryable(WindowRun run) {
        return WindowPlan.retryable(run.progress(), maxAttempts(), settings.storeRules());
    }

    /** Pending retries of the active run (for the status API). */
    public int pendingRetries() {
        WindowRun run = current.get();
        return run == null ? 0 : retryable(run).size();
    }

    /**
     * Waits until the earliest failed store is due again ({@code fluxion.etl.retry-interval} after its
     * failure) and sets {@code fluxionRetryItems} to every store due by then. When the next retry would
     * fall after the deadline, nothing more is tried.
     */
    public void awaitRetry(Exchange ex) throws InterruptedException {
        WindowRun run = run(ex);
        Duration interval = retryInterval();
        io.fluxion.orchestrator.schedule.StoreRules rules = settings.storeRules();
        Instant due = WindowPlan.nextRetry(retryable(run), interval, rules).orElse(run.pullDeadline());
        if (due.isAfter(run.pullDeadline())) {
            if (run.isStaged()) {
                LOG.info("Window run #{}: the next retry ({}) would start after this round's stage deadline {}; merging"
                        + " what is staged first", run.getId(), due, run.pullDeadline());
            } else {
                LOG.warn("Window run #{}: the next retry ({}) would start after the deadline {}; no more attempts",
                        run.getId(), due, run.deadline());
            }
            run.noMoreRetries();
            ex.setProperty(RETRY_ITEMS, List.of());
            return;
        }
        Duration wait = Duration.between(clock.now(), due);
        if (!wait.isNegative() && !wait.isZero()) {
            LOG.info("Window run #{}: {} store load(s) failed, next attempt in {}", run.getId(), retryable(run).size(),
                    Durations.format(wait));
            sleeper.sleep(wait);
        }
        if (stop.isRaised()) {
            LOG.warn("Window run #{}: no retry, {}", run.getId(), stop.reason());
            run.noMoreRetries();
            ex.setProperty(RETRY_ITEMS, List.of());
            return;
        }
        Instant now = clock.now();
        List<WorkItem> items = WindowPlan.dueRetries(retryable(run), interval, rules, now);
        // a store still unreachable fails this attempt at once (StoreEtl.begin) rather than waiting out its chunks
        probe(run, items.stream().map(WorkItem::storeId).distinct().toList());
        for (WorkItem w : items) {
            LOG.info("Window run #{}: retrying {} (attempt {} of {})", run.getId(), w, run.progress(w).attempts() + 1,
                    rules.maxAttempts(w.storeId(), maxAttempts()));
        }
        ex.setProperty(RETRY_ITEMS, items);
    }

    // ---- strategy staged: stage while the backend serves, stop it only to merge ----------------------

    /** Time kept free before the run deadline for a merge stop: the drain (stop timeout) plus the merge itself. */
    static final Duration MERGE_RESERVE = Duration.ofMinutes(5);

    /**
     * Strategy staged, before the first pull: discards what a dead run left in the staging folder (never merged),
     * opens this run's staging files. The backend is not touched: it keeps serving.
     */
    public void beginStaging(Exchange ex) {
        WindowRun run = run(ex);
        run.phase(WindowRun.Phase.STAGING);
        Instant now = clock.now();
        java.nio.file.Path dir = config.dataDir().resolve("staging");
        int discarded = io.fluxion.orchestrator.etl.Staging.discardAll(dir);
        if (discarded > 0) {
            LOG.warn("Window run #{}: discarded {} staging file(s) left by an earlier run in {} (never merged)",
                    run.getId(), discarded, dir);
        }
        run.staging(new io.fluxion.orchestrator.etl.Staging(dir, clock.clock()));
        run.stagingStarted(now);
        ex.setProperty("fluxionStageStep", ledger.stepStarted(run.getId(), "stage", now));
        LOG.info("Window run #{}: staging {} store load(s) into {} while the backend serves; stage deadline {}",
                run.getId(), run.getWorkItems().size(), dir, stageDeadline(run, 1));
    }

    /**
     * The last instant a staging round may pull: the run deadline minus the stop timeout and {@link #MERGE_RESERVE}
     * (the merge stop must end before the window does); round k of n ends at the k-th n-th of the time up to it.
     */
    Instant stageDeadline(WindowRun run, int round) {
        Instant last = run.deadline().minus(config.backend().stopTimeout()).minus(MERGE_RESERVE);
        if (!last.isAfter(run.startedAt())) {
            // a window too short for the reserve: stage until the run deadline
            last = run.deadline();
        }
        int n = config.window().maxMerges();
        if (round >= n) {
            return last;
        }
        Duration span = Duration.between(run.startedAt(), last);
        return run.startedAt().plus(span.multipliedBy(round).dividedBy(n));
    }

    /**
     * Loop condition of the staged rounds. Round 1 stages every (store, date) of the run; a further round (up to
     * {@code fluxion.window.max-merges}) only when pairs that failed with attempts left remain, the run has no
     * failure of its own and the final stage deadline has not passed: their retries, then a second merge stop.
     * Sets {@code fluxionStageItems} (round 1: every item; later: none, the retries loop picks them).
     */
    public boolean nextRound(Exchange ex) {
        WindowRun run = run(ex);
        int next = run.round() + 1;
        Instant now = clock.now();
        if (next == 1) {
            run.nextRound(stageDeadline(run, 1));
            ex.setProperty(STAGE_ITEMS, run.getWorkItems());
            return !run.getWorkItems().isEmpty();
        }
        if (next > config.window().maxMerges() || run.failure() != null || stop.isRaised() || retryable(run).isEmpty()
                || !now.isBefore(stageDeadline(run, config.window().maxMerges()))) {
            return false;
        }
        run.nextRound(stageDeadline(run, next));
        run.phase(WindowRun.Phase.STAGING);
        run.stagingStarted(now);
        ex.setProperty(STAGE_ITEMS, List.of());
        LOG.info("Window run #{}: staging round {} for {} store load(s) not staged in time; stage deadline {}",
                run.getId(), next, retryable(run).size(), run.pullDeadline());
        return true;
    }

    /** Exchange property: the (store, date) items a staging round splits over. */
    public static final String STAGE_ITEMS = "fluxionStageItems";

    /**
     * After a round's staging: true when staged pairs wait for a merge (then the backend is stopped for it). The
     * staging time of the round ends here.
     */
    public boolean mergeDue(Exchange ex) {
        WindowRun run = run(ex);
        run.stagingStopped(clock.now());
        long staged = run.count(StoreProgress.Status.STAGED);
        if (staged == 0) {
            LOG.info("Window run #{}: nothing staged in round {}, no merge stop", run.getId(), run.round());
            return false;
        }
        if (run.failure() != null || stop.isRaised()) {
            return false;
        }
        LOG.info("Window run #{}: {} store load(s) staged; stopping the backend to merge them (round {})", run.getId(),
                staged, run.round());
        return true;
    }

    /**
     * The merge (backend stopped, writer lease held): every STAGED pair replaced in the analytics file from its
     * staging file, in one DuckDB transaction ({@link io.fluxion.orchestrator.etl.StagedMerge}); then the ledger: each
     * pair SUCCEEDED (merged) with store_day LOADED, or a suspect pair kept. A failure leaves the file as it was and
     * the pairs STAGED (the run's end records them failed: not merged).
     */
    public void mergeStaged(Exchange ex) {
        WindowRun run = run(ex);
        io.fluxion.orchestrator.etl.Staging staging = run.staging();
        if (staging.inUse()) {
            throw new IllegalStateException("a staging file is still open: nothing is merged while a store stages");
        }
        List<StoreProgress> pairs = run.progress().stream().filter(p -> p.status() == StoreProgress.Status.STAGED)
                .toList();
        Instant started = clock.now();
        boolean keepOnEmpty = WindowPlan.isPlanned(run.getKind());
        List<io.fluxion.orchestrator.etl.StagedMerge.Outcome> outcomes;
        try (java.sql.Connection c = run.lease().connection()) {
            outcomes = io.fluxion.orchestrator.etl.StagedMerge.merge(c, pairs.stream().map(p ->
                    new io.fluxion.orchestrator.etl.StagedMerge.Pair(p.storeId(), p.date(), staging.file(p.storeId())))
                    .toList(), keepOnEmpty);
        } catch (java.sql.SQLException e) {
            throw new io.fluxion.orchestrator.etl.LoadException("DuckDB merge: " + e.getMessage(), e);
        }
        Instant now = clock.now();
        run.merged();
        long rows = 0;
        for (io.fluxion.orchestrator.etl.StagedMerge.Outcome o : outcomes) {
            WorkItem w = new WorkItem(o.pair().storeId(), o.pair().date());
            StoreProgress p = run.progress(w);
            Long attemptId = p.attemptId();
            if (o.kept()) {
                String why = "suspect: the source returned no row for a day DuckDB holds " + o.rows() + " rows of"
                        + " (SUM(total) " + o.total() + "); a " + run.getKind() + " run never replaces them with none,"
                        + " so they stay (an explicit run-window --date " + w.date() + " or API sync replaces them)";
                p.keptOldRows(why, now);
                LOG.warn("Store {} {}: {}", w.storeId(), w.date(), why);
                if (attemptId != null) {
                    record(run, "a suspect merge", () -> ledger.attemptKeptOldRows(attemptId, run.getId(), w.storeId(),
                            w.date(), o.rows(), o.total(), why, now));
                }
                continue;
            }
            String note = p.note();
            if (o.rows() == 0 && o.replaced() > 0) {
                String replaced = "replaced the " + o.replaced() + " rows DuckDB held with none (explicit order of a "
                        + run.getKind() + " run)";
                note = note == null ? replaced : note + "; " + replaced;
            }
            p.succeeded(o.rows(), now);
            p.note(note);
            rows += o.rows();
            String n = note;
            if (attemptId != null) {
                record(run, "a merged store load", () -> ledger.attemptMerged(attemptId, run.getId(), w.storeId(),
                        w.date(), o.rows(), o.total(), p.leftOut(), n, now));
            }
        }
        LOG.info("Window run #{}: merged {} staged store load(s), {} rows, in {} (round {})", run.getId(),
                outcomes.size(), rows, Durations.format(Duration.between(started, now)), run.round());
    }

    /**
     * The end of a staged run's staging (finally): every staging connection closed and the files deleted; pairs
     * still STAGED (their merge failed or never came) are recorded failed, not merged.
     */
    public void endStaging(Exchange ex) {
        WindowRun run = run(ex);
        io.fluxion.orchestrator.etl.Staging staging = run.staging();
        if (staging == null) {
            return;
        }
        Instant now = clock.now();
        run.stagingStopped(now);
        try {
            staging.discard();
        } catch (RuntimeException e) {
            LOG.warn("Window run #{}: the staging files could not be deleted (the next run discards them): {}",
                    run.getId(), e.getMessage());
        }
        run.staging(null);
        String why = "staged, not merged: " + (run.failure() != null ? run.failure()
                : stop.isRaised() ? "the process is stopping" : "no merge stop was possible") + "; loaded by a later run";
        for (StoreProgress p : run.progress()) {
            if (p.status() == StoreProgress.Status.STAGED) {
                p.failed(Texts.clip(why, 500), now);
            }
        }
        record(run, "the staged pairs not merged", () -> ledger.abandonStaged(run.getId(), Texts.clip(why, 500), now));
        Long step = ex.getProperty("fluxionStageStep", Long.class);
        if (step != null) {
            record(run, "the end of the stage step", () -> ledger.stepEnded(step, run.failure() == null ? "OK" : "FAILED",
                    "staged while the backend served for " + Durations.format(run.stagingTime()) + " in "
                            + run.round() + " round(s), " + run.merges() + " merge stop(s)", now));
        }
    }

    // ---- step 4: release DuckDB, start the backend (finally) ---------------------------------------

    /** Closes every DuckDB connection of this process, so the backend can open the file. */
    public void releaseWriter(Exchange ex) {
        WindowRun run = run(ex);
        run.phase(WindowRun.Phase.RELEASING_DUCKDB);
        Long etlStep = ex.getProperty("fluxionEtlStep", Long.class);
        ex.removeProperty("fluxionEtlStep");
        DuckDbWriter.Lease lease = run.lease();
        if (run.isStaged() && lease == null && etlStep == null) {
            // staged: this merge round (or the run's end) holds nothing of the analytics file
            return;
        }
        if (lease != null) {
            lease.close();
            run.lease(null);
        }
        record(run, "the end of the etl step", () -> {
            if (etlStep != null && run.failure() == null) {
                ledger.stepEnded(etlStep, "OK", run.count(StoreProgress.Status.SUCCEEDED) + " of "
                        + run.getWorkItems().size() + " loaded, " + run.rows() + " rows", clock.now());
            } else if (etlStep != null) {
                ledger.stepEnded(etlStep, "FAILED", run.failure(), clock.now());
            }
        });
        record(run, "the release-duckdb step", () -> {
            long step = ledger.stepStarted(run.getId(), "release-duckdb", clock.now());
            ledger.stepEnded(step, "OK", "no connection of this process is open on " + writer.path(), clock.now());
        });
    }

    /**
     * A ledger write of the finally steps: a ledger error is logged and noted in the run's reason, and never
     * stops what follows (starting the backend, ending the run).
     */
    private void record(WindowRun run, String what, Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            String reason = "ledger error while recording " + what + ": " + e.getMessage();
            LOG.error("Window run #{}: {}", run.getId(), reason);
            run.fail(Texts.clip(reason, 500));
        }
    }

    /**
     * Starts the backend again if this run touched it, whatever happened before. Never throws: a
     * backend that does not come back is recorded and logged as an ALERT.
     */
    public void startBackend(Exchange ex) {
        WindowRun run = run(ex);
        if (!run.backendTouched()) {
            return;
        }
        run.phase(WindowRun.Phase.STARTING_BACKEND);
        long[] step = {-1};
        // the ledger's trouble never keeps the backend down: each write is on its own, the start is not
        record(run, "the start-backend step", () -> step[0] = ledger.stepStarted(run.getId(), "start-backend", clock.now()));
        if (stop.isRaised()) {
            requestStart(run, step[0]);
            return;
        }
        record(run, "the start-backend step", () -> ledger.backendState(run.getId(), "STARTING", clock.now()));
        try {
            backend.start();
            Instant now = clock.now();
            run.backendStartedAt(now);
            if (run.backendStoppedAt() != null) {
                run.addDowntime(Duration.between(run.backendStoppedAt(), now));
            }
            run.backendDown(false);
            if (run.isStaged()) {
                // this merge stop is over: a later round stops (and this step starts) the backend again
                run.backendTouched(false);
            }
            LOG.info("Window run #{}: backend started ({})", run.getId(), backend.mode());
            record(run, "the backend's start", () -> {
                ledger.backendState(run.getId(), "STARTED", now);
                if (step[0] >= 0) {
                    ledger.stepEnded(step[0], "OK", "backend running (" + backend.mode() + ")" + note(), now);
                }
            });
        } catch (WaitAbandonedException e) {
            // the scale-up was sent; the process stops before the tasks run: the next start makes sure they do
            // (backend_state stays STARTING: the ETL was over, the next start only starts the backend)
            String detail = "scale-up sent, running not confirmed: " + Secrets.scrub(e.getMessage(), config.secrets())
                    + "; the next start checks the backend";
            run.aborted("the backend's start was sent, running not confirmed (" + stop.reason() + ")");
            LOG.warn("Window run #{}: {}", run.getId(), detail);
            record(run, "the backend's requested start", () -> {
                if (step[0] >= 0) {
                    ledger.stepEnded(step[0], "REQUESTED", detail, clock.now());
                }
            });
        } catch (RuntimeException e) {
            String reason = "ALERT backend did not come back: " + Secrets.scrub(e.getMessage(), config.secrets());
            run.fail(reason);
            LOG.error("Window run #{}: {}", run.getId(), reason, e);
            record(run, "the backend's failed start", () -> {
                ledger.backendState(run.getId(), "START_FAILED", clock.now());
                if (step[0] >= 0) {
                    ledger.stepEnded(step[0], "FAILED", reason, clock.now());
                }
            });
        }
    }

    /**
     * The process is stopping (ECS kills the task ~30 s after SIGTERM): ask for the backend's start without
     * waiting for its tasks. backend_state START_REQUESTED and the run left open in the ledger tell the next start
     * to close this run, make sure the backend runs, and resume the night if still inside the window.
     */
    private void requestStart(WindowRun run, long step) {
        // the request comes first: the ledger's trouble never delays it
        record(run, "the backend's requested start", () -> ledger.backendState(run.getId(), "START_REQUESTED", clock.now()));
        try {
            backend.requestStart();
            String detail = "start requested (" + backend.mode() + ", desired count " + config.backend().desiredCount()
                    + "), running not confirmed: " + stop.reason() + "; the next start checks the backend" + note();
            run.aborted("store loads in flight rolled back, backend start requested, running not confirmed ("
                    + stop.reason() + ")");
            LOG.warn("Window run #{}: {}", run.getId(), detail);
            if (step >= 0) {
                record(run, "the backend's requested start", () -> ledger.stepEnded(step, "REQUESTED", detail, clock.now()));
            }
        } catch (RuntimeException e) {
            String reason = "ALERT the backend's start could not be requested while stopping: "
                    + Secrets.scrub(e.getMessage(), config.secrets()) + "; the next start starts it";
            run.aborted(reason);
            LOG.error("Window run #{}: {}", run.getId(), reason, e);
            if (step >= 0) {
                record(run, "the backend's requested start", () -> ledger.stepEnded(step, "FAILED", reason, clock.now()));
            }
        }
    }

    // ---- step 5: summary --------------------------------------------------------------------------

    /**
     * Closes the run in the ledger, marks completed business dates, and sets the {@link RunSummary} as body.
     * The run ends in memory whatever the ledger does: a ledger error is logged and named in the reason.
     */
    public RunSummary finish(Exchange ex) {
        WindowRun run = run(ex);
        try {
            Instant now = clock.now();
            run.phase(WindowRun.Phase.DONE);
            int total = run.getWorkItems().size();
            int ok = (int) run.count(StoreProgress.Status.SUCCEEDED);
            int failed = total - ok;
            String reason = reason(run, total, failed);
            String status = run.failure() == null && failed == 0 ? "SUCCEEDED" : "FAILED";
            if (run.aborted() == null && stop.isRaised() && (run.failure() != null || failed > 0)) {
                // the process stops before the run's loads are done and the backend was never stopped (staging, the
                // store probe) or was started again: left open like any aborted run. Closed FAILED here it would
                // count as tonight's window, and the next start inside the window would not run the night again.
                run.aborted("the process stopped before " + failed + " of " + total + " store load(s) were done"
                        + (run.isStaged() ? " (nothing staged by this run is merged now; the next run stages again)" : "")
                        + ": " + stop.reason());
            }
            if (run.aborted() != null) {
                // left open (RUNNING) in the ledger on purpose: the next start closes it like the run of a process
                // that died, makes sure the backend runs and resumes what was not loaded (inside the window)
                status = "ABORTED";
                reason = Texts.clip("aborted: " + run.aborted() + "; " + ok + " of " + total
                        + " store loads committed" + (reason == null ? "" : "; " + reason), Texts.LEDGER_TEXT);
            }
            String recorded = reason;
            try {
                if (run.aborted() != null) {
                    ledger.runAborted(run.getId(), reason, total, ok, failed, run.rows());
                } else {
                    ledger.finishRun(run.getId(), status, reason, total, ok, failed, run.rows(), now);
                }
            } catch (RuntimeException e) {
                if (run.aborted() != null) {
                    // the run stays RUNNING in the ledger either way: the next start closes it
                    LOG.error("Window run #{}: the ledger could not record the abort: {}", run.getId(), e.getMessage());
                } else {
                    LOG.error("Window run #{}: the ledger could not record the end of the run: {}", run.getId(),
                            e.getMessage());
                    status = "FAILED";
                    reason = Texts.clip((reason == null ? "" : reason + "; ") + "ledger error at the end of the run: "
                            + e.getMessage(), Texts.LEDGER_TEXT);
                    recorded = Texts.clip("ledger error at the end of the run: " + e.getMessage(), 500);
                    try {
                        // a shorter record, so that the ledger does not show the run running for good
                        ledger.finishRun(run.getId(), status, recorded, total, ok, failed, run.rows(), now);
                    } catch (RuntimeException again) {
                        LOG.error("Window run #{}: the ledger refused the short record too (tried again when the next"
                                + " run opens): {}", run.getId(), again.getMessage());
                        unrecordedEnds.add(new UnrecordedEnd(run.getId(), status, recorded, total, ok, failed,
                                run.rows(), now));
                    }
                }
            }
            String finalStatus = status;
            record(run, "the completed business dates", () -> markBusinessDays(run, now));
            Duration downtime;
            if (run.isStaged()) {
                // every merge stop together; a stop whose start failed counts until now
                downtime = run.backendStoppedAt() == null ? null : run.downtime().plus(run.backendDown()
                        ? Duration.between(run.backendStoppedAt(), now) : Duration.ZERO);
            } else {
                downtime = run.backendStoppedAt() == null ? null : Duration.between(run.backendStoppedAt(),
                        run.backendStartedAt() != null ? run.backendStartedAt() : now);
            }
            Duration staging = run.isStaged() ? run.stagingTime() : null;
            record(run, "the run's staging time and downtime", () -> ledger.runTimes(run.getId(),
                    staging == null ? null : staging.toMillis(), downtime == null ? null : downtime.toMillis(),
                    run.merges()));
            List<RunSummary.Line> lines = new ArrayList<>();
            for (StoreProgress p : run.progress()) {
                lines.add(new RunSummary.Line(p.storeId(), p.storeName(), p.date(), p.status().name(), p.rows(),
                        p.attempts(), p.error(), p.note()));
            }
            RunSummary s = new RunSummary(run.getId(), run.getKind(), finalStatus, reason, run.getDates(), total, ok,
                    failed, run.rows(), Duration.between(run.startedAt(), now), downtime, lines, run.strategy(), staging,
                    run.merges());
            record(run, "the summary step", () -> {
                long step = ledger.stepStarted(run.getId(), "summary", now);
                ledger.stepEnded(step, "OK", total + " total, " + ok + " succeeded, " + failed + " failed, " + run.rows()
                        + " rows, " + (staging == null ? "" : "staging " + Durations.format(staging) + " (backend serving), "
                        + run.merges() + " merge stop(s), ") + "downtime "
                        + (downtime == null ? "none" : Durations.format(downtime)), now);
            });
            last = s;
            if (s.succeeded()) {
                LOG.info("{}", s.toText());
            } else {
                LOG.warn("{}", s.toText());
            }
            ex.getIn().setBody(s);
            return s;
        } finally {
            // whatever happened above, this run is over: the next trigger, window and KLK sync may run
            current.compareAndSet(run, null);
        }
    }

    /**
     * The run's reason, bounded: its own failure, else the failed store loads ("240 of 240 store loads failed:
     * tienda_01 2026-10-01, ... and 230 more"); then the suspect loads that kept their old rows.
     */
    static String reason(WindowRun run, int total, int failed) {
        List<String> parts = new ArrayList<>();
        if (run.failure() != null) {
            parts.add(run.failure());
        } else if (failed > 0) {
            parts.add(failed + " of " + total + " store loads failed: " + Texts.list(run.failed().stream()
                    .map(p -> p.storeId() + " " + p.date()).toList(), 10));
        }
        List<String> suspect = run.progress().stream().filter(StoreProgress::suspect)
                .map(p -> p.storeId() + " " + p.date()).toList();
        if (!suspect.isEmpty()) {
            parts.add(suspect.size() + " suspect store load(s) kept their old rows (the source returned none): "
                    + Texts.list(suspect, 10));
        }
        return parts.isEmpty() ? null : Texts.clip(String.join("; ", parts), Texts.LEDGER_TEXT);
    }

    /** A date is completed only when every current window store has it LOADED. */
    private void markBusinessDays(WindowRun run, Instant now) {
        Set<String> windowStores = planner.windowStores(settings.storeRules()).stream().map(StoreConfig::id)
                .collect(Collectors.toSet());
        List<StoreDayRecord> days = ledger.storeDays();
        for (LocalDate d : run.getDates()) {
            long loaded = days.stream().filter(r -> r.businessDate().equals(d) && "LOADED".equals(r.status())
                    && windowStores.contains(r.storeId())).count();
            ledger.businessDay(d, loaded == windowStores.size(), run.getId(), windowStores.size(), (int) loaded, now);
        }
    }

    /** "; 2 transient ECS error(s) retried, last: ..." after a backend step that had to retry, else "". */
    private String note() {
        String n = backend.lastStepNote();
        return n == null || n.isEmpty() ? "" : "; " + Secrets.scrub(n, config.secrets());
    }

    private static WindowRun run(Exchange ex) {
        WindowRun run = ex.getProperty(RUN, WindowRun.class);
        if (run == null) {
            throw new IllegalStateException("no window run on this exchange");
        }
        return run;
    }
}
