package io.fluxion.orchestrator.klk;

import java.time.LocalDate;

/** One unit of a direct KLK run: a store's inventory snapshot (date null) or its sales of one date. */
public record KlkItem(String storeId, LocalDate date) {
    @Override
    public String toString() {
        return date == null ? storeId : storeId + " " + date;
    }
}
