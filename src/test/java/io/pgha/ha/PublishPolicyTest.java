package io.pgha.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.postgres.PgState;
import io.pgha.postgres.PgStatus;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a member's record is written to the store: the rule that keeps the agents from waking each other in a loop. */
class PublishPolicyTest {
    static final long LOOP_WAIT = 1_000;
    static final long T = 1_000_000;

    static Member record(String state, long lsn, List<String> slots, long at) {
        return new Member("node2", "10.0.0.2", 5432, "http://10.0.0.2:8008", Member.REPLICA, PgState.fromLabel(state), 1, lsn, false, 0,
                slots, "node1", at, false, 100);
    }

    static final Member PUBLISHED = record("streaming", 1000, List.of(), T);

    boolean publish(Member fresh, boolean leaderHeld, long now) {
        return PublishPolicy.shouldPublish(PUBLISHED, fresh, leaderHeld, now, LOOP_WAIT);
    }

    @Test
    void aMemberWithNoRecordPublishes() {
        assertThat(PublishPolicy.shouldPublish(null, PUBLISHED, true, T, LOOP_WAIT)).isTrue();
    }

    @Test
    void anUnchangedRecordIsRefreshedOnlyEveryTenSeconds() {
        assertThat(publish(record("streaming", 1000, List.of(), T + 5_000), true, T + 5_000)).isFalse();
        assertThat(publish(record("streaming", 1000, List.of(), T + 10_000), true, T + 10_000)).isTrue();
    }

    @Test
    void aMovedPositionWaitsForLoopWaitWhileALeaderHoldsTheLease() {
        assertThat(publish(record("streaming", 2000, List.of(), T + 300), true, T + 300)).isFalse();
        assertThat(publish(record("streaming", 2000, List.of(), T + LOOP_WAIT), true, T + LOOP_WAIT)).isTrue();
    }

    @Test
    void aMovedPositionIsNewsAtOnceDuringAnElection() {
        assertThat(publish(record("streaming", 2000, List.of(), T + 10), false, T + 10)).isTrue();
    }

    @Test
    void aChangedStateOrSlotListIsNewsAtOnce() {
        assertThat(publish(record("stopped", 2000, List.of(), T + 10), true, T + 10)).isTrue();
        assertThat(publish(record("streaming", 1000, List.of("node3"), T + 10), true, T + 10)).isTrue();
    }

    // ---- what the record says

    static final Identity ME = new Identity("c1", "node2", "10.0.0.2", 5432, "http://10.0.0.2:8008", false, 1);

    static PgStatus standby(boolean walReceiver) {
        return new PgStatus(true, true, true, true, 1, 5000, walReceiver, null, 0, true, List.of(), List.of(), List.of(), 0,
                false, walReceiver, false);
    }

    static ClusterSnapshot leaseGoneAfter(long token) {
        return new ClusterSnapshot("1", null, null, new Lease("node1", token), Map.of(), Set.of(), null, null, false, null,
                Set.of(), Map.of());
    }

    @Test
    void thePositionCountsInTheElectionOnlyOnceNothingMoreCanArriveFromTheOldPrimary() {
        assertThat(PublishPolicy.record(ME, standby(false), null, leaseGoneAfter(7), false, T, null).lostLeaderToken()).isEqualTo(7);
        assertThat(PublishPolicy.record(ME, standby(true), null, leaseGoneAfter(7), false, T, null).lostLeaderToken())
                .as("its WAL receiver still runs").isZero();
        assertThat(PublishPolicy.record(ME, standby(false), "node1", leaseGoneAfter(7), false, T, null).lostLeaderToken())
                .as("still configured to follow the old primary").isZero();
    }

    @Test
    void noLostTokenWhileALeaderHoldsTheLease() {
        var led = new ClusterSnapshot("1", null, new Lease("node1", 7), new Lease("node1", 7), Map.of(), Set.of(), null,
                null, false, null, Set.of(), Map.of());
        assertThat(PublishPolicy.record(ME, standby(false), null, led, false, T, null).lostLeaderToken()).isZero();
    }

    @Test
    void theRoleIsLeaderOnlyForTheLeaseHoldersPrimary() {
        var primary = new PgStatus(true, true, true, false, 1, 5000, false, null, 0, false, List.of(), List.of(), List.of(), 0);
        assertThat(PublishPolicy.record(ME, primary, null, leaseGoneAfter(7), true, T, null).role()).isEqualTo(Member.LEADER);
        assertThat(PublishPolicy.record(ME, primary, null, leaseGoneAfter(7), false, T, null).role()).isEqualTo(Member.UNKNOWN);
        assertThat(PublishPolicy.record(ME, standby(true), null, leaseGoneAfter(7), false, T, null).role()).isEqualTo(Member.REPLICA);
    }

    @Test
    void priorityZeroOrNofailoverNeverPromotes() {
        assertThat(ME.neverPromote()).isFalse();
        assertThat(new Identity("c1", "n", "h", 1, "u", false, 0).neverPromote()).isTrue();
        assertThat(new Identity("c1", "n", "h", 1, "u", true, 5).neverPromote()).isTrue();
    }
}
