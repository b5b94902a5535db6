package io.fluxion.orchestrator.etl;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/** The replace of one KLK store's inventory snapshot in {@code inventario_raw}, in one DuckDB transaction. */
public class InventoryLoad {
    static final String[] SOURCE_COLUMNS = {"codigo_producto", "descripcion", "cantidad"};

    private final DuckDBConnection conn;
    private final String storeId;
    private final LocalDateTime extractedAt;
    private final Runnable onClose;
    private long rows;
    private long withoutCode;
    private String lastCode = "";
    private boolean done;

    InventoryLoad(DuckDBConnection conn, String storeId, LocalDateTime extractedAt, Runnable onClose) {
        this.conn = conn;
        this.storeId = storeId;
        this.extractedAt = extractedAt;
        this.onClose = onClose;
        try {
            conn.setAutoCommit(false);
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM inventario_raw WHERE ubicacion_id = ?")) {
                ps.setString(1, storeId);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            close();
            throw new LoadException("cannot start the inventory load of " + storeId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends one chunk of the keyset pass (codes after {@link #lastCode()}, in code order); every row the query
     * returns is appended, a NULL code as NULL. Returns the rows of the chunk.
     */
    public int append(List<Map<String, Object>> chunk) {
        return append(chunk, true);
    }

    /**
     * Appends the rows the keyset cannot page (NULL or empty codigo_producto), read by the inventory file's
     * second statement after the keyset pass; the keyset key does not move.
     */
    public int appendUnkeyed(List<Map<String, Object>> chunk) {
        return append(chunk, false);
    }

    private int append(List<Map<String, Object>> chunk, boolean keyed) {
        if (chunk.isEmpty()) {
            return 0;
        }
        String[] keys = Columns.resolve(chunk.get(0), SOURCE_COLUMNS);
        String last = lastCode;
        long noCode = 0;
        try {
            DuckDBAppender a = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, "inventario_raw");
            try {
                for (Map<String, Object> row : chunk) {
                    a.beginRow();
                    a.append(storeId);
                    Object code = row.get(keys[0]);
                    if (code == null) {
                        a.appendNull();
                    } else {
                        a.append(code.toString());
                        if (keyed) {
                            last = code.toString();
                        }
                    }
                    if (code == null || code.toString().isBlank()) {
                        noCode++;
                    }
                    Object desc = row.get(keys[1]);
                    if (desc == null) {
                        a.appendNull();
                    } else {
                        a.append(desc.toString());
                    }
                    BigDecimal qty = SalesLoad.decimal(row.get(keys[2]), 3);
                    if (qty == null) {
                        a.appendNull();
                    } else {
                        a.append(qty);
                    }
                    a.append(extractedAt);
                    a.endRow();
                }
                a.flush();
            } finally {
                a.close();
            }
        } catch (SQLException | RuntimeException e) {
            throw new LoadException("DuckDB append failed for the inventory of " + storeId + ": " + e.getMessage(), e);
        }
        rows += chunk.size();
        withoutCode += noCode;
        lastCode = last;
        return chunk.size();
    }

    /** The keyset key of the next chunk: the last codigo_producto appended ("" before the first chunk). */
    public String lastCode() {
        return lastCode;
    }

    public void commit() {
        try {
            conn.commit();
            done = true;
        } catch (SQLException e) {
            throw new LoadException("DuckDB commit failed for the inventory of " + storeId + ": " + e.getMessage(), e);
        } finally {
            close();
        }
    }

    public void rollback() {
        if (done) {
            return;
        }
        try {
            if (!conn.isClosed()) {
                conn.rollback();
            }
        } catch (SQLException e) {
            // closing discards the transaction
        } finally {
            done = true;
            close();
        }
    }

    public long rows() {
        return rows;
    }

    /** Rows loaded whose codigo_producto is NULL or blank. */
    public long withoutCode() {
        return withoutCode;
    }

    private void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // nothing more to do
        }
        onClose.run();
    }
}
