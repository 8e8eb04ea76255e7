package io.pgha.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.dcs.StoreHealth;
import io.pgha.postgres.PgStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every HA rule as a row: (this node, the cluster) in, (action, reason) out. */
class DeciderTest {
    static final HaSettings S = HaSettings.defaults();
    static final long NOW = 1_000_000_000_000L;
    static final long MS = 1_000_000L;
    static final long WALL = 1_800_000_000_000L;

    // ---- local PostgreSQL states
    static final PgStatus NO_DATA = PgStatus.noData();
    static final PgStatus PRIMARY = pg(true, true, false, false, 5000, false);
    static final PgStatus STANDBY_STREAMING = pg(true, true, true, true, 5000, true);
    static final PgStatus STANDBY_NOT_STREAMING = pg(true, true, true, false, 5000, true);
    static final PgStatus STOPPED_PRIMARY = pg(false, false, false, false, 0, false);
    static final PgStatus STOPPED_STANDBY = pg(false, false, true, false, 0, true);
    static final PgStatus STARTING_PRIMARY = pg(true, false, false, false, 0, false);

    static PgStatus pg(boolean running, boolean accepting, boolean recovery, boolean streaming, long lsn, boolean signal) {
        return new PgStatus(true, running, accepting, recovery, 1, lsn, streaming, null, 0, signal, List.of(), List.of(), List.of(), 0);
    }

    static PgStatus standbyAt(long lsn) {
        return pg(true, true, true, false, lsn, true);
    }

    // ---- observations
    record Obs(Observation o) {
        Observation build() { return o; }

        Obs following(String f) { return new Obs(o.withFollowing(f)); }
        Obs store(StoreHealth h) { return new Obs(o.withStore(h)); }
        Obs pgDownFor(long ms) { return memory(new LoopMemory(NOW - ms * MS, m().notStreamingSinceNanos(), m().leaderlessSinceNanos(), m().rewindFailed(), m().standbyStartFailed())); }
        Obs notStreamingFor(long ms) { return memory(new LoopMemory(m().pgDownSinceNanos(), NOW - ms * MS, m().leaderlessSinceNanos(), m().rewindFailed(), m().standbyStartFailed())); }
        Obs leaderlessFor(long ms) { return memory(new LoopMemory(m().pgDownSinceNanos(), m().notStreamingSinceNanos(), NOW - ms * MS, m().rewindFailed(), m().standbyStartFailed())); }
        Obs withRewindFailed() { return memory(m().rewound(false)); }
        Obs withStartFailed() { return memory(m().standbyStartFailed(true)); }
        Obs withNofailover() { return new Obs(o.withNeverPromote()); }

        private LoopMemory m() { return o.memory(); }
        private Obs memory(LoopMemory m) { return new Obs(o.withMemory(m)); }
    }

    static Obs node(String me, PgStatus pg) {
        return new Obs(new Observation(me, pg, null, StoreHealth.ok(), NOW, WALL, 0, false, LoopMemory.START));
    }

    // ---- cluster views
    static final class View {
        String initialized = "7000000000000000001";
        String claimedBy;
        Lease leader;
        Lease last;
        final Map<String, Member> members = new HashMap<>();
        final Set<String> alive = new TreeSet<>();
        io.pgha.dcs.SyncState sync;
        io.pgha.dcs.Switchover switchover;
        boolean paused;
        io.pgha.dcs.FailoverRequest failover;
        Set<String> reinit = Set.of();
        Set<String> restart = Set.of();

        View paused() {
            paused = true;
            return this;
        }

        View switchover(String leader, String candidate, long shutdownLsn, long requestedAt) {
            switchover = new io.pgha.dcs.Switchover(leader, candidate, 0, requestedAt, shutdownLsn);
            return this;
        }

        View sync(String leader, int quorum, String... members) {
            sync = new io.pgha.dcs.SyncState(leader, List.of(members), quorum);
            return this;
        }

        View leader(String name, long token) {
            leader = new Lease(name, token);
            last = leader;
            return this;
        }

        View lastLeader(String name, long token) {
            last = new Lease(name, token);
            return this;
        }

        View member(String name, String role, String state, long lsn, long lostToken, List<String> slots) {
            members.put(name, new Member(name, "127.0.0.1", 5432, "http://x", role, state, 1, lsn, false, lostToken,
                    slots, null, 0));
            alive.add(name);
            return this;
        }

