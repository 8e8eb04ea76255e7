package io.pgha.ha;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.postgres.ManagedFiles;
import java.util.Set;
import java.util.TreeSet;

/** When the leader brings its slots and pg_hba.conf in line with the member list (each pass rewrites pg_hba and reloads). */
final class MembershipRule {
    private MembershipRule() {}

    /**
     * Again when the member list differs from the one last reconciled ({@code reconciled}, null: never), or when
     * this leader's published slots lack one for another member (a slot dropped by hand, or a publish still in flight).
     */
    static boolean mustReconcile(String me, ClusterSnapshot view, Set<String> reconciled) {
        Set<String> names = new TreeSet<>(view.members().keySet());
        if (!names.equals(reconciled)) return true;
        Member mine = view.members().get(me);
        if (mine == null) return true;
        return names.stream().filter(n -> !n.equals(me))
                .anyMatch(n -> mine.slots() == null || !mine.slots().contains(ManagedFiles.slotName(n)));
    }
}
