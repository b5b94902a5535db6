package io.fluxion.orchestrator.lifecycle;

/**
 * Test fixture of {@code architecture.LayeringTest}, never used: it brings back the dependency lifecycle -> window, which the
 * layering rule must refuse.
 */
final class LayeringFixture {
    private io.fluxion.orchestrator.window.WindowService brokenRule;

    private LayeringFixture() {
    }
}
