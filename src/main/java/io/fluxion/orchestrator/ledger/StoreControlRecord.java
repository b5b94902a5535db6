package io.fluxion.orchestrator.ledger;

import java.time.Instant;

/**
 * An operator's controls of one store as the ledger holds them (table store_control); a null field is not set.
 *
 * @param priority higher first in the window's order (0-100)
 */
public record StoreControlRecord(String storeId, Boolean enabled, Integer priority, Integer maxAttempts,
                                 Integer retryIntervalMinutes, String changedBy, Instant updatedAt) {
}
