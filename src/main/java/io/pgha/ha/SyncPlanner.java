package io.pgha.ha;

import io.pgha.config.HaSettings;
import io.pgha.dcs.SyncState;
import io.pgha.postgres.SyncNames;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The next step toward the wanted synchronous set, in the safe order: a member is added to the store's
 * record before PostgreSQL waits for it, and removed from PostgreSQL before it leaves the record. So the
 * record always covers every standby that could have acknowledged a commit.
 */
public final class SyncPlanner {
    public sealed interface Step {
        record None() implements Step {}

        record WriteStore(SyncState state) implements Step {}

        record WritePostgres(SyncNames names) implements Step {}
    }

    private SyncPlanner() {}

    /**
     * @param streaming the standbys that may acknowledge now (Reconciler: members streaming with a fresh reply, those with
     *                  a live agent first)
     */
    public static Step next(String me, SyncState recorded, SyncNames inPostgres, List<String> streaming, HaSettings s) {
        TreeSet<String> stored = new TreeSet<>(recorded == null ? List.of() : recorded.members());
        stored.remove(me);
        TreeSet<String> current = new TreeSet<>(inPostgres.members());
        current.remove(me);
        TreeSet<String> wanted = new TreeSet<>(streaming);
        wanted.remove(me);

        SyncNames target;
        if (!s.synchronous()) target = SyncNames.NONE;
        else if (!wanted.isEmpty())
            target = new SyncNames(s.synchronousStrict() ? s.synchronousNodeCount() : Math.min(s.synchronousNodeCount(), wanted.size()),
                    new ArrayList<>(wanted));
        else if (s.synchronousStrict() && !current.isEmpty()) target = inPostgres;
        else target = SyncNames.NONE;

        boolean mine = recorded != null && me.equals(recorded.leader());
        TreeSet<String> union = new TreeSet<>(stored);
        union.addAll(current);
        union.addAll(target.members());
        union.remove(me);
        if (!mine || !stored.containsAll(union)) {
            int quorum = minQuorum(inPostgres.members().isEmpty() ? 0 : inPostgres.quorum(), target.quorum());
            return new Step.WriteStore(new SyncState(me, new ArrayList<>(union), union.isEmpty() ? 0 : Math.max(1, quorum)));
        }
        if (!current.equals(new TreeSet<>(target.members())) || (inPostgres.quorum() != target.quorum() && !target.members().isEmpty()))
            return new Step.WritePostgres(target);
        int recordedQuorum = recorded.quorum();
        if (!stored.equals(new TreeSet<>(target.members())) || recordedQuorum != target.quorum())
            return new Step.WriteStore(new SyncState(me, target.members(), target.quorum()));
        return new Step.None();
    }

    /**
     * Who may be synchronous: the replying standbys whose agents live (they can take part in an election); when none
     * does (all frozen or crashed), every standby PostgreSQL still streams to, since dropping them would leave commits
     * on the primary alone.
     */
    public static List<String> eligible(List<String> replying, List<String> replyingWithLiveAgent) {
        return replyingWithLiveAgent.isEmpty() ? replying : replyingWithLiveAgent;
    }

    /** The smaller k is the stricter promotion rule (more members must report), so the record keeps it. */
    private static int minQuorum(int a, int b) {
        if (a == 0) return b;
        if (b == 0) return a;
        return Math.min(a, b);
    }
}
