package io.fluxion.orchestrator.etl;

/**
 * Test fixture of {@code architecture.LayeringTest}, never used: it brings back the dependency etl -> window (the store ETL, a window step, lived in etl), which the
 * layering rule must refuse.
 */
final class LayeringFixture {
    private io.fluxion.orchestrator.window.WindowRun brokenRule;

    private LayeringFixture() {
    }
}
