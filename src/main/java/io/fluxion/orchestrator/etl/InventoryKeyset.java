package io.fluxion.orchestrator.etl;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pages of one store's inventory: the inventory file's keyset statement ({@code codigo_producto >
 * :?ultimo_codigo}, at most {@code :?filas} rows) until a chunk is not full, then, when the file has one, its
 * second statement once: the rows without a product code, which no keyset on that code can page.
 */
public final class InventoryKeyset implements Keyset {
    private final String keyedQuery;
    private final String unkeyedQuery;
    private final int chunkSize;
    private final InventoryLoad load;
    private boolean unkeyed;
    private String key = "";
    /** The chunk of the second statement, once it is taken (appended without moving the load's key). */
    private List<Map<String, Object>> unkeyedChunk;

    /** {@code unkeyedQuery} may be null: the rows without a code are then not read. */
    public InventoryKeyset(String keyedQuery, String unkeyedQuery, int chunkSize, InventoryLoad load) {
        this.keyedQuery = keyedQuery;
        this.unkeyedQuery = unkeyedQuery;
        this.chunkSize = chunkSize;
        this.load = load;
    }

    @Override
    public String query() {
        return unkeyed ? unkeyedQuery : keyedQuery;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("filas", chunkSize);
        p.put("ultimo_codigo", key);
        return p;
    }

    /** The key of the next keyed chunk: the last product code this keyset took ("" before the first chunk). */
    public String key() {
        return key;
    }

    @Override
    public boolean advance(List<Map<String, Object>> rows) {
        if (unkeyed) {
            // the rows without a product code come in one statement: nothing pages them
            if (rows.size() >= chunkSize) {
                throw new SourceRowsException("the inventory's rows without a product code filled a whole chunk ("
                        + rows.size() + " rows): they cannot be paged and some would be left out; fix the source's"
                        + " codes or raise fluxion.etl.chunk-size");
            }
            unkeyedChunk = rows;
            return false;
        }
        String before = key;
        Object last = Columns.lastValue(rows, InventoryLoad.SOURCE_COLUMNS[0]);
        if (last != null) {
            key = last.toString();
        }
        if (rows.size() >= chunkSize) {
            if (before.equals(key)) {
                throw new SourceRowsException("a full inventory chunk of " + rows.size() + " rows did not move the"
                        + " keyset past codigo_producto '" + before + "': the next chunk would be the same");
            }
            return true;
        }
        if (unkeyedQuery != null) {
            unkeyed = true;
            return true;
        }
        return false;
    }

    @Override
    public void appendChunk(List<Map<String, Object>> rows) {
        if (rows == unkeyedChunk) {
            load.appendUnkeyed(rows);
        } else {
            load.append(rows);
        }
    }

    @Override
    public InventoryLoad load() {
        return load;
    }
}
