package io.fluxion.orchestrator.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/** What DuckDB holds for one (store, business date), as last recorded. */
public record StoreDayRecord(String storeId, LocalDate businessDate, String status, Long rows, BigDecimal total,
                             Long runId, String error, Instant updatedAt) {
}
