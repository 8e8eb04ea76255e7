package io.pgha.ha;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.postgres.PgState;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What pgha list warns about first: a member that gave up on every remedy. */
class ClusterReportTest {
    static Member member(String name, String role, PgState state, String stuck) {
        return new Member(name, "10.0.0.1", 5432, "http://x", role, state, 1, 100, false, 0, List.of(), null, 0, false, 1,
                stuck, false);
    }

    static ClusterSnapshot view(Member... members) {
        Map<String, Member> byName = new java.util.TreeMap<>();
        for (Member m : members) byName.put(m.name(), m);
        return new ClusterSnapshot("1", null, new Lease("a", 1), new Lease("a", 1), byName, byName.keySet(), null, null,
                false, null, Set.of(), Map.of());
    }

    @Test
    void aStuckMemberIsTheWarning() {
        var report = ClusterReport.of("c", view(member("a", Member.LEADER, PgState.RUNNING, null),
                member("b", Member.REPLICA, PgState.ARCHIVE_RECOVERY, "cloned anew from a and still not streaming")));
        assertThat(report.warning()).isEqualTo("b is stuck: cloned anew from a and still not streaming");
    }

    @Test
    void aMemberWithAFullDiskIsTheWarningWhenNobodyIsStuck() {
        Member full = new Member("b", "10.0.0.1", 5432, "http://x", Member.REPLICA, PgState.STREAMING, 1, 100, false, 0,
                List.of(), null, 0, false, 1, null, true);
        var report = ClusterReport.of("c", view(member("a", Member.LEADER, PgState.RUNNING, null), full));
        assertThat(report.warning()).isEqualTo("b's data or pg_wal filesystem is full: free space there");
    }

    @Test
    void noWarningForAHealthyCluster() {
        var report = ClusterReport.of("c", view(member("a", Member.LEADER, PgState.RUNNING, null),
                member("b", Member.REPLICA, PgState.STREAMING, null)));
        assertThat(report.warning()).isNull();
    }
}
