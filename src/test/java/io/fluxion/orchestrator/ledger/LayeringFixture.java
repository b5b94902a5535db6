package io.fluxion.orchestrator.ledger;

/**
 * Test fixture of {@code architecture.LayeringTest}, never used: it brings back the dependency ledger -> etl (the ledger read its schema with etl's SqlFiles), which the
 * layering rule must refuse.
 */
final class LayeringFixture {
    private io.fluxion.orchestrator.etl.DuckDbWriter brokenRule;

    private LayeringFixture() {
    }
}
