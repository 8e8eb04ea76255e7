package io.pgha.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.postgres.PgState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** When the leader rewrites slots and pg_hba.conf: on a new member list, or a missing slot; never on every loop. */
class MembershipRuleTest {
    static Member member(String name, List<String> slots) {
        return new Member(name, "10.0.0.1", 5432, "http://x", Member.REPLICA, PgState.STREAMING, 1, 0, false, 0, slots, null, 0);
    }

    static ClusterSnapshot view(Member... members) {
        Map<String, Member> byName = new TreeMap<>();
        for (Member m : members) byName.put(m.name(), m);
        return new ClusterSnapshot("1", null, null, null, byName, byName.keySet(), null, null, false, null, Set.of(), Map.of());
    }

    @Test
    void theFirstTimeAlways() {
        assertThat(MembershipRule.mustReconcile("a", view(member("a", List.of())), null)).isTrue();
    }

    @Test
    void notAgainForTheSameMembersWithEverySlotPublished() {
        var v = view(member("a", List.of("b", "c")), member("b", null), member("c", null));
        assertThat(MembershipRule.mustReconcile("a", v, Set.of("a", "b", "c"))).isFalse();
    }

    @Test
    void againWhenAMemberJoinsOrLeaves() {
        var v = view(member("a", List.of("b")), member("b", null), member("c", null));
        assertThat(MembershipRule.mustReconcile("a", v, Set.of("a", "b"))).isTrue();
        assertThat(MembershipRule.mustReconcile("a", view(member("a", List.of("b"))), Set.of("a", "b"))).isTrue();
    }

    @Test
    void againWhenTheLeadersPublishedSlotsLackOneForAMember() {
        var v = view(member("a", List.of("b")), member("b", null), member("c", null));
        assertThat(MembershipRule.mustReconcile("a", v, Set.of("a", "b", "c"))).isTrue();
        var noSlots = view(member("a", null), member("b", null));
        assertThat(MembershipRule.mustReconcile("a", noSlots, Set.of("a", "b"))).isTrue();
    }

    @Test
    void aLoneLeaderNeedsNoSlots() {
        assertThat(MembershipRule.mustReconcile("a", view(member("a", null)), Set.of("a"))).isFalse();
    }
}
