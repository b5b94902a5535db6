package io.fluxion.orchestrator.window;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.config.SqlFiles;
import io.fluxion.orchestrator.etl.KeysetChunks;
import io.fluxion.orchestrator.etl.KeysetPull;
import io.fluxion.orchestrator.etl.SalesKeyset;
import io.fluxion.orchestrator.etl.SalesLoad;
import io.fluxion.orchestrator.etl.SourceProbe;
import io.fluxion.orchestrator.etl.TransientErrors;
import io.fluxion.orchestrator.ledger.HeldDay;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.lifecycle.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The window's step for one (store, date), called by {@code routes/store-etl.camel.yaml}: begin (ledger attempt,
 * the DuckDB transaction with the old rows deleted, the keyset pull the {@code keyset-chunks} route runs), commit
 * (with the suspect-day rule), or fail (rollback, reason). The chunks themselves are the shared route's.
 */
public class StoreEtl {
    public static final String LOAD = "fluxionLoad";
    public static final String ITEM = "fluxionItem";
    public static final String ATTEMPT_ID = "fluxionAttemptId";
    /** Exchange property: true when the store was not started (deadline passed, process stopping). */
    public static final String SKIP = "fluxionSkipStore";

    private static final Logger LOG = LoggerFactory.getLogger(StoreEtl.class);

    private final FluxionConfig config;
    private final Ledger ledger;
    private final Clock clock;
    private final StopSignal stop;
    private final String salesQuery;

    public StoreEtl(FluxionConfig config, Ledger ledger, Clock clock, StopSignal stop) {
        this.config = config;
        this.ledger = ledger;
        this.clock = clock;
        this.stop = stop;
        this.salesQuery = SqlFiles.read(config.etl().salesQuery());
    }

    public void begin(Exchange ex) {
        WorkItem item = ex.getIn().getBody(WorkItem.class);
        WindowRun run = ex.getProperty(WindowService.RUN, WindowRun.class);
        Instant now = clock.instant();
        StoreProgress p = run.progress(item);
        // never start a store after the deadline (the backend must be back before the window ends), nor
        // once the process is stopping
        String notStarted = stop.isRaised() ? "not started: the process is stopping"
                : now.isAfter(run.pullDeadline()) ? (run.isStaged() ? "stage deadline reached before this store started"
                : "deadline reached before this store started") : null;
        if (notStarted != null) {
            p.started(now);
            p.failed(stop.isRaised() ? notStarted : (run.isStaged() ? "stage deadline" : "deadline") + " reached ("
                    + run.pullDeadline() + ") before this store started", now);
            ledger.attemptFailed(ledger.attemptStarted(run.getId(), item.storeId(), item.date(), p.attempts(), now),
                    run.getId(), item.storeId(), item.date(), 0, notStarted, now);
            ex.setProperty(SKIP, true);
            LOG.warn("Store {} {}: {}", item.storeId(), item.date(), stop.isRaised() ? notStarted
                    : "not started, the run's " + (run.isStaged() ? "stage " : "") + "deadline " + run.pullDeadline()
                    + " has passed");
            return;
        }
        java.util.Optional<SourceProbe.Result> down = run.unreachable(item.storeId());
        if (down.isPresent()) {
            // the probe before this round could not reach the source: no DuckDB transaction, no chunk, no redelivery
            String reason = "source unreachable (probe at " + down.get().at().truncatedTo(ChronoUnit.SECONDS) + "): "
                    + down.get().error() + "; nothing pulled";
            p.started(now);
            p.failed(reason, now);
            ledger.attemptFailed(ledger.attemptStarted(run.getId(), item.storeId(), item.date(), p.attempts(), now),
                    run.getId(), item.storeId(), item.date(), 0, reason, now);
            ex.setProperty(SKIP, true);
            // a failed attempt, like fail()'s: ERROR, so fluxion-errors.log names the store
            LOG.error("Store {} {}: attempt {} failed without a load: {}", item.storeId(), item.date(), p.attempts(), reason);
            return;
        }
        ex.setProperty(SKIP, false);
        p.started(now);
        long attemptId = ledger.attemptStarted(run.getId(), item.storeId(), item.date(), p.attempts(), now);
        ex.setProperty(ITEM, item);
        ex.setProperty(ATTEMPT_ID, attemptId);
        p.attemptId(attemptId);
        LOG.info("Store {} {}: attempt {} started{}", item.storeId(), item.date(), p.attempts(),
                run.isStaged() ? " (staging, the backend serves)" : "");
        // strategy staged: the same load, into the store's staging file instead of the analytics file
        SalesLoad load = run.isStaged() ? run.staging().beginSalesLoad(item.storeId(), item.date(), run.getId())
                : run.lease().beginSalesLoad(item.storeId(), item.date(), run.getId());
        ex.setProperty(LOAD, load);
        // every chunk ends at the store timeout or the run deadline (staged: the round's stage deadline), whichever
        // comes first
        Instant storeDeadline = now.plus(config.etl().storeTimeout());
        Instant runDeadline = run.pullDeadline();
        boolean runFirst = runDeadline.isBefore(storeDeadline);
        String limit = runFirst ? (run.isStaged() ? "the stage deadline " + runDeadline + " (the merge must fit before"
                + " the window ends)" : "the run deadline " + runDeadline + " (window end minus the backend's start time)")
                : "its timeout of " + Durations.format(config.etl().storeTimeout());
        ex.setProperty(KeysetChunks.PULL, new KeysetPull("store " + item.storeId() + " " + item.date(),
                KeysetChunks.dataSourceName(item.storeId()),
                new SalesKeyset(salesQuery, item.date(), config.etl().chunkSize(), load),
                runFirst ? runDeadline : storeDeadline, limit, (chunkRows, loaded) -> progress(run, item, chunkRows, loaded)));
    }

