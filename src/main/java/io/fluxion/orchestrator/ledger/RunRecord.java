package io.fluxion.orchestrator.ledger;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** One window run as the ledger holds it. */
public record RunRecord(long id, String kind, String requestedBy, List<LocalDate> businessDates, String storeIds,
                        String status, String reason, String backendMode, String backendState, Instant startedAt,
                        Instant endedAt, Instant backendStoppedAt, Instant backendStartedAt, Integer storesTotal,
                        Integer storesSucceeded, Integer storesFailed, Long rowsLoaded, String strategy,
                        Long stagingMs, Long downtimeMs, Integer merges) {
    public RunRecord(long id, String kind, String requestedBy, List<LocalDate> businessDates, String storeIds,
                     String status, String reason, String backendMode, String backendState, Instant startedAt,
                     Instant endedAt, Instant backendStoppedAt, Instant backendStartedAt, Integer storesTotal,
                     Integer storesSucceeded, Integer storesFailed, Long rowsLoaded) {
        this(id, kind, requestedBy, businessDates, storeIds, status, reason, backendMode, backendState, startedAt,
                endedAt, backendStoppedAt, backendStartedAt, storesTotal, storesSucceeded, storesFailed, rowsLoaded,
                null, null, null, null);
    }
}
