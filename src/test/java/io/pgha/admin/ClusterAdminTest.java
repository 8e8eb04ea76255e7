package io.pgha.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.config.HaSettings;
import io.pgha.dcs.Member;
import io.pgha.dcs.StoreException;
import io.pgha.dcs.SyncState;
import io.pgha.dcs.ZookeeperStore;
import io.pgha.postgres.PgState;
import io.pgha.testing.InJvmZookeeper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * ClusterAdmin against a real ZooKeeper: the agents' records and lease are written through ZookeeperStore as the
 * agents write them, and every answer is checked together with what it left in the store.
 */
class ClusterAdminTest {
    static final int ZK_PORT = 27101;
    static final long LEADER_LSN = 0x3_0000_0000L;
    static final AtomicInteger clusters = new AtomicInteger();
    static InJvmZookeeper zookeeper;

    final List<ZookeeperStore> stores = new ArrayList<>();
    final HaSettings settings = HaSettings.defaults();
    ZookeeperStore agents;
    ZookeeperStore operator;
    ClusterAdmin admin;
    String cluster;

    @BeforeAll
    static void startZookeeper() throws Exception {
        zookeeper = InJvmZookeeper.start(ZK_PORT);
    }

    @AfterAll
    static void stopZookeeper() throws Exception {
        if (zookeeper != null) zookeeper.close();
    }

    /** Each test has a cluster of its own in the store; the agents' session publishes every member, alive. */
    @BeforeEach
    void newCluster() throws StoreException {
        cluster = "admin" + clusters.incrementAndGet();
        agents = store(Duration.ofSeconds(10));
        operator = ZookeeperStore.forClient(zookeeper.connectString(), cluster, Duration.ofSeconds(5));
        operator.start(Duration.ofSeconds(10));
        stores.add(operator);
        admin = new ClusterAdmin(operator, settings);
    }

    @AfterEach
    void closeStores() {
        stores.forEach(ZookeeperStore::close);
    }

    ZookeeperStore store(Duration session) throws StoreException {
        ZookeeperStore s = new ZookeeperStore(zookeeper.connectString(), cluster, session);
        s.start(Duration.ofSeconds(10));
        stores.add(s);
        return s;
    }

    static Member primary(String name) {
        return new Member(name, "127.0.0.1", 5432, "http://127.0.0.1:8008", Member.LEADER, PgState.RUNNING, 2, LEADER_LSN,
                false, 0, List.of("node2", "node3"), null, System.currentTimeMillis());
    }

    static Member standby(String name, String state, String upstream) {
        return new Member(name, "127.0.0.1", 5433, "http://127.0.0.1:8009", Member.REPLICA, PgState.fromLabel(state), 2, LEADER_LSN - 100,
                false, 0, List.of(), upstream, System.currentTimeMillis());
    }

    /** node1 leads with the lease, node2 (in the synchronous set) and node3 (not) stream from it. */
    void healthyCluster() throws StoreException {
        agents.publish(primary("node1"));
        agents.publish(standby("node2", "streaming", "node1"));
        agents.publish(standby("node3", "streaming", "node1"));
        assertThat(agents.acquireLease("node1")).isTrue();
        agents.writeSync(new SyncState("node1", List.of("node2"), 1));
    }

    /** The leader is gone: its lease expired, node2 and node3 stand by. */
    void leaderlessCluster() throws StoreException {
        agents.publish(standby("node2", "streaming", "node1"));
        agents.publish(standby("node3", "streaming", "node1"));
        agents.writeSync(new SyncState("node1", List.of("node2"), 1));
    }

    /** A member whose agent published once and is gone: its record stays, its alive key does not. */
    void deadMember(Member m) throws StoreException {
        ZookeeperStore gone = store(Duration.ofSeconds(10));
        gone.publish(m);
        gone.close();
    }

    // --- switchover ---------------------------------------------------------------------------------------

