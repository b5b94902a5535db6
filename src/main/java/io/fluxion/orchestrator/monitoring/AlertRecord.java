package io.fluxion.orchestrator.monitoring;

import java.time.Instant;

/** One alert as the ledger keeps it (table {@code alert_event}), whatever the webhook did with it. */
public record AlertRecord(long id, String kind, String severity, String dedupeKey, String text, Long runId,
                          String webhookStatus, int webhookAttempts, String webhookError, Instant createdAt,
                          Instant sentAt) {
}
