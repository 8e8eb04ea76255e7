package io.pgha.admin;

import static io.pgha.admin.ClusterAdminTest.primary;
import static io.pgha.admin.ClusterAdminTest.standby;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.config.HaSettings;
import io.pgha.dcs.SyncState;
import io.pgha.dcs.ZookeeperStore;
import io.pgha.testing.InJvmZookeeper;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One node's admin actions act on that node's member, against a real ZooKeeper. */
class NodeAdminTest {
    static final int ZK_PORT = 27102;
    static InJvmZookeeper zookeeper;
    static ZookeeperStore agents;
    static ZookeeperStore operator;

    @BeforeAll
    static void start() throws Exception {
        zookeeper = InJvmZookeeper.start(ZK_PORT);
        agents = new ZookeeperStore(zookeeper.connectString(), "nodeadmin", Duration.ofSeconds(10));
        agents.start(Duration.ofSeconds(10));
        operator = ZookeeperStore.forClient(zookeeper.connectString(), "nodeadmin", Duration.ofSeconds(5));
        operator.start(Duration.ofSeconds(10));
        agents.publish(primary("node1"));
        agents.publish(standby("node2", "streaming", "node1"));
        agents.publish(standby("node3", "streaming", "node1"));
        assertThat(agents.acquireLease("node1")).isTrue();
        agents.writeSync(new SyncState("node1", List.of("node2"), 1));
    }

    @AfterAll
    static void stop() throws Exception {
        if (operator != null) operator.close();
        if (agents != null) agents.close();
        if (zookeeper != null) zookeeper.close();
    }

    static final java.util.List<String> reloads = new java.util.concurrent.CopyOnWriteArrayList<>();

    static NodeAdmin on(String member) {
        return new NodeAdmin(new ClusterAdmin(operator, HaSettings.defaults()), member, () -> reloads.add(member));
    }

    @Test
    void restartAndReinitializeAreRecordedForTheNodeWhoseApiWasCalled() throws Exception {
        assertThat(on("node2").restart()).isEqualTo(Outcome.accepted("node2 will restart PostgreSQL"));
        assertThat(on("node3").reinitialize()).isEqualTo(Outcome.accepted("node3 will move its data aside and clone node1"));
        assertThat(operator.snapshot().restart()).containsExactly("node2");
        assertThat(operator.snapshot().reinit()).containsExactly("node3");
    }

    @Test
    void reinitializeOnTheLeadersApiIsRefused() {
        assertThat(on("node1").reinitialize())
                .isEqualTo(Outcome.refused("node1 is the leader: switch over first, then rebuild it"));
    }

    @Test
    void reloadIsHandedToThisNodesAgent() {
        reloads.clear();
        Outcome r = on("node2").reload();
        assertThat(r.kind()).isEqualTo(Outcome.Kind.ACCEPTED);
        assertThat(r.message()).startsWith("node2 will re-apply the cluster's parameters");
        assertThat(reloads).containsExactly("node2");
    }

    @Test
    void failoverThroughTheApiIsRefusedWhileALeaderLeads() {
        assertThat(on("node2").failover("node3"))
                .isEqualTo(Outcome.refused("node1 holds the lease and leads: use switchover, not failover"));
    }
}
