package io.fluxion.orchestrator.ledger;

import java.time.Instant;

/** One enable or disable of a store by an operator (store_control_change), at the instant it was saved. */
public record StoreSwitchRecord(String storeId, boolean enabled, Instant at) {
}