    /** After each chunk: the store's progress, and a log line with its rate and the run's. */
    private void progress(WindowRun run, WorkItem item, int chunkRows, long loaded) {
        StoreProgress p = run.progress(item);
        p.rows(loaded);
        if (chunkRows > 0) {
            Instant now = clock.instant();
            Duration eta = p.eta(now);
            Duration overall = run.eta(now);
            LOG.info("Store {} {}: {} rows ({} rows/s{}); overall {} rows, {} of {} stores done{}", item.storeId(),
                    item.date(), loaded, Math.round(p.rate(now)), eta == null ? "" : ", ETA " + Durations.format(eta),
                    run.rows(), run.count(StoreProgress.Status.SUCCEEDED), run.getWorkItems().size(),
                    overall == null ? "" : ", ETA " + Durations.format(overall));
        }
    }

    /**
     * Commits the replace of (store, date), except when a planned run (scheduled, catch-up, recovery) got no row
     * for a day DuckDB holds rows of: then nothing changes (rollback), and the attempt is recorded as a suspect
     * load that kept the old rows. An operator's explicit order (cli, manual) replaces them, noted.
     */
    public void commit(Exchange ex) {
        WorkItem item = ex.getProperty(ITEM, WorkItem.class);
        WindowRun run = ex.getProperty(WindowService.RUN, WindowRun.class);
        SalesLoad load = ex.getProperty(LOAD, SalesLoad.class);
        StoreProgress p = run.progress(item);
        long attemptId = ex.getProperty(ATTEMPT_ID, Long.class);
        if (run.isStaged()) {
            stage(run, item, load, p, attemptId);
            return;
        }
        if (load.rows() == 0 && load.deleted() > 0 && WindowPlan.isPlanned(run.getKind())) {
            HeldDay held = load.keepOldRows();
            Instant now = clock.instant();
            String why = "suspect: the source returned no row" + (load.leftOut() > 0 ? " it could load ("
                    + load.leftOutNote() + ")" : "") + " for a day DuckDB holds " + held.rows() + " rows of (SUM(total) "
                    + held.total() + "); a " + run.getKind() + " run never replaces them with none, so they stay"
                    + " (an explicit run-window --date " + item.date() + " or API sync replaces them)";
            p.keptOldRows(why, now);
            LOG.warn("Store {} {}: {}", item.storeId(), item.date(), why);
            try {
                ledger.attemptKeptOldRows(attemptId, run.getId(), item.storeId(), item.date(), held.rows(), held.total(),
                        why, now);
            } catch (RuntimeException e) {
                LOG.error("Store {} {}: the ledger could not record the suspect load: {}", item.storeId(), item.date(),
                        e.getMessage());
            }
            return;
        }
        load.commit();
        Instant now = clock.instant();
        String note = load.leftOutNote();
        if (load.rows() == 0 && load.deleted() > 0) {
            String replaced = "replaced the " + load.deleted() + " rows DuckDB held with none (explicit order of a "
                    + run.getKind() + " run)";
            note = note == null ? replaced : note + "; " + replaced;
        }
        // DuckDB holds the rows now, whatever the ledger says next
        p.succeeded(load.rows(), now);
        p.note(note);
        try {
            ledger.attemptSucceeded(attemptId, run.getId(), item.storeId(), item.date(), load.rows(), load.total(),
                    load.leftOut(), note, now);
        } catch (RuntimeException e) {
            // the ledger will say this pair is not loaded: the next planned run reloads it (DELETE + append)
            LOG.error("Store {} {}: committed in DuckDB, but the ledger could not record it: {}", item.storeId(),
                    item.date(), e.getMessage());
        }
        LOG.info("Store {} {}: loaded {} rows (total {}) in {} ({} rows/s)", item.storeId(), item.date(), load.rows(),
                load.total(), Durations.format(Duration.between(p.startedAt(), now)), Math.round(p.rate(now)));
        if (note != null) {
            LOG.warn("Store {} {}: {}", item.storeId(), item.date(), note);
        }
    }

