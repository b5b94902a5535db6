package io.fluxion.orchestrator.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.testing.EcsTestServer;
import io.fluxion.orchestrator.testing.MutableClock;
import java.time.Instant;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * {@link EcsBackendControl} with the real AWS SDK {@link EcsClient} against {@link EcsTestServer}
 * (ECS JSON 1.1 on loopback): the calls it makes, in order, and how it behaves when ECS throttles,
 * fails with 5xx, never drains or never comes back. Clients here have the SDK's own retries off, so
 * every call the control makes is one call recorded by the server (one test keeps them on).
 */
class EcsBackendControlTest {
    static final String CLUSTER = "fluxion-cluster";
    static final String SERVICE = "fluxion-backend";

    EcsTestServer ecs;
    EcsClient client;

    @AfterEach
    void tearDown() {
        if (client != null) {
            client.close();
        }
        if (ecs != null) {
            ecs.close();
        }
    }

    static FluxionConfig.Backend cfg(String service, int desired, String stopTimeout, String startTimeout) {
        return new FluxionConfig.Backend("ecs", CLUSTER, service, EcsTestServer.REGION, null, desired,
                Duration.ofMillis(Long.parseLong(stopTimeout)), Duration.ofMillis(Long.parseLong(startTimeout)),
                Duration.ofMillis(20));
    }

    EcsBackendControl control(int running, int desired, boolean sdkRetries) {
        ecs = EcsTestServer.start(CLUSTER, SERVICE, running);
        client = ecs.client(sdkRetries);
        return new EcsBackendControl(client, cfg(SERVICE, desired, "3000", "3000"), Clock.systemUTC());
    }

    @Test
    void stopScalesToZeroThenPollsUntilNothingRuns() {
        EcsBackendControl c = control(2, 2, false);
        ecs.convergeEvery(2);

        c.stop();

        assertThat(ecs.briefs()).containsExactly("UpdateService(0)", "DescribeServices->2", "DescribeServices->1",
                "DescribeServices->1", "DescribeServices->0");
        assertThat(ecs.running()).isZero();
        assertThat(ecs.desired()).isZero();
    }

    @Test
    void startScalesToTheDesiredCountThenPollsUntilItRuns() {
        EcsBackendControl c = control(0, 2, false);

        c.start();

        assertThat(ecs.briefs()).containsExactly("UpdateService(2)", "DescribeServices->1", "DescribeServices->2");
        assertThat(ecs.running()).isEqualTo(2);
        BackendControl.BackendState st = c.state();
        assertThat(st.state()).isEqualTo("running");
        assertThat(List.of(st.desired(), st.running(), st.pending())).containsExactly(2, 2, 0);
        assertThat(st.rollout()).isEqualTo("COMPLETED");
    }

    @Test
    void throttlingIsRetriedWithDoublingBackoff() {
        EcsBackendControl c = control(1, 1, false);
        ecs.throttleNext(3);

        c.stop();

        List<EcsTestServer.Call> calls = ecs.calls();
        assertThat(ecs.briefs()).containsExactly("UpdateService!ThrottlingException", "UpdateService!ThrottlingException",
                "UpdateService!ThrottlingException", "UpdateService(0)", "DescribeServices->0");
        // backoff from the poll interval (20 ms), doubling: 20, 40, 80 ms between the tries
        assertThat(gapMs(calls, 0)).isGreaterThanOrEqualTo(20);
        assertThat(gapMs(calls, 1)).isGreaterThanOrEqualTo(40);
        assertThat(gapMs(calls, 2)).isGreaterThanOrEqualTo(80);
        assertThat(ecs.running()).isZero();
        assertThat(c.lastStepNote()).isEqualTo("3 transient ECS error(s) retried, last: ThrottlingException (HTTP 400): Rate exceeded");
        c.start();
        assertThat(c.lastStepNote()).as("reset for each step").isEmpty();
    }

    @Test
    void serverErrorsWhilePollingAreRetriedAndTheStartCompletes() {
        EcsBackendControl c = control(0, 1, false);
        ecs.failNext("DescribeServices", 2, 503);

        c.start();

        assertThat(ecs.briefs()).containsExactly("UpdateService(1)", "DescribeServices!ServerException",
                "DescribeServices!ServerException", "DescribeServices->1");
        assertThat(ecs.running()).isEqualTo(1);
    }