        View dead(String name) {
            alive.remove(name);
            return this;
        }

        View uninitialized(String claimedBy) {
            initialized = null;
            this.claimedBy = claimedBy;
            return this;
        }

        ClusterSnapshot build() {
            return new ClusterSnapshot(initialized, claimedBy, leader, last, members, alive, sync, switchover, paused,
                    failover, reinit, Map.of(), restart);
        }
    }

    static View cluster() {
        return new View();
    }

    static Decision decide(Obs o, View v) {
        return Decider.decide(o.build(), v == null ? null : v.build(), S);
    }

    // ================================================================ store connection and fencing

    @Test
    void primaryFencesOnceTheStoreHasNotAnsweredForTheTtlLessTheMargin() {
        long budget = S.fenceAfterLastContact().toMillis();
        var early = node("a", PRIMARY).store(new StoreHealth(false, false, NOW - (budget - 1) * MS));
        var late = node("a", PRIMARY).store(new StoreHealth(false, false, NOW - budget * MS));
        assertThat(decide(early, cluster())).isInstanceOf(Decision.Wait.class);
        assertThat(decide(late, cluster())).isInstanceOf(Decision.Fence.class);
    }

    @Test
    void primaryFencesAtOnceWhenItsSessionIsLost() {
        var o = node("a", PRIMARY).store(new StoreHealth(false, true, NOW));
        assertThat(decide(o, cluster())).isInstanceOf(Decision.Fence.class);
    }

    @Test
    void aStartingFormerPrimaryIsAlsoFencedWithoutTheStore() {
        var o = node("a", STARTING_PRIMARY).store(new StoreHealth(false, true, NOW));
        assertThat(decide(o, cluster())).isInstanceOf(Decision.Fence.class);
    }

    @Test
    void standbyWaitsWithoutTheStore() {
        var o = node("b", STANDBY_STREAMING).store(new StoreHealth(false, true, NOW - 60_000 * MS));
        assertThat(decide(o, cluster())).isInstanceOf(Decision.Wait.class);
    }

    @Test
    void fencingCountsFromTheLastAnsweredRequestAndEndsAMarginBeforeTheSessionCanExpire() {
        assertThat(S.fenceAfterLastContact().toMillis()).isEqualTo(3000 - 400);
        assertThat(Decider.mustFence(StoreHealth.ok(), true, NOW, S)).isFalse();
        assertThat(Decider.mustFence(new StoreHealth(false, true, NOW), false, NOW, S)).isFalse();
    }

    @Test
    void aPrimaryChecksInWithItsWatchdogOnlyWhileTheStoreAnsweredRecently() {
        long fresh = S.watchdogFreshness().toMillis();
        assertThat(Decider.mayCheckInWithWatchdog(new StoreHealth(true, false, NOW - fresh * MS), NOW, S)).isTrue();
        assertThat(Decider.mayCheckInWithWatchdog(new StoreHealth(true, false, NOW - (fresh + 1) * MS), NOW, S)).isFalse();
        assertThat(Decider.mayCheckInWithWatchdog(new StoreHealth(false, false, NOW), NOW, S)).isFalse();
        // the last check-in vouches for a contact at most `fresh` old: the watchdog fires by the fencing deadline
        assertThat(S.watchdogWait().plus(S.watchdogFreshness())).isEqualTo(S.fenceAfterLastContact());
    }

    // ================================================================ empty data directory

    @Test
    void emptyNodeBootstrapsAnUninitializedCluster() {
        assertThat(decide(node("a", NO_DATA), cluster().uninitialized(null))).isInstanceOf(Decision.Bootstrap.class);
    }

    @Test
    void emptyNodeWaitsWhileAnotherBootstraps() {
        Decision d = decide(node("a", NO_DATA), cluster().uninitialized("b"));
        assertThat(d).isInstanceOf(Decision.Wait.class);
        assertThat(d.reason()).contains("b is bootstrapping");
    }

    @Test
    void emptyNodeWaitsForItsSlotBeforeCloning() {
        View v = cluster().leader("a", 1).member("a", "leader", "running", 100, 0, List.of("c"));
        Decision d = decide(node("b", NO_DATA), v);
        assertThat(d).isInstanceOf(Decision.Wait.class);
        assertThat(d.reason()).contains("replication slot");
    }

