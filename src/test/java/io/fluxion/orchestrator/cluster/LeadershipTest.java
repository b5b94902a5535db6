package io.fluxion.orchestrator.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.fluxion.orchestrator.config.ClusterConfig;
import io.fluxion.orchestrator.config.ConfigException;
import io.fluxion.orchestrator.ledger.LeaderRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.testing.LedgerDatabases;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The election and its fence, in one JVM: two Camel contexts, each with its {@link Leadership} on Camel's real
 * {@code FileLockClusterService} over one lock folder, and one ledger (H2 and PostgreSQL). The packaged jar's two
 * processes are {@code ClusterFailoverJarIT}.
 */
class LeadershipTest {
    static final Duration INTERVAL = Duration.ofMillis(200);

    @TempDir
    Path tmp;
    final List<DefaultCamelContext> contexts = new ArrayList<>();
    final List<HikariDataSource> pools = new ArrayList<>();

    @AfterEach
    void tearDown() {
        contexts.forEach(DefaultCamelContext::stop);
        pools.forEach(HikariDataSource::close);
    }

    ClusterConfig config(String node) {
        return new ClusterConfig(true, tmp.resolve("lock"), node, "fluxion", INTERVAL, 2, Duration.ofMillis(100));
    }

    Ledger ledger(LedgerDatabases.Kind kind) {
        HikariDataSource ds = LedgerDatabases.open(kind, tmp.resolve("ledger"));
        pools.add(ds);
        Ledger l = new Ledger(ds);
        l.migrate();
        return l;
    }

    Leadership node(String name, Ledger ledger) throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        contexts.add(context);
        Leadership l = Leadership.clustered(context, config(name), ledger, Clock.systemUTC());
        context.start();
        return l;
    }

    static void await(String what, Duration max, BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("not within " + max + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    @ParameterizedTest
    @EnumSource(LedgerDatabases.Kind.class)
    void oneOfTwoLeadsAndOnlyTheOneTheLedgerNamesMayOpenAWindow(LedgerDatabases.Kind kind) throws Exception {
        Ledger ledger = ledger(kind);
        Leadership a = node("node-a", ledger);
        Leadership b = node("node-b", ledger);
        await("a leader", Duration.ofSeconds(20), () -> a.isLeader() || b.isLeader());
        Thread.sleep(INTERVAL.multipliedBy(6).toMillis()); // time enough for a second one, were that possible
        assertThat(a.isLeader() ^ b.isLeader()).as("exactly one leads").isTrue();
        Leadership leader = a.isLeader() ? a : b;
        Leadership follower = leader == a ? b : a;

        assertThat(leader.refusal()).isNull();
        assertThat(follower.refusal()).isEqualTo("this instance (" + follower.node()
                + ") does not lead the cluster; the leader is " + leader.node());
        LeaderRecord row = ledger.leader("fluxion").orElseThrow();
        assertThat(row.node()).isEqualTo(leader.node());
        assertThat(row.epoch()).isEqualTo(1);
        assertThat(follower.view()).containsEntry("node", follower.node()).containsEntry("leader", false)
                .containsEntry("leader_node", leader.node()).containsEntry("enabled", true);
        assertThat(leader.view()).containsEntry("leader", true).containsEntry("leader_node", leader.node());

        // a later leader in the ledger (this one has not noticed yet): the fence refuses it
        ledger.claimLeadership("fluxion", "node-c", Instant.now());
        assertThat(leader.refusal()).startsWith("the ledger names another leader: node-c (epoch 2)");
    }

    @Test
    void whenTheLeaderStopsTheOtherTakesOverWithTheNextEpoch() throws Exception {
        Ledger ledger = ledger(LedgerDatabases.Kind.H2);
        Leadership a = node("node-a", ledger);
        await("node-a leads", Duration.ofSeconds(20), a::isLeader);
        Leadership b = node("node-b", ledger);
        List<Boolean> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
        b.onChange(changes::add);
        Thread.sleep(INTERVAL.multipliedBy(4).toMillis());
        assertThat(b.isLeader()).isFalse();

        long stoppedAt = System.nanoTime();
        contexts.get(0).stop(); // gives the lock up (a killed process: ClusterFailoverJarIT)
        await("node-b leads", Duration.ofSeconds(20), b::isLeader);
        Duration took = Duration.ofNanos(System.nanoTime() - stoppedAt);
        assertThat(took).isLessThan(config("x").failoverBound().plusSeconds(2));
        assertThat(b.refusal()).isNull();
        assertThat(ledger.leader("fluxion").orElseThrow()).extracting(LeaderRecord::node, LeaderRecord::epoch)
                .containsExactly("node-b", 2L);
        assertThat(changes).containsExactly(true);
        assertThat(a.isLeader()).isFalse();
    }

    @Test
    void oneInstanceAlwaysLeadsAndWritesNothing() {
        Leadership single = Leadership.single(ClusterConfig.single(), Clock.systemUTC());
        assertThat(single.isLeader()).isTrue();
        assertThat(single.refusal()).isNull();
        assertThat(single.view()).containsEntry("leader", true).containsEntry("enabled", false)
                .containsEntry("leader_node", single.node());
    }

    @Test
    void theClusterPropertiesAreCheckedByName() {
        assertThat(ClusterConfig.load(Map.<String, String>of()::get).enabled()).isFalse();
        assertThatThrownBy(() -> ClusterConfig.load(Map.of("fluxion.cluster.enabled", "true")::get))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fluxion.cluster.lock-dir");
        assertThatThrownBy(() -> ClusterConfig.load(Map.of("fluxion.cluster.node-id", "a b/c")::get))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fluxion.cluster.node-id");
        assertThatThrownBy(() -> ClusterConfig.load(Map.of("fluxion.cluster.heartbeat-multiplier", "1")::get))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fluxion.cluster.heartbeat-multiplier");
        assertThatThrownBy(() -> ClusterConfig.load(Map.of("fluxion.cluster.acquire-interval", "10ms")::get))
                .isInstanceOf(ConfigException.class).hasMessageContaining("fluxion.cluster.acquire-interval");
        ClusterConfig c = ClusterConfig.load(Map.of("fluxion.cluster.enabled", "true", "fluxion.cluster.lock-dir",
                "/mnt/efs/cluster", "fluxion.cluster.node-id", "task-1", "fluxion.cluster.acquire-interval", "2s")::get);
        assertThat(c.nodeId()).isEqualTo("task-1");
        assertThat(c.failoverBound()).isEqualTo(Duration.ofSeconds(14));
    }
}
