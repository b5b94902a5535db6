package io.fluxion.orchestrator.ledger;

import java.time.Instant;

/** One store's connectivity probe of a window run (table {@code store_probe}). */
public record ProbeRecord(long runId, String storeId, boolean reachable, long millis, String error, Instant probedAt) {
}