    @Test
    void serverErrorsUntilTheDeadlineFailTheStepWithTheLastError() {
        ecs = EcsTestServer.start(CLUSTER, SERVICE, 1);
        client = ecs.client(false);
        EcsBackendControl c = new EcsBackendControl(client, cfg(SERVICE, 1, "300", "300"), Clock.systemUTC());
        warmUp(c);
        ecs.failNext(Integer.MAX_VALUE, 500);

        long t0 = System.nanoTime();
        assertThatThrownBy(c::stop).isInstanceOf(BackendException.class)
                .hasMessageContaining("ECS service fluxion-backend in cluster fluxion-cluster")
                .hasMessageContaining("UpdateService desiredCount=0 still failing after")
                .hasMessageContaining("within 300ms")
                .hasMessageContaining("ServerException (HTTP 500)");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isBetween(300L, 3000L);
        // tried again with backoff (20, 40, 80, 160 ms, cut at the deadline), then given up: at most 6 tries
        // fit in 300 ms; how many exactly depends on how long each call takes on a busy machine
        assertThat(ecs.calls()).as(ecs.briefs().toString()).hasSizeBetween(2, 6)
                .allMatch(call -> call.status() == 500 && call.action().equals("UpdateService"));
        assertThat(ecs.running()).as("nothing changed").isEqualTo(1);
    }

    @Test
    void aServiceThatNeverDrainsFailsAfterTheStopTimeoutWithTheReason() {
        ecs = EcsTestServer.start(CLUSTER, SERVICE, 1);
        client = ecs.client(false);
        EcsBackendControl c = new EcsBackendControl(client, cfg(SERVICE, 1, "250", "3000"), Clock.systemUTC());
        warmUp(c);
        ecs.neverDrain(true);

        long t0 = System.nanoTime();
        assertThatThrownBy(c::stop).isInstanceOf(BackendException.class)
                .hasMessageContaining("ECS service fluxion-backend in cluster fluxion-cluster did not drain (runningCount == 0) within 250ms")
                .hasMessageContaining("last runningCount=1");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).isBetween(250L, 3000L);
        assertThat(ecs.briefs().get(0)).isEqualTo("UpdateService(0)");
        assertThat(ecs.briefs().subList(1, ecs.briefs().size())).containsOnly("DescribeServices->1").hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aServiceThatNeverComesBackFailsAfterTheStartTimeoutWithTheReason() {
        ecs = EcsTestServer.start(CLUSTER, SERVICE, 0);
        client = ecs.client(false);
        EcsBackendControl c = new EcsBackendControl(client, cfg(SERVICE, 1, "3000", "250"), Clock.systemUTC());
        warmUp(c);
        ecs.neverComeBack(true);

        assertThatThrownBy(c::start).isInstanceOf(BackendException.class)
                .hasMessageContaining("ECS service fluxion-backend in cluster fluxion-cluster did not come back (runningCount >= 1) within 250ms")
                .hasMessageContaining("last runningCount=0");
        assertThat(ecs.briefs().get(0)).isEqualTo("UpdateService(1)");
        assertThat(ecs.desired()).isEqualTo(1);
        assertThat(ecs.running()).isZero();
    }

    @Test
    void anUnknownServiceFailsAtOnceWithoutRetrying() {
        ecs = EcsTestServer.start(CLUSTER, SERVICE, 1);
        client = ecs.client(false);
        EcsBackendControl c = new EcsBackendControl(client, cfg("no-such-service", 1, "3000", "3000"), Clock.systemUTC());

        assertThatThrownBy(c::stop).isInstanceOf(BackendException.class)
                .hasMessageContaining("ECS service no-such-service in cluster fluxion-cluster: UpdateService desiredCount=0 failed")
                .hasMessageContaining("ServiceNotFoundException");
        assertThat(ecs.briefs()).containsExactly("UpdateService!ServiceNotFoundException");
        assertThat(c.state().state()).isEqualTo("unknown");
        assertThat(c.state().detail()).contains("MISSING");
    }

    @Test
    void theSdksOwnRetriesAlsoApplyAndStayBounded() {
        EcsBackendControl c = control(1, 1, true);
        // two 5xx: the SDK's standard strategy (3 attempts per call) absorbs them inside one UpdateService call
        ecs.failNext(2, 500);

        c.stop();

        assertThat(ecs.briefs()).containsExactly("UpdateService!ServerException", "UpdateService!ServerException",
                "UpdateService(0)", "DescribeServices->0");
    }