    @Test
    void emptyNodeClonesTheLeaderOnceItsSlotExists() {
        View v = cluster().leader("a", 1).member("a", "leader", "running", 100, 0, List.of("b"));
        Decision d = decide(node("b", NO_DATA), v);
        assertThat(d).isInstanceOf(Decision.Clone.class);
        assertThat(((Decision.Clone) d).leader().name()).isEqualTo("a");
    }

    @Test
    void emptyNodeWithoutLeaderWaits() {
        assertThat(decide(node("b", NO_DATA), cluster())).isInstanceOf(Decision.Wait.class);
    }

    // ================================================================ holding the lease

    @Test
    void leaseHolderRunningAsPrimaryLeads() {
        View v = cluster().leader("a", 1).member("a", "leader", "running", 100, 0, List.of());
        assertThat(decide(node("a", PRIMARY), v)).isInstanceOf(Decision.Lead.class);
    }

    @Test
    void leaseHolderRunningAsStandbyPromotes() {
        View v = cluster().leader("a", 1).member("a", "replica", "streaming", 100, 0, List.of());
        assertThat(decide(node("a", STANDBY_NOT_STREAMING), v)).isInstanceOf(Decision.Promote.class);
    }

    @Test
    void leaseHolderRestartsACrashedPrimaryInPlace() {
        View v = cluster().leader("a", 1).member("a", "leader", "running", 100, 0, List.of());
        assertThat(decide(node("a", STOPPED_PRIMARY).pgDownFor(100), v)).isInstanceOf(Decision.StartPrimary.class);
    }

    @Test
    void leaseHolderGivesTheLeaseUpWhenPostgresStaysDown() {
        View v = cluster().leader("a", 1).member("a", "leader", "running", 100, 0, List.of());
        long limit = S.postgresRestartTimeout().toMillis();
        assertThat(decide(node("a", STOPPED_PRIMARY).pgDownFor(limit), v)).isInstanceOf(Decision.ReleaseLease.class);
        assertThat(decide(node("a", STARTING_PRIMARY).pgDownFor(limit), v)).isInstanceOf(Decision.ReleaseLease.class);
        assertThat(decide(node("a", STARTING_PRIMARY).pgDownFor(limit - 1), v)).isInstanceOf(Decision.Wait.class);
    }

    // ================================================================ another node leads

    @Test
    void aPrimaryThatDoesNotHoldTheLeaseIsFenced() {
        View v = cluster().leader("b", 2).member("b", "leader", "running", 100, 0, List.of());
        Decision d = decide(node("a", PRIMARY), v);
        assertThat(d).isInstanceOf(Decision.Fence.class);
        assertThat(d.reason()).contains("b holds the lease");
    }

    @Test
    void standbyFollowsANewLeader() {
        View v = cluster().leader("b", 2).member("b", "leader", "running", 100, 0, List.of());
        Decision d = decide(node("c", STANDBY_STREAMING).following("a"), v);
        assertThat(d).isInstanceOf(Decision.Follow.class);
        assertThat(((Decision.Follow) d).leader().name()).isEqualTo("b");
    }

    @Test
    void standbyStreamingFromTheLeaderWaits() {
        View v = cluster().leader("b", 2).member("b", "leader", "running", 100, 0, List.of());
        assertThat(decide(node("c", STANDBY_STREAMING).following("b"), v)).isInstanceOf(Decision.Wait.class);
    }

    @Test
    void standbyNotStreamingForTooLongIsRewound() {
        View v = cluster().leader("b", 2).member("b", "leader", "running", 100, 0, List.of());
        long limit = S.standbyStreamTimeout().toMillis();
        assertThat(decide(node("c", STANDBY_NOT_STREAMING).following("b").notStreamingFor(limit - 1), v))
                .isInstanceOf(Decision.Wait.class);
        assertThat(decide(node("c", STANDBY_NOT_STREAMING).following("b").notStreamingFor(limit), v))
                .isInstanceOf(Decision.Rewind.class);
    }

    @Test
    void aStandbyStreamingOnAnOlderTimelineThanTheLeaderIsNotHealthy() {
        View v = cluster().leader("b", 2);
        v.members.put("b", new Member("b", "h", 1, "u", "leader", "running", 2, 100, false, 0, List.of(), null, 0));
        v.alive.add("b");
        long limit = S.standbyStreamTimeout().toMillis();
        assertThat(decide(node("c", STANDBY_STREAMING).following("b").notStreamingFor(limit), v))
                .as("timeline 1 standby behind a timeline 2 leader").isInstanceOf(Decision.Rewind.class);
    }

