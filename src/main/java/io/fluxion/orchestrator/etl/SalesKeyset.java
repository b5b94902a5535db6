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
        p.put("ultimo_id", load.lastId());
        p.put("filas", chunkSize);
        return p;
    }

    @Override
    public boolean append(List<Map<String, Object>> rows) {
        long before = load.lastId();
        int n = load.append(rows);
        return moreChunks(n, before, load.lastId(), chunkSize);
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