    @Test
    void anUnreachableEndpointIsTriedAgainUntilTheDeadline() {
        ecs = EcsTestServer.start(CLUSTER, SERVICE, 1);
        client = ecs.client(false);
        EcsBackendControl c = new EcsBackendControl(client, cfg(SERVICE, 1, "3000", "300"), Clock.systemUTC());
        warmUp(c);
        ecs.close(); // nothing listens on the port any more: connection refused

        long t0 = System.nanoTime();
        assertThatThrownBy(c::start).isInstanceOf(BackendException.class)
                .hasMessageContaining("ECS service fluxion-backend in cluster fluxion-cluster: UpdateService desiredCount=1 still failing after")
                .hasMessageContaining("within 300ms")
                .hasMessageContaining("Connection refused");
        assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(300L, 3000L);
    }

    @Test
    void missingCredentialsFailAtOnceWithoutRetrying() {
        ecs = EcsTestServer.start(CLUSTER, SERVICE, 1);
        client = EcsClient.builder().endpointOverride(java.net.URI.create(ecs.endpoint()))
                .region(software.amazon.awssdk.regions.Region.of(EcsTestServer.REGION))
                .credentialsProvider(() -> {
                    throw software.amazon.awssdk.core.exception.SdkClientException.create(
                            "Unable to load credentials from any of the providers in the chain");
                })
                .build();
        EcsBackendControl c = new EcsBackendControl(client, cfg(SERVICE, 1, "60000", "60000"), Clock.systemUTC());

        long t0 = System.nanoTime();
        assertThatThrownBy(c::stop).isInstanceOf(BackendException.class)
                .hasMessageContaining("UpdateService desiredCount=0 failed: ")
                .hasMessageContaining("Unable to load credentials");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000L);
        assertThat(ecs.calls()).isEmpty();
    }

    @Test
    void stateShowsTheCountsAndThePrimaryRolloutAndIsCachedForAFewSeconds() {
        ecs = EcsTestServer.start(CLUSTER, SERVICE, 0);
        client = ecs.client(false);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T05:00:00Z"));
        EcsBackendControl c = new EcsBackendControl(client, cfg(SERVICE, 2, "3000", "3000"), clock);
        client.updateService(b -> b.cluster(CLUSTER).service(SERVICE).desiredCount(2));
        ecs.convergeEvery(1000);

        BackendControl.BackendState first = c.state();
        assertThat(first.state()).isEqualTo("starting");
        assertThat(List.of(first.desired(), first.running(), first.pending())).containsExactly(2, 0, 2);
        assertThat(first.rollout()).isEqualTo("IN_PROGRESS");
        assertThat(first.detail()).contains("desired 2, running 0, pending 2");
        // the page polls: within STATE_TTL nobody asks ECS again
        for (int i = 0; i < 20; i++) {
            assertThat(c.state()).isSameAs(first);
        }
        assertThat(ecs.describeCalls()).isEqualTo(1);

        ecs.rollout("FAILED", "ECS deployment circuit breaker: tasks failed to start.");
        clock.advance(EcsBackendControl.STATE_TTL);
        BackendControl.BackendState second = c.state();
        assertThat(ecs.describeCalls()).isEqualTo(2);
        assertThat(second.state()).isEqualTo("rollout-failed");
        assertThat(second.rolloutReason()).contains("circuit breaker");
    }

    @Test
    void stateIsUnknownWithTheReasonWhenEcsDoesNotAnswerAndNeverThrows() {
        EcsBackendControl c = control(1, 1, false);
        ecs.failNext(1, 503);

        BackendControl.BackendState failed = c.state();

        assertThat(failed.state()).isEqualTo("unknown");
        assertThat(failed.detail()).contains("ECS did not answer DescribeServices for ECS service fluxion-backend")
                .contains("503");
        assertThat(failed.desired()).isNull();

        ecs.close();
        EcsBackendControl down = new EcsBackendControl(client, cfg(SERVICE, 1, "3000", "3000"), Clock.systemUTC());
        long t0 = System.nanoTime();
        BackendControl.BackendState gone = down.state();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(EcsBackendControl.STATE_CALL_TIMEOUT.toMillis() + 2000);
        assertThat(gone.state()).isEqualTo("unknown");
        assertThat(gone.detail()).contains("ECS did not answer");
    }

    /** The first SDK call of a JVM loads classes for a second or two: not part of a timed step. */
    private void warmUp(EcsBackendControl c) {
        c.state();
        client.updateService(b -> b.cluster(CLUSTER).service(SERVICE));
        ecs.clearCalls();
    }

    private static long gapMs(List<EcsTestServer.Call> calls, int i) {
        return Duration.between(calls.get(i).at(), calls.get(i + 1).at()).toMillis();
    }

}
