package io.fluxion.orchestrator.etl;

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
}
