package io.fluxion.orchestrator.etl;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Finds the expected columns in a row map whatever case the driver used for their names. */
final class Columns {
    private Columns() {
    }

    static String[] resolve(Map<String, Object> row, String[] wanted) {
        String[] keys = new String[wanted.length];
        for (int i = 0; i < wanted.length; i++) {
            for (String k : row.keySet()) {
                if (k.toLowerCase(Locale.ROOT).equals(wanted[i])) {
                    keys[i] = k;
                    break;
                }
            }
            if (keys[i] == null) {
                throw new IllegalArgumentException("the source query returns no column '" + wanted[i]
                        + "' (it returns " + row.keySet() + "); fix the SQL file");
            }
        }
        return keys;
    }

    /**
     * The last non-null value of {@code column} in a chunk (the keyset's next key: the rows come in key order), or
     * null when the chunk is empty or holds no value of it; rows with a NULL key at the end are passed over.
     */
    static Object lastValue(List<Map<String, Object>> rows, String column) {
        if (rows.isEmpty()) {
            return null;
        }
        String key = resolve(rows.get(0), new String[] {column})[0];
        for (int i = rows.size() - 1; i >= 0; i--) {
            Object v = rows.get(i).get(key);
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
