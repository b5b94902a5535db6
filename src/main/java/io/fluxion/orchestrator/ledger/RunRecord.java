package io.fluxion.orchestrator.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** One window run as the ledger holds it. */
public record RunRecord(long id, String kind, String requestedBy, List<LocalDate> businessDates, String storeIds,
                        String status, String reason, String backendMode, String backendState, Instant startedAt,
                        Instant endedAt, Instant backendStoppedAt, Instant backendStartedAt, Integer storesTotal,
                        Integer storesSucceeded, Integer storesFailed, Long rowsLoaded) {
}