    @Test
    void stoppedFormerPrimaryIsRewoundBeforeItFollows() {
        View v = cluster().leader("b", 2).member("b", "leader", "running", 100, 0, List.of());
        assertThat(decide(node("a", STOPPED_PRIMARY), v)).isInstanceOf(Decision.Rewind.class);
    }

    @Test
    void stoppedStandbyStartsFollowingTheLeader() {
        View v = cluster().leader("b", 2).member("b", "leader", "running", 100, 0, List.of());
        Decision d = decide(node("a", STOPPED_STANDBY), v);
        assertThat(d).isInstanceOf(Decision.StartStandby.class);
        assertThat(((Decision.StartStandby) d).leader().name()).isEqualTo("b");
    }

    @Test
    void failedRewindMovesTheDataAsideAndClones() {
        View v = cluster().leader("b", 2).member("b", "leader", "running", 100, 0, List.of());
        assertThat(decide(node("a", STOPPED_PRIMARY).withRewindFailed(), v)).isInstanceOf(Decision.Reinit.class);
    }

    // ================================================================ nobody leads: the election

    @Test
    void mostAdvancedStandbyTakesTheLeaseOnceEveryPeerReported() {
        View v = cluster().lastLeader("a", 7).member("a", "leader", "running", 5000, 0, List.of()).dead("a")
                .member("b", "replica", "in archive recovery", 4000, 7, List.of())
                .member("c", "replica", "in archive recovery", 5000, 7, List.of());
        assertThat(decide(node("c", standbyAt(5000)).leaderlessFor(10), v)).isInstanceOf(Decision.AcquireLease.class);
        Decision b = decide(node("b", standbyAt(4000)).leaderlessFor(10), v);
        assertThat(b).isInstanceOf(Decision.Wait.class);
        assertThat(b.reason()).contains("c is a better candidate");
    }

    @Test
    void equalPositionsGoToTheLowerName() {
        View v = cluster().lastLeader("a", 7).member("b", "replica", "in archive recovery", 5000, 7, List.of())
                .member("c", "replica", "in archive recovery", 5000, 7, List.of());
        assertThat(decide(node("b", standbyAt(5000)), v)).isInstanceOf(Decision.AcquireLease.class);
        assertThat(decide(node("c", standbyAt(5000)), v)).isInstanceOf(Decision.Wait.class);
    }

    @Test
    void candidateWaitsForAPeerThatHasNotReportedSinceTheLeaseVanished() {
        View v = cluster().lastLeader("a", 7).member("b", "replica", "streaming", 3000, 0, List.of())
                .member("c", "replica", "in archive recovery", 5000, 7, List.of());
        Decision d = decide(node("c", standbyAt(5000)).leaderlessFor(10), v);
        assertThat(d).isInstanceOf(Decision.Wait.class);
        assertThat(d.reason()).contains("waiting for b");
        long wait = S.failoverWait().toMillis();
        assertThat(decide(node("c", standbyAt(5000)).leaderlessFor(wait), v)).isInstanceOf(Decision.AcquireLease.class);
    }

    @Test
    void deadAndNofailoverPeersDoNotCount() {
        View v = cluster().lastLeader("a", 7)
                .member("b", "replica", "in archive recovery", 9000, 0, List.of()).dead("b")
                .member("c", "replica", "in archive recovery", 1000, 7, List.of());
        assertThat(decide(node("c", standbyAt(1000)), v)).isInstanceOf(Decision.AcquireLease.class);
        View w = cluster().lastLeader("a", 7).member("c", "replica", "in archive recovery", 1000, 7, List.of());
        w.members.put("d", new Member("d", "h", 1, "u", "replica", "in archive recovery", 1, 9000, true, 7, List.of(), null, 0));
        w.alive.add("d");
        assertThat(decide(node("c", standbyAt(1000)), w)).isInstanceOf(Decision.AcquireLease.class);
    }

    @Test
    void nofailoverNodeNeverTakesTheLease() {
        View v = cluster().lastLeader("a", 7).member("c", "replica", "in archive recovery", 1000, 7, List.of());
        assertThat(decide(node("c", standbyAt(1000)).withNofailover(), v)).isInstanceOf(Decision.Wait.class);
    }

