package io.fluxion.orchestrator.window;

import java.time.LocalDate;

/** One unit of the window's ETL: a store's sales of one business date. */
public record WorkItem(String storeId, LocalDate date) {
    public String key() {
        return storeId + "|" + date;
    }

    @Override
    public String toString() {
        return storeId + " " + date;
    }
}
