package io.fluxion.orchestrator.backend;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Texts;
import io.fluxion.orchestrator.lifecycle.StopSignal;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.EcsClientBuilder;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Mode {@code ecs}: scales the backend service through the AWS SDK {@link EcsClient} (the one
 * camel-aws2-ecs brings; that component only offers cluster operations) and polls
 * {@code DescribeServices} until the running count reaches the target.
 *
 * <p>Each step has one deadline: {@code fluxion.backend.stop-timeout} (or {@code start-timeout}) from
 * the moment the step starts, covering the {@code UpdateService} call and every poll. Transient ECS
 * errors (throttling, 5xx, I/O) of either call are tried again with exponential backoff, starting at
 * {@code fluxion.backend.poll-interval} and doubling up to {@link #MAX_BACKOFF}, never sleeping past the
 * deadline; other errors (service or cluster not found, access denied, bad parameter) fail the step at
 * once. Each call may also be retried inside the SDK by its own retry strategy (standard mode: at most 3
 * attempts, jittered backoff); with the client of {@link #newClient} a call in progress ends at most
 * {@link #CALL_TIMEOUT} after the deadline.
 *
 * <p>Once the process is stopping ({@link StopSignal}) no wait for the tasks goes on ({@link WaitAbandonedException}),
 * and a call is retried only within {@link StopSignal#GRACE} of the signal.
 */
public class EcsBackendControl implements BackendControl {
    /** The longest wait between two tries of a call that failed with a transient error. */
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** Longest one ECS call may take in the client built by {@link #newClient}, the SDK's own retries included. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    /** Longest one HTTP attempt of such a call may take. */
    public static final Duration CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(EcsBackendControl.class);
    private final EcsClient ecs;
    private final FluxionConfig.Backend cfg;
    private final Clock clock;
    private final StopSignal stop;
    /** How long {@link #state()} reuses ECS's answer: the page polls every few seconds. */
    public static final Duration STATE_TTL = Duration.ofSeconds(5);
    /** Longest {@link #state()} waits for ECS (the SDK's own retries included). */
    public static final Duration STATE_CALL_TIMEOUT = Duration.ofSeconds(3);
    private final java.util.concurrent.locks.ReentrantLock stateLock = new java.util.concurrent.locks.ReentrantLock();
    private volatile BackendState lastState;
    private int transientErrors;
    private String lastTransientError;

    public EcsBackendControl(EcsClient ecs, FluxionConfig.Backend cfg, Clock clock) {
        this(ecs, cfg, clock, new StopSignal());
    }

    public EcsBackendControl(EcsClient ecs, FluxionConfig.Backend cfg, Clock clock, StopSignal stop) {
        this.ecs = ecs;
        this.cfg = cfg;
        this.clock = clock;
        this.stop = stop;
    }

    @Override
    public String mode() {
        return "ecs";
    }

    @Override
    public void stop() {
        resetNote();
        Instant deadline = clock.instant().plus(cfg.stopTimeout());
        scale(0, deadline, cfg.stopTimeout());
        waitFor("did not drain (runningCount == 0)", n -> n == 0, deadline, cfg.stopTimeout());
    }

    @Override
    public void start() {
        resetNote();
        Instant deadline = clock.instant().plus(cfg.startTimeout());
        scale(cfg.desiredCount(), deadline, cfg.startTimeout());
        waitFor("did not come back (runningCount >= " + cfg.desiredCount() + ")", n -> n >= cfg.desiredCount(),
                deadline, cfg.startTimeout());
    }

    @Override
    public void requestStart() {
        resetNote();
        Duration within = cfg.startTimeout().compareTo(StopSignal.GRACE) < 0 ? cfg.startTimeout() : StopSignal.GRACE;
        scale(cfg.desiredCount(), clock.instant().plus(within), within);
    }

    @Override
    public synchronized String lastStepNote() {
        return transientErrors == 0 ? "" : transientErrors + " transient ECS error(s) retried, last: " + lastTransientError;
    }

    private synchronized void resetNote() {
        transientErrors = 0;
        lastTransientError = null;
    }

    private synchronized void noteTransient(String error) {
        transientErrors++;
        lastTransientError = error;
    }

    @Override
    public BackendState state() {
        BackendState known = lastState;
        if (known != null && known.checkedAt() != null
                && Duration.between(known.checkedAt(), clock.instant()).compareTo(STATE_TTL) < 0) {
            return known;
        }
        // one DescribeServices at a time: a poller that comes while one is asked gets the last answer
        if (!stateLock.tryLock()) {
            return known != null ? known : unknown("ECS is being asked", clock.instant());
        }
        try {
            known = lastState;
            if (known != null && known.checkedAt() != null
                    && Duration.between(known.checkedAt(), clock.instant()).compareTo(STATE_TTL) < 0) {
                return known;
            }
            BackendState now = askState();
            lastState = now;
            return now;
        } finally {
            stateLock.unlock();
        }
    }

    private BackendState askState() {
        Instant at = clock.instant();
        try {
            DescribeServicesResponse r = ecs.describeServices(b -> b.cluster(cfg.cluster()).services(cfg.service())
                    .overrideConfiguration(o -> o.apiCallTimeout(STATE_CALL_TIMEOUT)));
            Service s = r.services().stream().filter(x -> cfg.service().equals(x.serviceName())).findFirst().orElse(null);
            if (s == null) {
                String why = r.failures().isEmpty() ? "not found" : r.failures().get(0).reason();
                return unknown("ECS answers, but " + name() + " is " + why, at);
            }
            Deployment primary = s.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).findFirst()
                    .orElse(null);
            String rollout = primary == null ? null : primary.rolloutStateAsString();
            String state = summary(s, rollout);
            String detail = name() + " " + s.status() + ": desired " + s.desiredCount() + ", running " + s.runningCount()
                    + ", pending " + s.pendingCount() + (rollout == null ? "" : ", rollout " + rollout);
            return new BackendState(mode(), state, cfg.service(), cfg.cluster(), s.desiredCount(), s.runningCount(),
                    s.pendingCount(), rollout, primary == null ? null : Texts.clip(primary.rolloutStateReason(), 300),
                    detail, clock.instant());
        } catch (RuntimeException e) {
            String why = e instanceof SdkException sdk ? describe(sdk) : e.getMessage();
            return unknown("ECS did not answer DescribeServices for " + name() + ": " + e.getClass().getSimpleName()
                    + (why == null ? "" : " " + Texts.clip(why, 300)), at);
        }
    }

    private BackendState unknown(String why, Instant at) {
        return new BackendState(mode(), "unknown", cfg.service(), cfg.cluster(), null, null, null, null, null, why, at);
    }

    /** One word for the page: what the counts and the primary deployment say. */
    static String summary(Service s, String rollout) {
        if ("FAILED".equals(rollout)) {
            return "rollout-failed";
        }
        if (!"ACTIVE".equals(s.status())) {
            return s.status() == null ? "unknown" : s.status().toLowerCase(java.util.Locale.ROOT);
        }
        int desired = s.desiredCount() == null ? 0 : s.desiredCount();
        int running = s.runningCount() == null ? 0 : s.runningCount();
        if (desired == 0) {
            return running == 0 ? "stopped" : "stopping";
        }
        if (running < desired) {
            return "starting";
        }
        if (running > desired) {
            return "stopping";
        }
        return "IN_PROGRESS".equals(rollout) ? "deploying" : "running";
    }

    /** "ECS service S in cluster C": every reason names the service, so an alert says which backend is down. */
    private String name() {
        return "ECS service " + cfg.service() + " in cluster " + cfg.cluster();
    }

    private void scale(int desired, Instant deadline, Duration timeout) {
        LOG.info("ECS UpdateService cluster={} service={} desiredCount={}", cfg.cluster(), cfg.service(), desired);
        String what = "UpdateService desiredCount=" + desired;
        withRetries(what, deadline, timeout, () -> ecs.updateService(
                b -> b.cluster(cfg.cluster()).service(cfg.service()).desiredCount(desired)));
    }

    /**
     * Runs one ECS call, trying it again after a transient error with exponential backoff until the
     * deadline; throws {@link BackendException} naming the service and the last error.
     */
    private <T> T withRetries(String what, Instant deadline, Duration timeout, Supplier<T> call) {
        Duration backoff = initialBackoff();
        int tries = 0;
        while (true) {
            tries++;
            try {
                return call.get();
            } catch (SdkException e) {
                String error = describe(e);
                if (!isTransient(e)) {
                    throw new BackendException(name() + ": " + what + " failed: " + error, e);
                }
                noteTransient(error);
                Instant now = clock.instant();
                Duration grace = stop.graceLeft();
                if (!now.isBefore(deadline) || grace != null && grace.isZero()) {
                    throw new BackendException(name() + ": " + what + " still failing after " + tries
                            + (tries == 1 ? " try" : " tries") + " within "
                            + (grace != null && grace.isZero() ? Durations.format(StopSignal.GRACE)
                            + " of the stop signal" : Durations.format(timeout)) + ": " + error, e);
                }
                LOG.warn("ECS {} failed (try {}), again in {}: {}", what, tries, Durations.format(backoff), error);
                Duration pause = min(backoff, Duration.between(now, deadline));
                sleep(grace == null ? pause : min(pause, grace));
                backoff = next(backoff);
            }
        }
    }

    private Service service() {
        DescribeServicesResponse r = ecs.describeServices(b -> b.cluster(cfg.cluster()).services(cfg.service()));
        if (r.services().isEmpty()) {
            String why = r.failures().isEmpty() ? "not found" : r.failures().get(0).reason();
            throw new BackendException(name() + ": DescribeServices: " + why);
        }
        return r.services().get(0);
    }

    private void waitFor(String what, IntPredicate done, Instant deadline, Duration timeout) {
        Integer last = null;
        String lastError = null;
        Duration backoff = initialBackoff();
        int polls = 0;
        while (true) {
            if (stop.isRaised()) {
                throw new WaitAbandonedException(name() + ": stopped waiting for the tasks after " + polls
                        + " poll(s), last runningCount=" + last + ": " + stop.reason());
            }
            Duration pause = cfg.pollInterval();
            polls++;
            try {
                Service s = service();
                last = s.runningCount();
                lastError = null;
                backoff = initialBackoff();
                LOG.info("ECS DescribeServices service={} desired={} running={} pending={}", cfg.service(),
                        s.desiredCount(), s.runningCount(), s.pendingCount());
                if (done.test(s.runningCount())) {
                    return;
                }
            } catch (SdkException e) {
                if (!isTransient(e)) {
                    throw new BackendException(name() + ": DescribeServices failed: " + describe(e), e);
                }
                lastError = describe(e);
                noteTransient(lastError);
                pause = backoff;
                backoff = next(backoff);
                LOG.warn("ECS DescribeServices failed while waiting (poll {}), again in {}: {}", polls,
                        Durations.format(pause), lastError);
            }
            Instant now = clock.instant();
            if (!now.isBefore(deadline)) {
                throw new BackendException(name() + " " + what + " within " + Durations.format(timeout)
                        + " (" + polls + " polls, last runningCount=" + last
                        + (lastError == null ? "" : ", last error: " + lastError) + ")");
            }
            try {
                // wakes up at once when the process starts to stop
                stop.sleep(min(pause, Duration.between(now, deadline)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackendException("interrupted while waiting for ECS", e);
            }
        }
    }

    /**
     * Throttling, 5xx and network errors (I/O, call timeouts) may pass; anything else will not: a
     * missing service or cluster, access denied, a bad parameter, no credentials.
     */
    static boolean isTransient(SdkException e) {
        if (e instanceof AwsServiceException ase) {
            return ase.isThrottlingException() || ase.statusCode() >= 500 || ase.statusCode() == 429;
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException || e.retryable()) {
            return true;
        }
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client of mode {@code ecs} when none is bound: region and endpoint from the configuration,
     * credentials from the SDK's default chain (environment, profile, task role), the SDK's standard
     * retries (3 attempts per call), and each call bounded by {@link #CALL_TIMEOUT} whatever the network does.
     */
    public static EcsClient newClient(FluxionConfig.Backend b) {
        EcsClientBuilder builder = EcsClient.builder()
                .overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT).apiCallAttemptTimeout(CALL_ATTEMPT_TIMEOUT));
        if (b.region() != null) {
            builder.region(Region.of(b.region()));
        }
        if (b.endpoint() != null) {
            builder.endpointOverride(URI.create(b.endpoint()));
        }
        return builder.build();
    }

    private static String describe(SdkException e) {
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            return ase.awsErrorDetails().errorCode() + " (HTTP " + ase.statusCode() + "): "
                    + ase.awsErrorDetails().errorMessage();
        }
        return e.getMessage();
    }

    private Duration initialBackoff() {
        Duration d = cfg.pollInterval();
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private static Duration next(Duration d) {
        Duration twice = d.multipliedBy(2);
        return twice.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : twice;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while waiting for ECS", e);
        }
    }
}