    @Test
    void standbyTooFarBehindTheLastPrimaryWaits() {
        long max = S.maximumLagOnFailover();
        View v = cluster().lastLeader("a", 7).member("a", "leader", "running", 10 * max, 0, List.of()).dead("a")
                .member("c", "replica", "in archive recovery", max, 7, List.of());
        Decision d = decide(node("c", standbyAt(max)), v);
        assertThat(d).isInstanceOf(Decision.Wait.class);
        assertThat(d.reason()).contains("behind the last primary");
    }

    @Test
    void formerLeaseHolderRetakesTheLeaseNobodyTook() {
        View v = cluster().lastLeader("a", 7).member("a", "leader", "running", 100, 7, List.of());
        assertThat(decide(node("a", PRIMARY), v)).isInstanceOf(Decision.AcquireLease.class);
        assertThat(decide(node("a", STOPPED_PRIMARY), v)).isInstanceOf(Decision.AcquireLease.class);
    }

    @Test
    void aPrimaryThatWasNotTheLastLeaseHolderIsFenced() {
        View v = cluster().lastLeader("b", 9).member("a", "leader", "running", 100, 9, List.of());
        assertThat(decide(node("a", PRIMARY), v)).isInstanceOf(Decision.Fence.class);
    }

    @Test
    void stoppedStandbyWithoutLeaderStartsToTakePartInTheElection() {
        View v = cluster().lastLeader("a", 7);
        Decision d = decide(node("b", STOPPED_STANDBY), v);
        assertThat(d).isInstanceOf(Decision.StartStandby.class);
        assertThat(((Decision.StartStandby) d).leader()).isNull();
    }

    // ================================================================ synchronous quorum (invariant 3)

    @Test
    void onlyAMemberOfTheRecordedSynchronousSetMayBePromoted() {
        View v = cluster().lastLeader("a", 7).sync("a", 1, "b")
                .member("b", "replica", "in archive recovery", 4000, 7, List.of())
                .member("c", "replica", "in archive recovery", 9000, 7, List.of());
        Decision c = decide(node("c", standbyAt(9000)), v);
        assertThat(c).isInstanceOf(Decision.Wait.class);
        assertThat(c.reason()).contains("not in the synchronous set");
        assertThat(decide(node("b", standbyAt(4000)), v)).isInstanceOf(Decision.AcquireLease.class);
    }

    @Test
    void withAnyOneOfTwoBothMustReportAndTheMostAdvancedWins() {
        View v = cluster().lastLeader("a", 7).sync("a", 1, "b", "c")
                .member("b", "replica", "in archive recovery", 4000, 7, List.of())
                .member("c", "replica", "in archive recovery", 5000, 7, List.of());
        assertThat(decide(node("c", standbyAt(5000)), v)).isInstanceOf(Decision.AcquireLease.class);
        assertThat(decide(node("b", standbyAt(4000)), v).reason()).contains("c (0/1388) is a better candidate");
    }

    @Test
    void synchronousModeNeverPromotesOnATimeoutWithoutTheQuorum() {
        View v = cluster().lastLeader("a", 7).sync("a", 1, "b", "c")
                .member("b", "replica", "streaming", 9000, 0, List.of())
                .member("c", "replica", "in archive recovery", 5000, 7, List.of()).dead("b");
        Decision d = decide(node("c", standbyAt(5000)).leaderlessFor(60_000), v);
        assertThat(d).isInstanceOf(Decision.Wait.class);
        assertThat(d.reason()).contains("waiting until 2 members of the synchronous set");
    }

    @Test
    void anEmptySynchronousSetFallsBackToTheAsynchronousRule() {
        View v = cluster().lastLeader("a", 7).sync("a", 0)
                .member("c", "replica", "in archive recovery", 5000, 7, List.of());
        assertThat(decide(node("c", standbyAt(5000)), v)).isInstanceOf(Decision.AcquireLease.class);
    }

    // ================================================================ planned switchover

    static View healthyTrio() {
        return cluster().leader("a", 7).sync("a", 1, "b", "c")
                .member("a", "leader", "running", 5000, 0, List.of("b", "c"))
                .member("b", "replica", "streaming", 5000, 0, List.of())
                .member("c", "replica", "streaming", 4990, 0, List.of());
    }

    @Test
    void leaderHandsOverToAFitCandidate() {
        View v = healthyTrio();
        v.members.put("b", new Member("b", "127.0.0.1", 5432, "u", "replica", "streaming", 1, 5000, false, 0, List.of(), "a", 0));
        v.switchover("a", "b", 0, WALL);
        Decision d = decide(node("a", PRIMARY), v);
        assertThat(d).isInstanceOf(Decision.HandOver.class);
        assertThat(((Decision.HandOver) d).candidate()).isEqualTo("b");
    }

