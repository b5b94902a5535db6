package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.ledger.HeldDay;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The replace of one (store, business date) in {@code ventas_raw}, in one DuckDB transaction:
 * DELETE of the old rows (which also opens the transaction, so the Appender's rows join it),
 * Appender per chunk, then {@link #commit()} or {@link #rollback()}. A rerun never duplicates and a
 * failure never leaves half a day.
 */
public class SalesLoad {
    /** Columns read from the source, in the order of {@code ventas_raw} after ubicacion_id and fecha. */
    static final String[] SOURCE_COLUMNS = {"id", "numero_factura", "linea", "fecha_hora", "codigo_producto",
        "descripcion", "cantidad", "precio_unitario", "total"};

    private final DuckDBConnection conn;
    private final String storeId;
    private final LocalDate date;
    private final long runId;
    private final LocalDateTime loadedAt;
    private final Runnable onClose;
    /**
     * The keyset key before the first chunk: below every id, so rows with an id of 0 or less are read too
     * ({@code id > :?ultimo_id}). A source id of exactly Long.MIN_VALUE is the only one it cannot reach.
     */
    public static final long FIRST_ID = Long.MIN_VALUE;

    private long rows;
    private BigDecimal total = BigDecimal.ZERO;
    private long lastId = FIRST_ID;
    private long leftOut;
    private long deleted;
    private boolean done;

    SalesLoad(DuckDBConnection conn, String storeId, LocalDate date, long runId, Clock clock, Runnable onClose) {
        this.conn = conn;
        this.storeId = storeId;
        this.date = date;
        this.runId = runId;
        this.loadedAt = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        this.onClose = onClose;
        try {
            conn.setAutoCommit(false);
            // The DELETE is the first statement: it sends BEGIN, so the appends below are inside the transaction.
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM ventas_raw WHERE ubicacion_id = ? AND fecha = ?")) {
                ps.setString(1, storeId);
                ps.setObject(2, date);
                // how many rows the day held: a planned load that ends with none keeps them (see StoreEtl.commit)
                deleted = ps.executeUpdate();
            }
        } catch (SQLException e) {
            closeAfterFailure();
            throw new LoadException("cannot start the load of " + storeId + " " + date + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends one chunk of source rows (as camel-jdbc returns them: one map per row, column names
     * in any case). Returns the number of rows the chunk held (appended or left out): the caller compares
     * it with the chunk size to know whether another chunk follows.
     *
     * <p>Every row is appended, whatever the sign of its id, except a row with a NULL id: ventas_raw.id is
     * NOT NULL and the keyset cannot page it, so it is counted in {@link #leftOut()}. Ids must come in
     * increasing order above the previous chunk's last id (the SQL file's {@code ORDER BY id}); otherwise
     * the keyset would skip rows, and the chunk is refused with a {@link SourceRowsException}.
     */
    public int append(List<Map<String, Object>> chunk) {
        if (chunk.isEmpty()) {
            return 0;
        }
        String[] keys = Columns.resolve(chunk.get(0), SOURCE_COLUMNS);
        long previous = lastId;
        long chunkLeftOut = 0;
        for (Map<String, Object> row : chunk) {
            Object v = row.get(keys[0]);
            if (v == null) {
                chunkLeftOut++;
                continue;
            }
            long id = ((Number) v).longValue();
            if (id <= previous && previous != FIRST_ID) {
                throw new SourceRowsException("the sales query returned id " + id + " after id " + previous + " for "
                        + storeId + " " + date + ": rows must come in increasing id order above :?ultimo_id"
                        + " (ORDER BY id), with unique ids; otherwise rows would be skipped");
            }
            previous = id;
        }
        BigDecimal chunkTotal = BigDecimal.ZERO;
        long chunkLast = lastId;
        try {
            DuckDBAppender a = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "ventas_raw");
            try {
                for (Map<String, Object> row : chunk) {
                    Object idValue = row.get(keys[0]);
                    if (idValue == null) {
                        continue;
                    }
                    long id = ((Number) idValue).longValue();
                    BigDecimal lineTotal = decimal(row.get(keys[8]), 4);
                    a.beginRow();
                    a.append(storeId);
                    a.append(date);
                    a.append(id);
                    text(a, row.get(keys[1]));
                    Object linea = row.get(keys[2]);
                    if (linea == null) {
                        a.appendNull();
                    } else {
                        a.append(((Number) linea).intValue());
                    }
                    LocalDateTime ts = timestamp(row.get(keys[3]));
                    if (ts == null) {
                        a.appendNull();
                    } else {
                        a.append(ts);
                    }
                    text(a, row.get(keys[4]));
                    text(a, row.get(keys[5]));
                    dec(a, decimal(row.get(keys[6]), 3));
                    dec(a, decimal(row.get(keys[7]), 4));
                    dec(a, lineTotal);
                    a.append(runId);
                    a.append(loadedAt);
                    a.endRow();
                    if (lineTotal != null) {
                        chunkTotal = chunkTotal.add(lineTotal);
                    }
                    chunkLast = Math.max(chunkLast, id);
                }
                // flush() throws on a bad last chunk; close() alone would swallow it and lose rows
                a.flush();
            } finally {
                a.close();
            }
        } catch (SQLException | RuntimeException e) {
            throw new LoadException("DuckDB append failed for " + storeId + " " + date + ": " + e.getMessage(), e);
        }
        rows += chunk.size() - chunkLeftOut;
        leftOut += chunkLeftOut;
        total = total.add(chunkTotal);
        lastId = chunkLast;
        return chunk.size();
    }

    /** Makes the replace visible; after this DuckDB holds exactly the appended rows for (store, date). */
    public void commit() {
        try {
            conn.commit();
            done = true;
        } catch (SQLException e) {
            throw new LoadException("DuckDB commit failed for " + storeId + " " + date + ": " + e.getMessage(), e);
        } finally {
            closeAfterFailure();
        }
    }

    /**
     * Ends the load without a change (rollback: the DELETE is undone) and answers what DuckDB holds for
     * (store, date) again: its rows and SUM(total), read on the same connection after the rollback.
     */
    public HeldDay keepOldRows() {
        try {
            conn.rollback();
            try (PreparedStatement ps = conn.prepareStatement("SELECT COUNT(*), SUM(total) FROM ventas_raw"
                    + " WHERE ubicacion_id = ? AND fecha = ?")) {
                ps.setString(1, storeId);
                ps.setObject(2, date);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    BigDecimal sum = rs.getBigDecimal(2);
                    return new HeldDay(storeId, date, rs.getLong(1), sum == null ? null : sum.setScale(4));
                }
            }
        } catch (SQLException e) {
            throw new LoadException("DuckDB rollback failed for " + storeId + " " + date + ": " + e.getMessage(), e);
        } finally {
            rollback();
        }
    }

    /** Undoes the DELETE and every append; the (store, date) keeps what it had before. Idempotent. */
    public void rollback() {
        if (done) {
            return;
        }
        try {
            if (!conn.isClosed()) {
                conn.rollback();
            }
        } catch (SQLException e) {
            // closing the connection below discards the transaction anyway
        } finally {
            done = true;
            closeAfterFailure();
        }
    }

    public long rows() {
        return rows;
    }

    public BigDecimal total() {
        return total;
    }

    /** The keyset key of the next chunk: the last id appended ({@link #FIRST_ID} before the first chunk). */
    public long lastId() {
        return lastId;
    }

    /** Rows the query returned that were not appended: those with a NULL id. */
    public long leftOut() {
        return leftOut;
    }

    /** Rows (store, date) held before this load (the DELETE's count); they come back on a rollback. */
    public long deleted() {
        return deleted;
    }

    /** "2 rows left out: NULL id (ventas_raw.id is NOT NULL and the keyset cannot page them)", or null. */
    public String leftOutNote() {
        return leftOut == 0 ? null : leftOut + " source row(s) left out: NULL id (ventas_raw.id is NOT NULL and the"
                + " keyset on id cannot page them)";
    }

    private void closeAfterFailure() {
        try {
            conn.close();
        } catch (SQLException e) {
            // nothing more to do
        }
        onClose.run();
    }

    private static void text(DuckDBAppender a, Object v) throws SQLException {
        if (v == null) {
            a.appendNull();
        } else {
            a.append(v.toString());
        }
    }

    private static void dec(DuckDBAppender a, BigDecimal v) throws SQLException {
        if (v == null) {
            a.appendNull();
        } else {
            a.append(v);
        }
    }

    /** The Appender needs the column's exact scale; it does not rescale. */
    static BigDecimal decimal(Object v, int scale) {
        if (v == null) {
            return null;
        }
        BigDecimal d = v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
        return d.setScale(scale, RoundingMode.HALF_UP);
    }

    /** Source timestamps are store-local wall time: keep the fields, never shift through a zone. */
    static LocalDateTime timestamp(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof LocalDateTime l) {
            return l;
        }
        if (v instanceof Timestamp t) {
            return t.toLocalDateTime();
        }
        if (v instanceof java.time.OffsetDateTime o) {
            return o.toLocalDateTime();
        }
        return LocalDateTime.parse(v.toString().replace(' ', 'T'));
    }
}