    /**
     * Strategy staged: COMMIT in the store's staging file; the pair is STAGED (the suspect-day rule is the merge's,
     * which sees the analytics file). Nothing reaches the analytics file, nor store_day, before the merge.
     */
    private void stage(WindowRun run, WorkItem item, SalesLoad load, StoreProgress p, long attemptId) {
        load.commit();
        Instant now = clock.instant();
        p.staged(load.rows(), load.leftOut(), now);
        p.note(load.leftOutNote());
        try {
            ledger.attemptStaged(attemptId, load.rows(), load.total(), load.leftOut(), load.leftOutNote(), now);
        } catch (RuntimeException e) {
            // the merge records the pair whatever: the ledger only misses the staged_at mark
            LOG.error("Store {} {}: staged, but the ledger could not record it: {}", item.storeId(), item.date(),
                    e.getMessage());
        }
        LOG.info("Store {} {}: staged {} rows (total {}) in {} ({} rows/s); merged at the next stop", item.storeId(),
                item.date(), load.rows(), load.total(), Durations.format(Duration.between(p.startedAt(), now)),
                Math.round(p.rate(now)));
        if (load.leftOutNote() != null) {
            LOG.warn("Store {} {}: {}", item.storeId(), item.date(), load.leftOutNote());
        }
    }

    /** The attempt failed after its redeliveries: roll back its rows, record the reason; the other stores go on. */
    public void fail(Exchange ex) {
        WorkItem item = ex.getProperty(ITEM, WorkItem.class);
        WindowRun run = ex.getProperty(WindowService.RUN, WindowRun.class);
        Throwable e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = reason(e);
        if (item == null) {
            // failed before begin() finished: nothing was loaded
            item = ex.getIn().getBody(WorkItem.class);
        }
        SalesLoad load = ex.getProperty(LOAD, SalesLoad.class);
        long rolledBack = 0;
        if (load != null) {
            rolledBack = load.rows();
            load.rollback();
        }
        Instant now = clock.instant();
        Long attemptId = ex.getProperty(ATTEMPT_ID, Long.class);
        if (item != null) {
            run.progress(item).failed(rolledBack > 0 ? reason + " (" + rolledBack + " rows rolled back)" : reason, now);
        }
        if (attemptId != null && item != null) {
            try {
                ledger.attemptFailed(attemptId, run.getId(), item.storeId(), item.date(), rolledBack, reason, now);
            } catch (RuntimeException le) {
                LOG.error("Store {} {}: the ledger could not record the failed attempt: {}", item.storeId(), item.date(),
                        le.getMessage());
            }
        }
        LOG.error("Store {} {}: attempt failed, {} rows rolled back: {}", item == null ? "?" : item.storeId(),
                item == null ? "?" : item.date(), rolledBack, reason);
    }

    private String reason(Throwable e) {
        return Secrets.scrub(TransientErrors.reason(e, config.etl().redeliveries()), config.secrets());
    }
}