    @Test
    void leaderPostponesAHandOverToAnUnfitCandidateAndSaysWhy() {
        View v = healthyTrio().switchover("a", "c", 0, WALL);
        Decision d = decide(node("a", PRIMARY), v);
        assertThat(d).isInstanceOf(Decision.Lead.class);
        assertThat(d.reason()).contains("postponed").contains("c: not streaming from a");
    }

    @Test
    void leaderAbandonsASwitchoverThatDidNotHappenInTime() {
        View v = healthyTrio().switchover("a", "b", 0, WALL - 120_000);
        Decision d = decide(node("a", PRIMARY), v);
        assertThat(d).isInstanceOf(Decision.AbandonSwitchover.class);
        assertThat(d.reason()).contains("switchover to b abandoned");
    }

    @Test
    void candidatePromotesOnlyOnceItHasTheOldPrimarysLastWal() {
        View v = cluster().lastLeader("a", 7).sync("a", 1, "b", "c").switchover("a", "b", 5000, WALL)
                .member("b", "replica", "in archive recovery", 5000, 7, List.of())
                .member("c", "replica", "in archive recovery", 9000, 7, List.of());
        assertThat(decide(node("b", standbyAt(5000)), v)).isInstanceOf(Decision.Wait.class);
        assertThat(decide(node("b", standbyAt(5040)), v)).isInstanceOf(Decision.AcquireLease.class);
        assertThat(decide(node("c", standbyAt(9000)), v).reason()).contains("switchover from a to b in progress");
    }

    @Test
    void oldPrimaryStartsAsAStandbyDuringTheHandOverAndTakesTheLeaseBackIfItNeverFinishes() {
        View v = cluster().lastLeader("a", 7).switchover("a", "b", 5000, WALL);
        assertThat(decide(node("a", STOPPED_STANDBY), v)).isInstanceOf(Decision.StartStandby.class);
        View late = cluster().lastLeader("a", 7).switchover("a", "b", 5000, WALL - 120_000);
        assertThat(decide(node("a", standbyAt(5040)), late)).isInstanceOf(Decision.AcquireLease.class);
    }

    @Test
    void switchoverCheckNamesWhatEachMemberLacks() {
        View v = healthyTrio().dead("b");
        var r = SwitchoverCheck.check(v.build(), null, null, S);
        assertThat(r.ok()).isFalse();
        assertThat(r.problems()).containsExactly("b: its agent is down", "c: not streaming from a (state: streaming)");
        assertThat(SwitchoverCheck.check(v.build(), "x", null, S).problems()).containsExactly("x is not the leader; a is");
    }

    // ================================================================ maintenance mode

    @Test
    void aPausedClusterPromotesNobodyAndRestartsNothing() {
        View leaderless = cluster().lastLeader("a", 7).member("b", "replica", "in archive recovery", 5000, 7, List.of()).paused();
        assertThat(decide(node("b", standbyAt(5000)), leaderless)).isInstanceOf(Decision.Wait.class);
        View led = cluster().leader("a", 7).member("a", "leader", "running", 100, 0, List.of()).paused();
        assertThat(decide(node("a", STOPPED_PRIMARY).pgDownFor(100), led)).isInstanceOf(Decision.Wait.class);
        assertThat(decide(node("a", PRIMARY), led)).isInstanceOf(Decision.Lead.class);
    }

    @Test
    void aPausedPrimaryStillFencesWhenItLosesTheStore() {
        var o = node("a", PRIMARY).store(new StoreHealth(false, true, NOW));
        assertThat(decide(o, cluster().paused())).isInstanceOf(Decision.Fence.class);
    }

    @Test
    void aLeaseLeftByThisNodesPreviousSessionIsTakenOverNotTrusted() {
        View v = cluster().member("a", "leader", "running", 100, 0, List.of());
        v.leader = new Lease("a", 7, 42);
        v.last = v.leader;
        Decision d = decide(node("a", STOPPED_PRIMARY), v);
        assertThat(d).isInstanceOf(Decision.AcquireLease.class);
        assertThat(d.reason()).contains("previous store session");
    }

    // ================================================================ operator orders

