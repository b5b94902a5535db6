package io.fluxion.orchestrator.cluster;

import io.fluxion.orchestrator.config.ClusterConfig;
import io.fluxion.orchestrator.ledger.LeaderRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.camel.CamelContext;
import org.apache.camel.cluster.CamelClusterEventListener;
import org.apache.camel.cluster.CamelClusterMember;
import org.apache.camel.cluster.CamelClusterView;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this instance leads (SPEC 2.8). With {@code fluxion.cluster.enabled=false} (the default) it always does.
 * With the cluster on, Camel's {@link FileLockClusterService} over {@code fluxion.cluster.lock-dir} elects the
 * leader: the instance holding the lock file {@code <lock-dir>/<namespace>} and writing its heartbeat in
 * {@code <namespace>.dat}. The scheduled routes consume through {@code master:<namespace>:} endpoints (camel-master)
 * on the same view, so only the leader fires them. On gaining the leadership this instance writes itself into the
 * ledger's {@code cluster_leader} row with the next epoch ({@link Ledger#claimLeadership}); {@link #refusal()} is the
 * fence the window's guard asks before it opens a run: this instance holds the lock and its epoch is still the
 * ledger's. A follower names the leader from that row.
 */
public class Leadership {
    private static final Logger LOG = LoggerFactory.getLogger(Leadership.class);

    private final ClusterConfig config;
    private final Ledger ledger;
    private final Clock clock;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean leader;
    private volatile long epoch;
    private volatile Instant since;
    private volatile CamelClusterView view;

    Leadership(ClusterConfig config, Ledger ledger, Clock clock, boolean leader) {
        this.config = config;
        this.ledger = ledger;
        this.clock = clock;
        this.leader = leader;
        this.since = leader ? clock.instant() : null;
    }

    /** One instance: always the leader, nothing elected, nothing written. */
    public static Leadership single(ClusterConfig config, Clock clock) {
        return new Leadership(config, null, clock, true);
    }

    /**
     * The cluster: a {@link FileLockClusterService} (id = node id, root = lock folder, the timing of
     * {@code fluxion.cluster.*}) added to the context, its view of the namespace watched by this bean. The routes'
     * {@code master:} endpoints find the same service in the context.
     */
    public static Leadership clustered(CamelContext context, ClusterConfig config, Ledger ledger, Clock clock)
            throws Exception {
        FileLockClusterService service = new FileLockClusterService();
        service.setId(config.nodeId());
        service.setRoot(config.lockDir().toAbsolutePath().toString());
        service.setAcquireLockInterval(config.acquireInterval().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        service.setAcquireLockDelay(config.acquireDelay().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        service.setHeartbeatTimeoutMultiplier(config.heartbeatMultiplier());
        service.setCamelContext(context);
        context.addService(service, true, true);
        Leadership l = new Leadership(config, ledger, clock, false);
        CamelClusterView view = service.getView(config.namespace());
        view.addEventListener((CamelClusterEventListener.Leadership) l::leadershipChanged);
        l.view = view;
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                if (l.leader) {
                    LOG.info("Cluster: node {} stops and gives up the leadership of '{}'", config.nodeId(),
                            config.namespace());
                }
                l.leader = false;
            }
        }, true, true);
        LOG.info("Cluster: node {} joins '{}' over {} (a dead leader is replaced within about {})", config.nodeId(),
                config.namespace(), config.lockDir(), io.fluxion.orchestrator.config.Durations.format(config.failoverBound()));
        return l;
    }

    /** The view's event: this instance gained or lost the leadership. */
    void leadershipChanged(CamelClusterView v, CamelClusterMember member) {
        boolean now = v.getLocalMember().isLeader();
        if (now == leader) {
            return;
        }
        if (now) {
            gained();
        } else {
            leader = false;
            epoch = 0;
            since = null;
            LOG.warn("Cluster: node {} LOST the leadership of '{}': the scheduled routes stop here", config.nodeId(),
                    config.namespace());
        }
        for (Consumer<Boolean> c : listeners) {
            try {
                c.accept(now);
            } catch (RuntimeException e) {
                LOG.warn("Cluster: a leadership listener failed: {}", e.toString());
            }
        }
    }

    private void gained() {
        since = clock.instant();
        leader = true;
        claim();
        LOG.info("Cluster: node {} GAINED the leadership of '{}' (epoch {}): the scheduled routes and the start-up"
                + " recovery run here", config.nodeId(), config.namespace(), epoch == 0 ? "not yet recorded" : epoch);
    }

    /** Writes this node into the ledger with the next epoch; a ledger error leaves it unclaimed (retried by the fence). */
    private synchronized void claim() {
        try {
            epoch = ledger.claimLeadership(config.namespace(), config.nodeId(), clock.instant());
        } catch (RuntimeException e) {
            epoch = 0;
            LOG.error("Cluster: node {} holds the lock but could not record it in the ledger ({}); no window opens"
                    + " here until it can", config.nodeId(), e.getMessage());
        }
    }

    /** Called with {@code true} on gaining the leadership, {@code false} on losing it. */
    public void onChange(Consumer<Boolean> listener) {
        listeners.add(listener);
    }

    public boolean enabled() {
        return config.enabled();
    }

    public String node() {
        return config.nodeId();
    }

    public String namespace() {
        return config.namespace();
    }

    /** This instance holds the leadership (always true with the cluster off). */
    public boolean isLeader() {
        return leader;
    }

    /** The leader's node: this one when it leads, else the ledger's (the last one that gained it), else empty. */
    public Optional<String> leaderNode() {
        if (leader || !config.enabled()) {
            return Optional.of(config.nodeId());
        }
        try {
            return ledger.leader(config.namespace()).map(LeaderRecord::node);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Why this instance may not open a window run or write to DuckDB now, or null when it may: it leads (the lock)
     * and the ledger still names it with its epoch (no later leader claimed the row). A leader whose claim failed
     * claims again here.
     */
    public String refusal() {
        if (!config.enabled()) {
            return null;
        }
        if (!leader) {
            return "this instance (" + config.nodeId() + ") does not lead the cluster; the leader is "
                    + leaderNode().orElse("not known yet");
        }
        if (epoch == 0) {
            claim();
            if (epoch == 0) {
                return "this instance (" + config.nodeId() + ") holds the lock but the ledger could not record it";
            }
        }
        LeaderRecord r = ledger.leader(config.namespace()).orElse(null);
        if (r == null || !config.nodeId().equals(r.node()) || r.epoch() != epoch) {
            return "the ledger names another leader: " + (r == null ? "none" : r.node() + " (epoch " + r.epoch() + ")")
                    + "; this instance (" + config.nodeId() + ", epoch " + epoch + ") stands down";
        }
        return null;
    }

    /** The {@code cluster} block of the scheduler status (SPEC 2.8): node, leader, leader_node and more. */
    public Map<String, Object> view() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", config.nodeId());
        m.put("leader", leader);
        m.put("leader_node", leaderNode().orElse(null));
        m.put("enabled", config.enabled());
        m.put("namespace", config.namespace());
        Instant s = since;
        m.put("leader_since", leader && s != null ? s.toString() : null);
        return m;
    }

    @Override
    public String toString() {
        return "node " + config.nodeId() + (leader ? " (leader)" : " (follower)");
    }
}
