package io.fluxion.orchestrator.etl;

import java.util.List;
import java.util.Map;

/**
 * The replace of one unit of data (a store's sales of one date, a store's inventory snapshot) in one transaction,
 * fed chunk by chunk: nothing is visible until {@link #commit()}, and {@link #rollback()} leaves what was there
 * before. The sink of the keyset chunks ({@link KeysetChunks}); {@link DuckDbLoad} writes it into a DuckDB file
 * (today the analytics file; a staging file is another connection, not another class).
 */
public interface Load {
    /**
     * Appends one chunk of source rows (as camel-jdbc returns them: one map per row, column names in any case);
     * returns the number of rows the chunk held (appended or left out).
     */
    int append(List<Map<String, Object>> chunk);

    /** Rows appended so far. */
    long rows();

    /** Makes the replace visible. */
    void commit();

    /** Undoes everything this load did; idempotent, and nothing to do after {@link #commit()}. */
    void rollback();
}