    @Test
    void switchoverPicksTheSynchronousStandbyAndRecordsIt() throws StoreException {
        healthyCluster();
        Outcome r = admin.switchover(null, null, null);
        assertThat(r).isEqualTo(Outcome.accepted("switchover from node1 to node2 started"));
        var sw = operator.snapshot().switchover();
        assertThat(sw.leader()).isEqualTo("node1");
        assertThat(sw.candidate()).isEqualTo("node2");
        assertThat(sw.scheduledAtMillis()).isZero();
    }

    @Test
    void scheduledSwitchoverRecordsItsTime() throws StoreException {
        healthyCluster();
        Instant at = Instant.parse("2030-01-31T03:00:00Z");
        assertThat(admin.switchover("node1", "node2", at))
                .isEqualTo(Outcome.accepted("switchover from node1 to node2 scheduled at 2030-01-31T03:00:00Z"));
        assertThat(operator.snapshot().switchover().scheduledAtMillis()).isEqualTo(at.toEpochMilli());
    }

    @Test
    void aSecondSwitchoverIsRefusedWhileOneIsInProgress() throws StoreException {
        healthyCluster();
        assertThat(admin.switchover(null, null, null).succeeded()).isTrue();
        Outcome again = admin.switchover(null, "node2", null);
        assertThat(again.kind()).isEqualTo(Outcome.Kind.REFUSED);
        assertThat(again.message()).isEqualTo("a switchover from node1 to node2 is already in progress");
    }

    @Test
    void switchoverWithNoFitCandidateIsRefusedWithEachMembersReason() throws StoreException {
        healthyCluster();
        agents.publish(standby("node2", "stopped", null));
        agents.publish(standby("node3", "streaming", "node1"));
        Outcome r = admin.switchover(null, null, null);
        assertThat(r.kind()).isEqualTo(Outcome.Kind.REFUSED);
        assertThat(r.message()).startsWith("switchover refused: ")
                .contains("node2: not streaming from node1 (state: stopped)")
                .contains("node3: not in the synchronous set [node2]");
        assertThat(operator.snapshot().switchover()).isNull();
    }

    @Test
    void switchoverToAnUnknownMemberOrTheLeaderOrWithoutLeaderIsRefused() throws StoreException {
        healthyCluster();
        assertThat(admin.switchover(null, "node9", null).message()).contains("no member named node9; members: node1, node2, node3");
        assertThat(admin.switchover(null, "node1", null).message()).contains("node1 is already the leader");
        assertThat(admin.switchover("node2", null, null).message()).contains("node2 is not the leader; node1 is");
        agents.releaseLease("node1");
        Outcome r = admin.switchover(null, null, null);
        assertThat(r.kind()).isEqualTo(Outcome.Kind.REFUSED);
        assertThat(r.message()).contains("no member holds the lease: use failover, not switchover");
        assertThat(operator.snapshot().switchover()).isNull();
    }

    // --- failover -----------------------------------------------------------------------------------------

    @Test
    void failoverWhileALeaderHoldsTheLeaseIsRefused() throws StoreException {
        healthyCluster();
        Outcome r = admin.failover("node2", false);
        assertThat(r).isEqualTo(Outcome.refused("node1 holds the lease and leads: use switchover, not failover"));
        assertThat(operator.snapshot().failover()).isNull();
    }

    @Test
    void failoverToAnUnknownOrUnnamedMemberIsInvalid() throws StoreException {
        leaderlessCluster();
        assertThat(admin.failover("node9", false))
                .isEqualTo(Outcome.invalid("name the member to promote with --candidate; members: node2, node3"));
        assertThat(admin.failover(null, false).kind()).isEqualTo(Outcome.Kind.INVALID);
    }

    @Test
    void failoverOutsideTheSynchronousSetNeedsForce() throws StoreException {
        leaderlessCluster();
        Outcome r = admin.failover("node3", false);
        assertThat(r.kind()).isEqualTo(Outcome.Kind.REFUSED);
        assertThat(r.message()).isEqualTo("node3 is not in the synchronous set [node2]: it may lack acknowledged commits;"
                + " add --force to promote it anyway");
        assertThat(operator.snapshot().failover()).isNull();
        assertThat(admin.failover("node3", true)).isEqualTo(Outcome.accepted("manual failover to node3 started"));
        assertThat(operator.snapshot().failover().candidate()).isEqualTo("node3");
    }

