package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.config.Texts;
import io.fluxion.orchestrator.ledger.HeldDay;
import io.fluxion.orchestrator.ledger.Ledger;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first meeting of a ledger with the analytics DuckDB file: the (store, date) pairs {@code ventas_raw}
 * already holds count as loaded. They are recorded in the ledger's store_day as LOADED with their rows and
 * SUM(total), origin {@code import}, once per ledger (the setting {@value #SETTING} says when and how many).
 *
 * <p>DuckDB admits one writing process, and none beside it (read-only included): in production the backend
 * holds the file all day. So the import is tried at start ({@link #atStart()}, from the start-up route) and,
 * when the file is held then, done by the first writer lease this process takes ({@link DuckDbWriter}'s
 * hook), before that lease loads anything. The window then drops from a planned run the pairs it found
 * ({@code WindowService.acquireWriter}).
 */
public class CoverageImport {
    /** Ledger setting written once the import ran: "2026-11-24T05:00:00Z: 1234 of 1234 (store, date) pairs". */
    public static final String SETTING = "duckdb.coverage-import";

    private static final Logger LOG = LoggerFactory.getLogger(CoverageImport.class);

    private final Ledger ledger;
    private final DuckDbWriter writer;
    private final Clock clock;

    public CoverageImport(Ledger ledger, DuckDbWriter writer, Clock clock) {
        this.ledger = ledger;
        this.writer = writer;
        this.clock = clock;
        writer.onLease(this::onLease);
    }

    /** True until this ledger has looked into the DuckDB file once. */
    public boolean pending() {
        return ledger.setting(SETTING).isEmpty();
    }

    /**
     * At start: imports now if the file exists and nobody holds it (a brief writer lease, which runs the
     * import). A missing file has nothing to import (what this process writes there is recorded as it goes);
     * a held file is imported by the first lease. Never throws.
     */
    public void atStart() {
        try {
            if (!pending()) {
                return;
            }
            if (!Files.exists(writer.path())) {
                LOG.info("Coverage import: no DuckDB file at {} yet; nothing to import", writer.path());
                return;
            }
            try (DuckDbWriter.Lease ignored = writer.acquireBrief("start-up coverage import")) {
                // the lease's hook imported
            }
        } catch (DuckDbLockedException | WriterBusyException e) {
            LOG.info("Coverage import: DuckDB file {} is held ({}); the (store, date) pairs it holds are imported when"
                    + " this process first takes the writer, before that writer loads anything", writer.path(),
                    Texts.clip(e.getMessage(), 300));
        } catch (RuntimeException e) {
            LOG.warn("Coverage import: not done at start, tried again at the first writer lease: {}", e.getMessage());
        }
    }

    /** The writer's hook: the first lease of a ledger that never looked into the file imports what it holds. */
    synchronized void onLease(DuckDbWriter.Lease lease) {
        if (!pending()) {
            return;
        }
        long t0 = System.nanoTime();
        List<HeldDay> held = read(lease);
        Instant now = clock.instant();
        List<HeldDay> imported = ledger.importHeldDays(held, now);
        ledger.setting(SETTING, now + ": " + imported.size() + " of " + held.size() + " (store, date) pairs", now);
        long stores = held.stream().map(HeldDay::storeId).distinct().count();
        LOG.info("Coverage import: DuckDB file {} holds {} (store, date) pairs of ventas_raw ({} stores{}); {} recorded"
                        + " in the ledger as loaded (origin import), {} the ledger knew already; in {} ms",
                writer.path(), held.size(), stores, held.isEmpty() ? "" : ", " + held.get(0).date().toString() + ".."
                        + held.stream().map(HeldDay::date).max(java.time.LocalDate::compareTo).orElseThrow(),
                imported.size(), held.size() - imported.size(), (System.nanoTime() - t0) / 1_000_000);
    }

    private static List<HeldDay> read(DuckDbWriter.Lease lease) {
        List<HeldDay> out = new ArrayList<>();
        try (Connection c = lease.connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ubicacion_id, fecha, COUNT(*), SUM(total) FROM ventas_raw"
                     + " GROUP BY ubicacion_id, fecha ORDER BY fecha, ubicacion_id")) {
            while (rs.next()) {
                BigDecimal sum = rs.getBigDecimal(4);
                out.add(new HeldDay(rs.getString(1), rs.getObject(2, java.time.LocalDate.class), rs.getLong(3),
                        sum == null ? null : sum.setScale(4)));
            }
        } catch (SQLException e) {
            throw new LoadException("cannot read the (store, date) pairs of ventas_raw: " + e.getMessage(), e);
        }
        return out;
    }
}
