package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.ledger.HeldDay;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBConnection;

/**
 * The replace of one (store, business date) in {@code ventas_raw}, in one DuckDB transaction ({@link DuckDbLoad}):
 * DELETE of the old rows (which also opens the transaction, so the Appender's rows join it),
 * Appender per chunk, then {@link #commit()} or {@link #rollback()}. A rerun never duplicates and a
 * failure never leaves half a day. It also keeps the keyset's key: the last id appended.
 */
public class SalesLoad extends DuckDbLoad {
    /** Columns read from the source, in the order of {@code ventas_raw} after ubicacion_id and fecha. */
    static final String[] SOURCE_COLUMNS = {"id", "numero_factura", "linea", "fecha_hora", "codigo_producto",
        "descripcion", "cantidad", "precio_unitario", "total"};

    private final String storeId;
    private final LocalDate date;
    private final long runId;
    private final LocalDateTime loadedAt;
    /**
     * The keyset key before the first chunk: below every id, so rows with an id of 0 or less are read too
     * ({@code id > :?ultimo_id}). A source id of exactly Long.MIN_VALUE is the only one it cannot reach.
     */
    public static final long FIRST_ID = Long.MIN_VALUE;

    /** Read by the route's thread while the writer thread appends (the messages' "after n rows"). */
    private volatile long rows;
    private BigDecimal total = BigDecimal.ZERO;
    private long lastId = FIRST_ID;
    private long leftOut;
    private final long deleted;

    SalesLoad(DuckDBConnection conn, String storeId, LocalDate date, long runId, Clock clock, Runnable onClose) {
        super(conn, storeId + " " + date, onClose);
        this.storeId = storeId;
        this.date = date;
        this.runId = runId;
        this.loadedAt = LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
        // The DELETE is the first statement: it sends BEGIN, so the appends below are inside the transaction.
        // Its count is how many rows the day held: a planned load that ends with none keeps them (StoreEtl.commit).
        this.deleted = begin("DELETE FROM ventas_raw WHERE ubicacion_id = ? AND fecha = ?", storeId, date);
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
    @Override
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
        BigDecimal[] chunkTotal = {BigDecimal.ZERO};
        long[] chunkLast = {lastId};
        appendRows("ventas_raw", a -> {
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
                appendText(a, row.get(keys[1]));
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
                appendText(a, row.get(keys[4]));
                appendText(a, row.get(keys[5]));
                appendDecimal(a, decimal(row.get(keys[6]), 3));
                appendDecimal(a, decimal(row.get(keys[7]), 4));
                appendDecimal(a, lineTotal);
                a.append(runId);
                a.append(loadedAt);
                a.endRow();
                if (lineTotal != null) {
                    chunkTotal[0] = chunkTotal[0].add(lineTotal);
                }
                chunkLast[0] = Math.max(chunkLast[0], id);
            }
        });
        rows += chunk.size() - chunkLeftOut;
        leftOut += chunkLeftOut;
        total = total.add(chunkTotal[0]);
        lastId = chunkLast[0];
        return chunk.size();
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

    @Override
    public long rows() {
        return rows;
    }

    public BigDecimal total() {
        return total;
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
