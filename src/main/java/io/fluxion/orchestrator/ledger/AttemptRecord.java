package io.fluxion.orchestrator.ledger;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;

/**
 * One attempt at loading one (store, business date). {@code rowsLeftOut}: source rows the query returned that
 * could not be loaded; {@code note}: why, or a suspect load that kept the old rows.
 */
public record AttemptRecord(String storeId, LocalDate businessDate, int attempt, String status, Long rows,
                            BigDecimal total, String error, Instant startedAt, Instant endedAt, Long rowsLeftOut,
                            String note, Instant stagedAt, Instant mergedAt) {
    public AttemptRecord(String storeId, LocalDate businessDate, int attempt, String status, Long rows,
                         BigDecimal total, String error, Instant startedAt, Instant endedAt, Long rowsLeftOut,
                         String note) {
        this(storeId, businessDate, attempt, status, rows, total, error, startedAt, endedAt, rowsLeftOut, note, null,
                null);
    }
}
