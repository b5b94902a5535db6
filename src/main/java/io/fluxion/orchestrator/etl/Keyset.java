package io.fluxion.orchestrator.etl;

import java.util.List;
import java.util.Map;

/**
 * The keyset pages of one {@link Load}: the statement and parameters of the next chunk, and whether another chunk
 * follows the one just appended. The {@code keyset-chunks} route asks it in a loop (through {@link KeysetChunks});
 * the key itself (the last id or product code appended) is kept by the load, which sees every row.
 */
public interface Keyset {
    /** The next chunk's statement: the body camel-jdbc runs. */
    String query();

    /** Its named parameters ({@code :?name}), which camel-jdbc reads from the headers. */
    Map<String, Object> parameters();

    /** Appends a chunk the query returned to the load; true when another chunk follows. */
    boolean append(List<Map<String, Object>> rows);

    /** Where the rows go. */
    Load load();
}
