package io.fluxion.orchestrator.ledger;

import java.time.Instant;

/**
 * The inventory snapshot DuckDB holds for one store (table inventory_store) and the outcome of the last attempt to
 * replace it; a failed attempt leaves the snapshot's fields as they were.
 */
public record InventoryStoreRecord(String storeId, Instant snapshotAt, Long snapshotRows, String snapshotRoute,
                                   Long snapshotRun, String lastRoute, Long lastRun, String lastStatus, String lastError,
                                   Instant lastAt) {
}
