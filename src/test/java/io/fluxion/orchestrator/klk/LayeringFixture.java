package io.fluxion.orchestrator.klk;

/**
 * Test fixture of {@code architecture.LayeringTest}, never used: it brings back the dependency klk -> api (KlkRoute implemented the API's ScheduledRoute), which the
 * layering rule must refuse.
 */
final class LayeringFixture {
    private io.fluxion.orchestrator.api.SchedulerSettings brokenRule;

    private LayeringFixture() {
    }
}
