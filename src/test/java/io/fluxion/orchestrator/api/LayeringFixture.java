package io.fluxion.orchestrator.api;

/**
 * Test fixture of {@code architecture.LayeringTest}, never used: it brings back the dependency api -> root (the API's configuration read FluxionConfiguration.CLOCK), which the
 * layering rule must refuse.
 */
final class LayeringFixture {
    private io.fluxion.orchestrator.FluxionConfiguration brokenRule;

    private LayeringFixture() {
    }
}
