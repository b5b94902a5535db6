package io.fluxion.orchestrator.ledger;

import java.time.Instant;

/** The leader of a cluster namespace as the ledger records it (table {@code cluster_leader}). */
public record LeaderRecord(String namespace, String node, String owner, long epoch, Instant since) {
}
