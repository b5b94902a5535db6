package io.fluxion.orchestrator.etl;

import java.util.List;
import java.util.Map;

/**
 * The keyset pages of one {@link Load}: the statement and parameters of the next chunk, and whether another chunk
 * follows the one just pulled. The {@code keyset-chunks} route asks it in a loop (through {@link KeysetChunks}).
 * The key (the last id or product code of a chunk) is the keyset's own, moved on by {@link #advance} from the
 * chunk's last row as soon as the chunk is pulled, so the next chunk's pull can overlap this chunk's append
 * ({@link #appendChunk}, on the load's writer thread).
 */
public interface Keyset {
    /** The next chunk's statement: the body camel-jdbc runs. */
    String query();

    /** Its named parameters ({@code :?name}), which camel-jdbc reads from the headers. */
    Map<String, Object> parameters();

    /**
     * Takes the chunk the query just returned, before it is appended: moves the key past its last row (cheap: the
     * rows are not read one by one) and answers whether another chunk follows. A full chunk that would not move the
     * key is refused ({@link SourceRowsException}).
     */
    boolean advance(List<Map<String, Object>> rows);

    /**
     * Appends a chunk {@link #advance} took to the load: each chunk once, one at a time, in the order they were
     * pulled. Bad rows (out of key order, say) are refused here, by the load.
     */
    void appendChunk(List<Map<String, Object>> rows);

    /** Where the rows go. */
    Load load();
}
