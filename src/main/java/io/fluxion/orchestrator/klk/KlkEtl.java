package io.fluxion.orchestrator.klk;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.config.SqlFiles;
import io.fluxion.orchestrator.etl.InventoryKeyset;
import io.fluxion.orchestrator.etl.InventoryLoad;
import io.fluxion.orchestrator.etl.Keyset;
import io.fluxion.orchestrator.etl.KeysetChunks;
import io.fluxion.orchestrator.etl.KeysetPull;
import io.fluxion.orchestrator.etl.Load;
import io.fluxion.orchestrator.etl.SalesKeyset;
import io.fluxion.orchestrator.etl.SalesLoad;
import io.fluxion.orchestrator.etl.TransientErrors;
import io.fluxion.orchestrator.ledger.HeldDay;
import io.fluxion.orchestrator.ledger.Ledger;
import java.time.Clock;
import java.util.List;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of one direct KLK load (a store's inventory snapshot, or its sales of one date), called by
 * the {@code klk-store} route of {@code routes/klk.camel.yaml}: the same keyset chunks through camel-jdbc
 * as the window's store ETL (the shared {@code keyset-chunks} route), loaded by {@link InventoryLoad} /
 * {@link SalesLoad} in one DuckDB transaction each, under the KLK run's brief writer lease.
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

    /**
     * Opens the DuckDB transaction of one load (old rows of the store, or of the store and date, deleted inside it)
     * and hands its keyset pull to the {@code keyset-chunks} route; no chunk runs past the run's timeout, the one in
     * flight included, so the brief writer lease stays brief.
     */
    public void begin(Exchange ex) {
        KlkItem item = ex.getIn().getBody(KlkItem.class);
        KlkRun run = run(ex);
        ex.setProperty(ITEM, item);
        String timeout = run.timeoutSetting();
        if (clock.instant().isAfter(run.deadline())) {
            String why = "not started: the run's " + timeout + " passed";
            run.itemFailed(item, why);
            if (item.date() == null) {
                ledger.inventoryFailed(item.storeId(), run.getRoute(), run.getId(), why, clock.instant());
            }
            ex.setProperty(SKIP, true);
            return;
        }
        ex.setProperty(SKIP, false);
        int chunkSize = config.etl().chunkSize();
        Keyset keyset;
        if (item.date() == null) {
            InventoryLoad load = run.lease().beginInventoryLoad(item.storeId(), run.extractedAt());
            ex.setProperty(LOAD, load);
            keyset = new InventoryKeyset(inventoryQuery, unkeyedInventoryQuery, chunkSize, load);
        } else {
            SalesLoad load = run.lease().beginSalesLoad(item.storeId(), item.date(), run.getId());
            ex.setProperty(LOAD, load);
            keyset = new SalesKeyset(salesQuery, item.date(), chunkSize, load);
        }
        ex.setProperty(KeysetChunks.PULL, new KeysetPull("KLK " + run.getRoute() + " " + item,
                KeysetChunks.dataSourceName(item.storeId()), keyset, run.deadline(), timeout, null));
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
            // what inventario_raw now holds for the store (the Inventario tab, GET /api/inventory)
            ledger.inventoryReplaced(item.storeId(), run.getRoute(), run.getId(), rows, run.startedAt(), clock.instant());
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
        Load load = ex.getProperty(LOAD, Load.class);
        if (load != null) {
            load.rollback();
        }
        Throwable e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        String reason = Secrets.scrub(TransientErrors.reason(e, config.etl().redeliveries()), config.secrets());
        run(ex).itemFailed(item, reason);
        if (item != null && item.date() == null) {
            try {
                ledger.inventoryFailed(item.storeId(), run(ex).getRoute(), run(ex).getId(), reason, clock.instant());
            } catch (RuntimeException le) {
                LOG.error("KLK {} {}: the ledger did not record the failure: {}", run(ex).getRoute(), item, le.getMessage());
            }
        }
        LOG.error("KLK {} {}: load failed, rolled back: {}", run(ex).getRoute(), item, reason);
    }

    private static KlkRun run(Exchange ex) {
        KlkRun run = ex.getProperty(KlkRoute.RUN, KlkRun.class);
        if (run == null) {
            throw new IllegalStateException("no KLK run on this exchange");
        }
        return run;
    }
}