    @Test
    void aManualFailoverPromotesTheChosenStandbyEvenWithoutTheQuorum() {
        View v = cluster().lastLeader("a", 7).sync("a", 1, "b", "c")
                .member("b", "replica", "in archive recovery", 4000, 7, List.of())
                .member("c", "replica", "streaming", 5000, 0, List.of()).dead("c");
        v.failover = new io.pgha.dcs.FailoverRequest("b", WALL);
        assertThat(decide(node("b", standbyAt(4000)), v)).isInstanceOf(Decision.AcquireLease.class);
        v.alive.add("c");
        assertThat(decide(node("c", standbyAt(5000)), v).reason()).contains("manual failover to b in progress");
    }

    @Test
    void aReinitOrderRebuildsTheStandbyFromTheLeader() {
        View v = cluster().leader("b", 2).member("b", "leader", "running", 100, 0, List.of());
        v.reinit = Set.of("a");
        Decision d = decide(node("a", STANDBY_STREAMING).following("b"), v);
        assertThat(d).isInstanceOf(Decision.Reinit.class);
        assertThat(((Decision.Reinit) d).leader().name()).isEqualTo("b");
    }

    @Test
    void whenTheLeaseVanishesAStandbyCutsItselfOffTheOldPrimaryBeforeTheElection() {
        View v = cluster().lastLeader("a", 7).member("c", "replica", "streaming", 5000, 0, List.of());
        Decision d = decide(node("c", STANDBY_STREAMING).following("a"), v);
        assertThat(d).isInstanceOf(Decision.Detach.class);
        assertThat(decide(node("c", STANDBY_STREAMING), v)).as("streaming without a known upstream").isInstanceOf(Decision.Detach.class);
        assertThat(decide(node("c", standbyAt(5000)), v)).isInstanceOf(Decision.AcquireLease.class);
    }

    @Test
    void aStandbyThatCannotStartOnTheLeadersTimelineIsRewound() {
        View v = cluster().leader("b", 2).member("b", "leader", "running", 100, 0, List.of());
        assertThat(decide(node("a", STOPPED_STANDBY).withStartFailed(), v)).isInstanceOf(Decision.Rewind.class);
    }

    @Test
    void aRestartOrderRestartsPostgresInItsCurrentRole() {
        View led = cluster().leader("a", 7).member("a", "leader", "running", 100, 0, List.of());
        led.restart = Set.of("a");
        Decision p = decide(node("a", PRIMARY), led);
        assertThat(p).isInstanceOf(Decision.Restart.class);
        assertThat(((Decision.Restart) p).leader()).isNull();
        View other = cluster().leader("b", 7).member("b", "leader", "running", 100, 0, List.of());
        other.restart = Set.of("a");
        Decision s = decide(node("a", STANDBY_STREAMING).following("b"), other);
        assertThat(s).isInstanceOf(Decision.Restart.class);
        assertThat(((Decision.Restart) s).leader().name()).isEqualTo("b");
    }

    @Test
    void atEqualWalTheHigherPriorityWinsAndPriorityZeroNeverTakesTheLease() {
        View v = cluster().lastLeader("a", 7);
        v.members.put("b", new Member("b", "h", 1, "u", "replica", "in archive recovery", 1, 5000, false, 7, List.of(), null, 0, false, 1));
        v.members.put("c", new Member("c", "h", 1, "u", "replica", "in archive recovery", 1, 5000, false, 7, List.of(), null, 0, false, 5));
        v.alive.addAll(List.of("b", "c"));
        assertThat(decide(node("c", standbyAt(5000)), v)).isInstanceOf(Decision.AcquireLease.class);
        assertThat(decide(node("b", standbyAt(5000)), v).reason()).contains("c is a better candidate");
        View w = cluster().lastLeader("a", 7);
        w.members.put("c", new Member("c", "h", 1, "u", "replica", "in archive recovery", 1, 9000, false, 7, List.of(), null, 0, false, 0));
        w.members.put("b", new Member("b", "h", 1, "u", "replica", "in archive recovery", 1, 5000, false, 7, List.of(), null, 0, false, 1));
        w.alive.addAll(List.of("b", "c"));
        assertThat(decide(node("b", standbyAt(5000)), w)).as("async: a priority-0 peer is skipped").isInstanceOf(Decision.AcquireLease.class);
        assertThat(decide(node("c", standbyAt(9000)).withNofailover(), w)).isInstanceOf(Decision.Wait.class);
    }
}
