package io.fluxion.orchestrator.klk;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.etl.InventoryLoad;
import io.fluxion.orchestrator.etl.LoadException;
import io.fluxion.orchestrator.etl.SalesLoad;
import io.fluxion.orchestrator.etl.SqlFiles;
import io.fluxion.orchestrator.etl.SourcePull;
import io.fluxion.orchestrator.etl.StoreEtl;
import io.fluxion.orchestrator.etl.StoreTimeoutException;
import io.fluxion.orchestrator.etl.TransientErrors;
import io.fluxion.orchestrator.ledger.Ledger;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one direct KLK load (a store's inventory snapshot, or its sales of one date), called by
 * the {@code klk-store} route of {@code routes/klk.camel.yaml}: the same keyset chunks through camel-jdbc
 * as the window's store ETL, loaded by {@link InventoryLoad} / {@link SalesLoad} in one DuckDB
 * transaction each, under the KLK run's brief writer lease.
 */
public class KlkEtl {
    static final String ITEM = "fluxionKlkItem";
    static final String LOAD = "fluxionKlkLoad";
    static final String SKIP = "fluxionKlkSkipStore";

    private static final Logger LOG = LoggerFactory.getLogger(KlkEtl.class);

    private final FluxionConfig config;
    private final Ledger ledger;
    private final Clock clock;
    private final String inventoryQuery;
    private final String salesQuery;

    public KlkEtl(FluxionConfig config, Ledger ledger, Clock clock, String inventoryQuery) {
        this.config = config;
        this.ledger = ledger;
        this.clock = clock;
        this.inventoryQuery = SqlFiles.read(inventoryQuery);
        this.salesQuery = SqlFiles.read(config.etl().salesQuery());
    }

    /** Opens the DuckDB transaction of one load (old rows of the store, or of the store and date, deleted inside it). */
    public void begin(Exchange ex) {
        KlkItem item = ex.getIn().getBody(KlkItem.class);
        KlkRun run = run(ex);
        ex.setProperty(ITEM, item);
        if (clock.instant().isAfter(run.deadline())) {
            run.itemFailed(item, "not started: the run's timeout of " + Durations.format(config.klk().timeout()) + " passed");
            ex.setProperty(SKIP, true);
            ex.setProperty(StoreEtl.MORE, false);
            return;
        }
        ex.setProperty(SKIP, false);
        ex.setProperty(StoreEtl.MORE, true);
        ex.setProperty(StoreEtl.DATA_SOURCE, StoreEtl.dataSourceName(item.storeId()));
        Object load = item.date() == null ? run.lease().beginInventoryLoad(item.storeId(), run.extractedAt())
                : run.lease().beginSalesLoad(item.storeId(), item.date(), run.getId());
        ex.setProperty(LOAD, load);
    }

    /** Body = the chunk query of the SQL file, headers = its parameters; fails past the run's timeout. */
    public void nextChunk(Exchange ex) {
        KlkItem item = ex.getProperty(ITEM, KlkItem.class);
        KlkRun run = run(ex);
        Object load = ex.getProperty(LOAD);
        String limit = "KLK " + run.getRoute() + " " + item + " ran past fluxion.klk.timeout of "
                + Durations.format(config.klk().timeout());
        if (clock.instant().isAfter(run.deadline())) {
            throw new StoreTimeoutException(limit);
        }
        // the chunk in flight ends at the run's timeout too (sourcePull), so the brief writer lease stays brief
        ex.setProperty(SourcePull.DEADLINE, run.deadline());
        ex.setProperty(SourcePull.LIMIT, limit);
        ex.getIn().setHeader("filas", config.etl().chunkSize());
        if (load instanceof InventoryLoad inv) {
            ex.getIn().setBody(inventoryQuery);
            ex.getIn().setHeader("ultimo_codigo", inv.lastCode());
        } else {
            SalesLoad sales = (SalesLoad) load;
            ex.getIn().setBody(salesQuery);
            ex.getIn().setHeader("desde", item.date().atStartOfDay());
            ex.getIn().setHeader("hasta", item.date().plusDays(1).atStartOfDay());
            ex.getIn().setHeader("ultimo_id", sales.lastId());
        }
    }

    /** Appends the chunk camel-jdbc returned; another chunk follows when this one was full. */
    @SuppressWarnings("unchecked")
    public void appendChunk(Exchange ex) {
        Object load = ex.getProperty(LOAD);
        List<Map<String, Object>> rows = ex.getIn().getBody(List.class);
        int n = load instanceof InventoryLoad inv ? inv.append(rows) : ((SalesLoad) load).append(rows);
        ex.setProperty(StoreEtl.MORE, n >= config.etl().chunkSize());
        ex.getIn().setBody(null);
    }

    public void commit(Exchange ex) {
        KlkItem item = ex.getProperty(ITEM, KlkItem.class);
        Object load = ex.getProperty(LOAD);
        long rows;
        if (load instanceof InventoryLoad inv) {
            inv.commit();
            rows = inv.rows();
        } else {
            SalesLoad sales = (SalesLoad) load;
            sales.commit();
            rows = sales.rows();
            // the ledger's coverage (gaps view) follows what DuckDB now holds for (store, date)
            ledger.storeDayLoaded(item.storeId(), item.date(), rows, sales.total(), clock.instant());
        }
        run(ex).itemSucceeded(item, rows);
        LOG.info("KLK {} {}: {} rows replaced", run(ex).getRoute(), item, rows);
    }

    /** The load failed after its redeliveries: its rows are rolled back (DuckDB keeps the previous ones); the others go on. */
    public void fail(Exchange ex) {
        KlkItem item = ex.getProperty(ITEM, KlkItem.class);
        if (item == null) {
            item = ex.getIn().getBody(KlkItem.class);
        }
        Object load = ex.getProperty(LOAD);
        if (load instanceof InventoryLoad inv) {
            inv.rollback();
        } else if (load instanceof SalesLoad sales) {
            sales.rollback();
        }
        Throwable e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String kind = e instanceof StoreTimeoutException ? "timeout"
                : e instanceof io.fluxion.orchestrator.lifecycle.StopRequestedException ? "stopped"
                : e instanceof LoadException ? "DuckDB"
                : e != null && TransientErrors.isTransient(e) ? "source unreachable after " + config.etl().redeliveries()
                + " redeliveries" : "source error";
        String reason = Secrets.scrub(kind + ": " + (e == null ? "unknown error" : e.getMessage()), config.secrets());
        run(ex).itemFailed(item, reason);
        LOG.error("KLK {} {}: load failed, rolled back: {}", run(ex).getRoute(), item, reason);
    }

    /** retryWhile of the store loads: transient source errors, up to {@code fluxion.etl.redeliveries}. */
    public boolean shouldRetry(Exchange ex) {
        Integer counter = ex.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Throwable e = ex.getException() != null ? ex.getException() : ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return e != null && TransientErrors.isTransient(e) && (counter == null ? 0 : counter) <= config.etl().redeliveries()
                && clock.instant().isBefore(run(ex).deadline());
    }

    private static KlkRun run(Exchange ex) {
        KlkRun run = ex.getProperty(KlkRoute.RUN, KlkRun.class);
        if (run == null) {
            throw new IllegalStateException("no KLK run on this exchange");
        }
        return run;
    }
}
