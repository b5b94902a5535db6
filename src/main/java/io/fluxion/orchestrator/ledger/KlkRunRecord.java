package io.fluxion.orchestrator.ledger;

import java.time.Instant;

/** One KLK sync as the ledger holds it: a run, or a trigger that was skipped or dropped. */
public record KlkRunRecord(long id, String route, String mode, String triggerKind, Instant scheduledAt, String status,
                           String reason, Integer httpStatus, String response, Integer storesTotal,
                           Integer storesFailed, Long rowsLoaded, String detail, Instant startedAt, Instant endedAt) {
}