    @Test
    void failoverToASynchronousStandbyIsRecorded() throws StoreException {
        leaderlessCluster();
        assertThat(admin.failover("node2", false)).isEqualTo(Outcome.accepted("manual failover to node2 started"));
        assertThat(operator.snapshot().failover().candidate()).isEqualTo("node2");
    }

    @Test
    void failoverToADownOrStoppedMemberIsRefused() throws StoreException {
        leaderlessCluster();
        deadMember(standby("node4", "streaming", "node1"));
        assertThat(admin.failover("node4", true)).isEqualTo(Outcome.refused("node4: its agent is down"));
        agents.publish(new Member("node2", "127.0.0.1", 5433, null, Member.UNKNOWN, PgState.STOPPED, 2, 0, false, 0, List.of(),
                null, System.currentTimeMillis()));
        assertThat(admin.failover("node2", false)).isEqualTo(Outcome.refused("node2: not running as a standby (state: stopped)"));
        assertThat(operator.snapshot().failover()).isNull();
    }

    // --- reinitialize and restart -------------------------------------------------------------------------

    @Test
    void reinitializeRecordsTheRequestForAStandbyOnly() throws StoreException {
        healthyCluster();
        assertThat(admin.reinitialize("node1"))
                .isEqualTo(Outcome.refused("node1 is the leader: switch over first, then rebuild it"));
        assertThat(admin.reinitialize("node9").kind()).isEqualTo(Outcome.Kind.INVALID);
        assertThat(operator.snapshot().reinit()).isEmpty();
        assertThat(admin.reinitialize("node2")).isEqualTo(Outcome.accepted("node2 will move its data aside and clone node1"));
        assertThat(operator.snapshot().reinit()).containsExactly("node2");
    }

    @Test
    void reinitializeWithoutLeaderIsRefused() throws StoreException {
        leaderlessCluster();
        assertThat(admin.reinitialize("node2")).isEqualTo(Outcome.refused("no leader to clone from"));
        assertThat(operator.snapshot().reinit()).isEmpty();
    }

    @Test
    void restartRecordsTheRequestOnce() throws StoreException {
        healthyCluster();
        assertThat(admin.restart("node3")).isEqualTo(Outcome.accepted("node3 will restart PostgreSQL"));
        assertThat(operator.snapshot().restart()).containsExactly("node3");
        assertThat(admin.restart("node3")).isEqualTo(Outcome.accepted("a restart of PostgreSQL on node3 is already pending"));
        assertThat(admin.restart("node1").succeeded()).isTrue();
        assertThat(operator.snapshot().restart()).containsExactlyInAnyOrder("node1", "node3");
    }

    @Test
    void restartIsRefusedWhenNobodyWouldCarryItOut() throws StoreException {
        healthyCluster();
        deadMember(standby("node4", "streaming", "node1"));
        assertThat(admin.restart("node9").kind()).isEqualTo(Outcome.Kind.INVALID);
        assertThat(admin.restart("node4"))
                .isEqualTo(Outcome.refused("node4: its agent is down, nobody would restart PostgreSQL"));
        agents.releaseLease("node1");
        assertThat(admin.restart("node2")).isEqualTo(Outcome.refused("no member leads the cluster: restart the agents instead"));
        assertThat(operator.snapshot().restart()).isEmpty();
    }

    @Test
    void aStoreThatCannotBeReadMakesEveryRequestUnavailable() throws StoreException {
        healthyCluster();
        operator.close();
        assertThat(admin.switchover(null, null, null).kind()).isEqualTo(Outcome.Kind.UNAVAILABLE);
        assertThat(admin.failover("node2", false).kind()).isEqualTo(Outcome.Kind.UNAVAILABLE);
        assertThat(admin.reinitialize("node2").kind()).isEqualTo(Outcome.Kind.UNAVAILABLE);
        assertThat(admin.restart("node2").kind()).isEqualTo(Outcome.Kind.UNAVAILABLE);
    }
}
