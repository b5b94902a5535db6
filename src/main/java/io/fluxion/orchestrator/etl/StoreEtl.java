package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.config.SqlFiles;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.HeldDay;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.lifecycle.StopRequestedException;
import io.fluxion.orchestrator.lifecycle.StopSignal;
import io.fluxion.orchestrator.window.StoreProgress;
import io.fluxion.orchestrator.window.WindowRun;
import io.fluxion.orchestrator.window.WindowService;
import io.fluxion.orchestrator.window.WorkItem;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one store ETL attempt, called by {@code routes/store-etl.camel.yaml}: begin (ledger
 * attempt, DuckDB transaction with the old rows deleted), the next keyset chunk query, append the
 * chunk (camel-jdbc's rows) to the Appender, commit, or fail (rollback). The pull (camel-jdbc) and
 * the load ({@link SalesLoad}) only meet here.
 */
public class StoreEtl {
    public static final String LOAD = "fluxionLoad";
    public static final String ITEM = "fluxionItem";
    public static final String ATTEMPT_ID = "fluxionAttemptId";
    public static final String MORE = "fluxionMoreChunks";
    public static final String DATA_SOURCE = "fluxionDataSource";
    public static final String DEADLINE = "fluxionStoreDeadline";
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

    /** Registry name of a store's source DataSource, used by the route's jdbc endpoint. */
    public static String dataSourceName(String storeId) {
        return "store-" + storeId;
    }

    public void begin(Exchange ex) {
        WorkItem item = ex.getIn().getBody(WorkItem.class);
        WindowRun run = ex.getProperty(WindowService.RUN, WindowRun.class);
        Instant now = clock.instant();
        StoreProgress p = run.progress(item);
        // never start a store after the deadline (the backend must be back before the window ends), nor
        // once the process is stopping
        String notStarted = stop.isRaised() ? "not started: the process is stopping"
                : now.isAfter(run.deadline()) ? "deadline reached before this store started" : null;
        if (notStarted != null) {
            p.started(now);
            p.failed(stop.isRaised() ? notStarted : "deadline reached (" + run.deadline() + ") before this store started",
                    now);
            ledger.attemptFailed(ledger.attemptStarted(run.getId(), item.storeId(), item.date(), p.attempts(), now),
                    run.getId(), item.storeId(), item.date(), 0, notStarted, now);
            ex.setProperty(MORE, false);
            ex.setProperty(SKIP, true);
            LOG.warn("Store {} {}: {}", item.storeId(), item.date(), stop.isRaised() ? notStarted
                    : "not started, the run's deadline " + run.deadline() + " has passed");
            return;
        }
        ex.setProperty(SKIP, false);
        p.started(now);
        long attemptId = ledger.attemptStarted(run.getId(), item.storeId(), item.date(), p.attempts(), now);
        ex.setProperty(ITEM, item);
        ex.setProperty(ATTEMPT_ID, attemptId);
        ex.setProperty(MORE, true);
        ex.setProperty(DATA_SOURCE, dataSourceName(item.storeId()));
        ex.setProperty(DEADLINE, now.plus(config.etl().storeTimeout()));
        LOG.info("Store {} {}: attempt {} started", item.storeId(), item.date(), p.attempts());
        ex.setProperty(LOAD, run.lease().beginSalesLoad(item.storeId(), item.date(), run.getId()));
    }

    /**
     * Sets the chunk query (from the SQL file), its parameters and its deadline ({@link SourcePull#DEADLINE}:
     * the store timeout or the run deadline, whichever comes first); fails the attempt past that deadline
     * or once the process is stopping.
     */
    public void nextChunk(Exchange ex) {
        WorkItem item = ex.getProperty(ITEM, WorkItem.class);
        SalesLoad load = ex.getProperty(LOAD, SalesLoad.class);
        WindowRun run = ex.getProperty(WindowService.RUN, WindowRun.class);
        if (stop.isRaised()) {
            throw new StopRequestedException("store " + item.storeId() + " " + item.date() + " stopped after "
                    + load.rows() + " rows: " + stop.reason());
        }
        Instant storeDeadline = ex.getProperty(DEADLINE, Instant.class);
        boolean runFirst = run.deadline().isBefore(storeDeadline);
        Instant deadline = runFirst ? run.deadline() : storeDeadline;
        String limit = runFirst ? "the run deadline " + run.deadline() + " (window end minus the backend's start time)"
                : "its timeout of " + Durations.format(config.etl().storeTimeout());
        if (!clock.instant().isBefore(deadline)) {
            throw new StoreTimeoutException("store " + item.storeId() + " " + item.date() + " ran past " + limit
                    + " after " + load.rows() + " rows");
        }
        ex.setProperty(SourcePull.DEADLINE, deadline);
        ex.setProperty(SourcePull.LIMIT, "store " + item.storeId() + " " + item.date() + " reached " + limit + " after "
                + load.rows() + " rows");
        ex.getIn().setBody(salesQuery);
        ex.getIn().setHeader("desde", item.date().atStartOfDay());
        ex.getIn().setHeader("hasta", item.date().plusDays(1).atStartOfDay());
        ex.getIn().setHeader("ultimo_id", load.lastId());
        ex.getIn().setHeader("filas", config.etl().chunkSize());
    }

    /** Appends the chunk camel-jdbc returned; another chunk follows when this one was full. */
    @SuppressWarnings("unchecked")
    public void appendChunk(Exchange ex) {
        WorkItem item = ex.getProperty(ITEM, WorkItem.class);
        WindowRun run = ex.getProperty(WindowService.RUN, WindowRun.class);
        SalesLoad load = ex.getProperty(LOAD, SalesLoad.class);
        List<Map<String, Object>> rows = ex.getIn().getBody(List.class);
        long before = load.lastId();
        int n = load.append(rows);
        ex.setProperty(MORE, moreChunks(n, before, load.lastId(), config.etl().chunkSize()));
        StoreProgress p = run.progress(item);
        p.rows(load.rows());
        if (n > 0) {
            Instant now = clock.instant();
            Duration eta = p.eta(now);
            Duration overall = run.eta(now);
            LOG.info("Store {} {}: {} rows ({} rows/s{}); overall {} rows, {} of {} stores done{}", item.storeId(),
                    item.date(), load.rows(), Math.round(p.rate(now)), eta == null ? "" : ", ETA " + Durations.format(eta),
                    run.rows(), run.count(StoreProgress.Status.SUCCEEDED), run.getWorkItems().size(),
                    overall == null ? "" : ", ETA " + Durations.format(overall));
        }
        ex.getIn().setBody(null);
    }

    /**
     * Another chunk follows when this one was full. A full chunk that did not move the keyset on (every row
     * left out) would be asked for again and again: refused.
     */
    public static boolean moreChunks(int n, long lastIdBefore, long lastIdAfter, int chunkSize) {
        if (n < chunkSize) {
            return false;
        }
        if (lastIdAfter == lastIdBefore) {
            throw new SourceRowsException("a full chunk of " + n + " rows did not move the keyset past id "
                    + lastIdBefore + " (every row had a NULL id): the next chunk would be the same");
        }
        return true;
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
        if (load.rows() == 0 && load.deleted() > 0 && WindowService.isPlanned(run.getKind())) {
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

    /**
     * retryWhile of the store route: redeliver transient source errors up to {@code fluxion.etl.redeliveries},
     * never once the process is stopping, nor when the redelivery would come after the chunk's deadline.
     */
    public boolean shouldRetry(Exchange ex) {
        Integer counter = ex.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Throwable e = ex.getException() != null ? ex.getException() : ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int n = counter == null ? 0 : counter;
        if (e == null || !TransientErrors.isTransient(e) || n > config.etl().redeliveries() || stop.isRaised()) {
            return false;
        }
        Instant deadline = ex.getProperty(SourcePull.DEADLINE, Instant.class);
        // the delay before redelivery n (1-based): redelivery-delay doubling, at most 120 s (routes/store-etl.camel.yaml)
        long delay = Math.min(120_000, config.etl().redeliveryDelay().toMillis() << Math.min(20, Math.max(0, n - 1)));
        if (deadline != null && !clock.instant().plusMillis(delay).isBefore(deadline)) {
            LOG.warn("Store {}: not redelivered, the next try would come after the chunk's deadline {}",
                    ex.getProperty(ITEM), deadline);
            return false;
        }
        return true;
    }

    private String reason(Throwable e) {
        if (e == null) {
            return "unknown error";
        }
        String kind = e instanceof StoreTimeoutException ? "timeout"
                : e instanceof StopRequestedException ? "stopped"
                : e instanceof LoadException ? "DuckDB"
                : TransientErrors.isTransient(e) ? "source unreachable after " + config.etl().redeliveries() + " redeliveries"
                : "source error";
        String msg = e.getMessage();
        if (e.getCause() != null && e.getCause().getMessage() != null && (msg == null || !msg.contains(e.getCause().getMessage()))) {
            msg = msg + " (" + e.getCause().getMessage() + ")";
        }
        return Secrets.scrub(kind + ": " + msg, config.secrets());
    }

    /** The stores of the configuration, for the route's endpoints. */
    public List<StoreConfig> stores() {
        return config.stores();
    }
}
