package io.fluxion.orchestrator.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * What DuckDB holds for one (store, business date), as last recorded. {@code origin}: run, klk or import
 * (found in DuckDB when the ledger first met the file; null for rows of an earlier version);
 * {@code note}: why a planned load kept the old rows, or what a load left out.
 */
public record StoreDayRecord(String storeId, LocalDate businessDate, String status, Long rows, BigDecimal total,
                             Long runId, String error, Instant updatedAt, String origin, String note) {
}
