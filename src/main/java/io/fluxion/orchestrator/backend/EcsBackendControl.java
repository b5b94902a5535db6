package io.fluxion.orchestrator.backend;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Mode {@code ecs}: scales the backend service through the AWS SDK {@link EcsClient} (the one
 * camel-aws2-ecs brings; that component only offers cluster operations) and polls
 * {@code DescribeServices} until the running count reaches the target, within a timeout.
 */
public class EcsBackendControl implements BackendControl {
    private static final Logger LOG = LoggerFactory.getLogger(EcsBackendControl.class);
    private final EcsClient ecs;
    private final FluxionConfig.Backend cfg;
    private final Clock clock;

    public EcsBackendControl(EcsClient ecs, FluxionConfig.Backend cfg, Clock clock) {
        this.ecs = ecs;
        this.cfg = cfg;
        this.clock = clock;
    }

    @Override
    public String mode() {
        return "ecs";
    }

    @Override
    public void stop() {
        scale(0);
        waitFor("drain (runningCount == 0)", n -> n == 0, cfg.stopTimeout());
    }

    @Override
    public void start() {
        scale(cfg.desiredCount());
        waitFor("start (runningCount >= " + cfg.desiredCount() + ")", n -> n >= cfg.desiredCount(), cfg.startTimeout());
    }

    @Override
    public BackendState describe() {
        try {
            Service s = service();
            return new BackendState(mode(), s.desiredCount(), s.runningCount(), s.status());
        } catch (RuntimeException e) {
            return new BackendState(mode(), null, null, "ECS unreachable: " + e.getMessage());
        }
    }

    private void scale(int desired) {
        LOG.info("ECS UpdateService cluster={} service={} desiredCount={}", cfg.cluster(), cfg.service(), desired);
        try {
            ecs.updateService(b -> b.cluster(cfg.cluster()).service(cfg.service()).desiredCount(desired));
        } catch (SdkException e) {
            throw new BackendException("ECS UpdateService desiredCount=" + desired + " failed: " + e.getMessage(), e);
        }
    }

    private Service service() {
        DescribeServicesResponse r = ecs.describeServices(b -> b.cluster(cfg.cluster()).services(cfg.service()));
        if (r.services().isEmpty()) {
            String why = r.failures().isEmpty() ? "not found" : r.failures().get(0).reason();
            throw new BackendException("ECS service " + cfg.service() + " in cluster " + cfg.cluster() + ": " + why);
        }
        return r.services().get(0);
    }

    private void waitFor(String what, IntPredicate done, Duration timeout) {
        Instant deadline = clock.instant().plus(timeout);
        Integer last = null;
        String lastError = null;
        while (true) {
            try {
                Service s = service();
                last = s.runningCount();
                lastError = null;
                LOG.info("ECS DescribeServices service={} desired={} running={} pending={}", cfg.service(),
                        s.desiredCount(), s.runningCount(), s.pendingCount());
                if (done.test(s.runningCount())) {
                    return;
                }
            } catch (SdkException | BackendException e) {
                // throttling and 5xx were already retried by the SDK; keep polling until the deadline
                lastError = e.getMessage();
                LOG.warn("ECS DescribeServices failed while waiting for {}: {}", what, lastError);
            }
            if (!clock.instant().isBefore(deadline)) {
                throw new BackendException("backend did not " + what + " within " + Durations.format(timeout)
                        + " (last runningCount=" + last + (lastError == null ? "" : ", last error: " + lastError) + ")");
            }
            sleep(cfg.pollInterval());
        }
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
