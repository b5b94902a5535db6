package io.fluxion.orchestrator.backend;

import io.fluxion.orchestrator.config.FluxionConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Mode {@code dry-run}: logs every ECS call it would make, makes none (the seed's "test the orchestrator without touching production"). */
public class DryRunBackendControl implements BackendControl {
    private static final Logger LOG = LoggerFactory.getLogger(DryRunBackendControl.class);
    private final FluxionConfig.Backend cfg;

    public DryRunBackendControl(FluxionConfig.Backend cfg) {
        this.cfg = cfg;
    }

    @Override
    public String mode() {
        return "dry-run";
    }

    @Override
    public void stop() {
        LOG.info("[dry-run] would call ECS UpdateService cluster={} service={} desiredCount=0", cfg.cluster(), cfg.service());
        LOG.info("[dry-run] would poll ECS DescribeServices every {} until runningCount == 0 (timeout {})",
                cfg.pollInterval(), cfg.stopTimeout());
    }

    @Override
    public void start() {
        LOG.info("[dry-run] would call ECS UpdateService cluster={} service={} desiredCount={}", cfg.cluster(),
                cfg.service(), cfg.desiredCount());
        LOG.info("[dry-run] would poll ECS DescribeServices every {} until runningCount >= {} (timeout {})",
                cfg.pollInterval(), cfg.desiredCount(), cfg.startTimeout());
    }

    @Override
    public void requestStart() {
        LOG.info("[dry-run] would call ECS UpdateService cluster={} service={} desiredCount={} (not waiting: the process"
                + " is stopping)", cfg.cluster(), cfg.service(), cfg.desiredCount());
    }

    @Override
    public BackendState state() {
        return new BackendState(mode(), "dry-run", cfg.service(), cfg.cluster(), cfg.desiredCount(), null, null, null,
                null, "dry-run: no ECS call is made; a window would scale service " + cfg.service() + " of cluster "
                + cfg.cluster() + " to 0 and back to " + cfg.desiredCount(), null);
    }
}
