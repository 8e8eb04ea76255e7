package io.pgha.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.dcs.Member;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a member's record is written to the store: the rule that keeps the agents from waking each other in a loop. */
class PublishPolicyTest {
    static final long LOOP_WAIT = 1_000;
    static final long T = 1_000_000;

    static Member record(String state, long lsn, List<String> slots, long at) {
        return new Member("node2", "10.0.0.2", 5432, "http://10.0.0.2:8008", Member.REPLICA, state, 1, lsn, false, 0,
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
}
