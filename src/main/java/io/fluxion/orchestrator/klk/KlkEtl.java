package io.fluxion.orchestrator.klk;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.etl.InventoryLoad;
import io.fluxion.orchestrator.etl.LoadException;
import io.fluxion.orchestrator.etl.SalesLoad;
import io.fluxion.orchestrator.etl.SourceRowsException;
import io.fluxion.orchestrator.config.SqlFiles;
import io.fluxion.orchestrator.etl.SourcePull;
import io.fluxion.orchestrator.etl.StoreEtl;
import io.fluxion.orchestrator.etl.StoreTimeoutException;
import io.fluxion.orchestrator.etl.TransientErrors;
import io.fluxion.orchestrator.ledger.HeldDay;
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
    /** Exchange property: true once the inventory's keyset pass is over and its unkeyed statement runs. */
    static final String UNKEYED = "fluxionKlkUnkeyed";

    private static final Logger LOG = LoggerFactory.getLogger(KlkEtl.class);

    private final FluxionConfig config;
    private final Ledger ledger;
    private final Clock clock;
    private final String inventoryQuery;
    /** The inventory file's optional second statement: the rows the keyset on codigo_producto cannot page. */
    private final String unkeyedInventoryQuery;
    private final String salesQuery;

    public KlkEtl(FluxionConfig config, Ledger ledger, Clock clock, String inventoryQuery) {
        this.config = config;
        this.ledger = ledger;
        this.clock = clock;
        List<String> statements = SqlFiles.statements(SqlFiles.read(inventoryQuery));
        if (statements.isEmpty() || statements.size() > 2) {
            throw new IllegalArgumentException("the inventory query " + inventoryQuery + " must hold one or two"
                    + " statements (the keyset chunk, then the rows without a product code); it holds " + statements.size());
        }
        this.inventoryQuery = statements.get(0);
        this.unkeyedInventoryQuery = statements.size() > 1 ? statements.get(1) : null;
        if (unkeyedInventoryQuery == null) {
            LOG.warn("The inventory query {} has no second statement: inventory rows its keyset cannot page (NULL or"
                    + " empty codigo_producto) are not read; see docs/OPERATIONS.md", inventoryQuery);
        }
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
        ex.setProperty(UNKEYED, false);
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
            boolean unkeyed = ex.getProperty(UNKEYED, false, Boolean.class);
            ex.getIn().setBody(unkeyed ? unkeyedInventoryQuery : inventoryQuery);
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
        int chunkSize = config.etl().chunkSize();
        if (load instanceof InventoryLoad inv) {
            if (ex.getProperty(UNKEYED, false, Boolean.class)) {
                // the rows without a product code come in one statement: nothing pages them
                int n = inv.appendUnkeyed(rows);
                if (n >= chunkSize) {
                    throw new SourceRowsException("the inventory's rows without a product code filled a whole chunk ("
                            + n + " rows): they cannot be paged and some would be left out; fix the source's codes or"
                            + " raise fluxion.etl.chunk-size");
                }
                ex.setProperty(StoreEtl.MORE, false);
            } else {
                String before = inv.lastCode();
                int n = inv.append(rows);
                boolean more = n >= chunkSize;
                if (more && before.equals(inv.lastCode())) {
                    throw new SourceRowsException("a full inventory chunk of " + n + " rows did not move the keyset past"
                            + " codigo_producto '" + before + "': the next chunk would be the same");
                }
                if (!more && unkeyedInventoryQuery != null) {
                    ex.setProperty(UNKEYED, true);
                    more = true;
                }
                ex.setProperty(StoreEtl.MORE, more);
            }
        } else {
            SalesLoad sales = (SalesLoad) load;
            long before = sales.lastId();
            int n = sales.append(rows);
            ex.setProperty(StoreEtl.MORE, StoreEtl.moreChunks(n, before, sales.lastId(), chunkSize));
        }
        ex.getIn().setBody(null);
    }

    public void commit(Exchange ex) {
        KlkItem item = ex.getProperty(ITEM, KlkItem.class);
        KlkRun run = run(ex);
        Object load = ex.getProperty(LOAD);
        long rows;
        String note;
        if (load instanceof InventoryLoad inv) {
            inv.commit();
            rows = inv.rows();
            note = inv.withoutCode() == 0 ? null : inv.withoutCode() + " of them without a product code";
        } else {
            SalesLoad sales = (SalesLoad) load;
            if (sales.rows() == 0 && sales.deleted() > 0 && "scheduled".equals(run.triggerKind())) {
                // a scheduled sync never empties a day DuckDB holds: the old rows stay, the day is suspect
                HeldDay held = sales.keepOldRows();
                String why = "suspect: the source returned no row for a day DuckDB holds " + held.rows()
                        + " rows of; they stay (a scheduled sync never replaces them with none)";
                ledger.storeDayLoaded(item.storeId(), item.date(), held.rows(), held.total(), why, clock.instant());
                run.itemSucceeded(item, 0, why);
                LOG.warn("KLK {} {}: {}", run.getRoute(), item, why);
                return;
            }
            sales.commit();
            rows = sales.rows();
            note = sales.leftOutNote();
            if (rows == 0 && sales.deleted() > 0) {
                note = (note == null ? "" : note + "; ") + "replaced the " + sales.deleted() + " rows DuckDB held with none"
                        + " (manual sync)";
            }
            // the ledger's coverage (gaps view) follows what DuckDB now holds for (store, date)
            ledger.storeDayLoaded(item.storeId(), item.date(), rows, sales.total(), note, clock.instant());
        }
        run.itemSucceeded(item, rows, note);
        if (note == null) {
            LOG.info("KLK {} {}: {} rows replaced", run.getRoute(), item, rows);
        } else {
            LOG.warn("KLK {} {}: {} rows replaced; {}", run.getRoute(), item, rows, note);
        }
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
