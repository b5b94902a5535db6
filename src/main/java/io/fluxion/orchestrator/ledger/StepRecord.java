package io.fluxion.orchestrator.ledger;

import java.time.Instant;

/** One step of a run (guard, stop-backend, etl, release-duckdb, start-backend, summary). */
public record StepRecord(String step, String status, String detail, Instant startedAt, Instant endedAt) {
}
