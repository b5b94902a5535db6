package io.fluxion.orchestrator.monitoring;

/**
 * Test fixture of {@code architecture.LayeringTest}, never used: it brings back the dependency monitoring -> api, which the
 * layering rule must refuse.
 */
final class LayeringFixture {
    private io.fluxion.orchestrator.api.SchedulerSettings brokenRule;

    private LayeringFixture() {
    }
}
