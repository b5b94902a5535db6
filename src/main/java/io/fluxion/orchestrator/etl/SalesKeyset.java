package io.fluxion.orchestrator.etl;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pages of one store's sales of one date: the sales file's keyset query ({@code id > :?ultimo_id ORDER BY id},
 * at most {@code :?filas} rows between {@code :?desde} and {@code :?hasta}) from {@link SalesLoad#FIRST_ID} on.
 */
public final class SalesKeyset implements Keyset {
    private final String query;
    private final LocalDate date;
    private final int chunkSize;
    private final SalesLoad load;
    private long key = SalesLoad.FIRST_ID;

    public SalesKeyset(String query, LocalDate date, int chunkSize, SalesLoad load) {
        this.query = query;
        this.date = date;
        this.chunkSize = chunkSize;
        this.load = load;
    }

    @Override
    public String query() {
        return query;
    }

    @Override
    public Map<String, Object> parameters() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("desde", date.atStartOfDay());
        p.put("hasta", date.plusDays(1).atStartOfDay());
        p.put("ultimo_id", key);
        p.put("filas", chunkSize);
        return p;
    }

    /** The key of the next chunk: the id of the last row with an id this keyset took ({@link SalesLoad#FIRST_ID} before). */
    public long key() {
        return key;
    }

    /**
     * The key moves to the chunk's last id (the rows come in id order: the load refuses them otherwise, when it
     * appends them); rows with a NULL id at the end are passed over.
     */
    @Override
    public boolean advance(List<Map<String, Object>> rows) {
        long before = key;
        Object last = Columns.lastValue(rows, SalesLoad.SOURCE_COLUMNS[0]);
        if (last != null) {
            key = ((Number) last).longValue();
        }
        return moreChunks(rows.size(), before, key, chunkSize);
    }

    @Override
    public void appendChunk(List<Map<String, Object>> rows) {
        load.append(rows);
    }

    @Override
    public SalesLoad load() {
        return load;
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
}
