package io.fluxion.orchestrator.ledger;

import java.math.BigDecimal;
import java.time.LocalDate;

/** What a DuckDB file holds for one (store, business date) in ventas_raw: its rows and their SUM(total). */
public record HeldDay(String storeId, LocalDate date, long rows, BigDecimal total) {
}
