package io.fluxion.orchestrator.etl;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBConnection;

/**
 * The replace of one KLK store's inventory snapshot in {@code inventario_raw}, in one DuckDB transaction
 * ({@link DuckDbLoad}). It also keeps the keyset's key: the last codigo_producto appended.
 */
public class InventoryLoad extends DuckDbLoad {
    static final String[] SOURCE_COLUMNS = {"codigo_producto", "descripcion", "cantidad"};

    private final String storeId;
    private final LocalDateTime extractedAt;
    /** Read by the route's thread while the writer thread appends (the messages' "after n rows"). */
    private volatile long rows;
    private long withoutCode;
    private String lastCode = "";

    InventoryLoad(DuckDBConnection conn, String storeId, LocalDateTime extractedAt, Runnable onClose) {
        super(conn, "the inventory of " + storeId, onClose);
        this.storeId = storeId;
        this.extractedAt = extractedAt;
        begin("DELETE FROM inventario_raw WHERE ubicacion_id = ?", storeId);
    }

    /**
     * Appends one chunk of the keyset pass (codes after the last one appended, in code order); every row the query
     * returns is appended, a NULL code as NULL. Returns the rows of the chunk.
     */
    @Override
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
        String[] last = {lastCode};
        long[] noCode = {0};
        appendRows("inventario_raw", a -> {
            for (Map<String, Object> row : chunk) {
                a.beginRow();
                a.append(storeId);
                Object code = row.get(keys[0]);
                appendText(a, code);
                if (code != null && keyed) {
                    last[0] = code.toString();
                }
                if (code == null || code.toString().isBlank()) {
                    noCode[0]++;
                }
                appendText(a, row.get(keys[1]));
                BigDecimal qty = decimal(row.get(keys[2]), 3);
                appendDecimal(a, qty);
                a.append(extractedAt);
                a.endRow();
            }
        });
        rows += chunk.size();
        withoutCode += noCode[0];
        lastCode = last[0];
        return chunk.size();
    }

    @Override
    public long rows() {
        return rows;
    }

    /** Rows loaded whose codigo_producto is NULL or blank. */
    public long withoutCode() {
        return withoutCode;
    }
}
