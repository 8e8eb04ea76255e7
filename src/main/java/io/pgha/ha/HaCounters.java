package io.pgha.ha;

import java.util.concurrent.atomic.AtomicLong;

/** What this agent did to the cluster's roles since it started, counted for {@code /metrics}. */
public final class HaCounters {
    /** Why a promotion happened. */
    public enum Promotion { FAILOVER, MANUAL_FAILOVER, SWITCHOVER }

    /** How this node stopped being (or being able to become) a writable primary. */
    public enum Demotion { SWITCHOVER_HANDOVER, LEASE_RELEASED, KILLED_AND_RELEASED }

    /** What stopped PostgreSQL so it could not accept writes. */
    public enum Fence { DECISION, STORE_SILENCE }

    /** One reading of every counter. */
    public record Snapshot(long[] promotions, long[] demotions, long[] fences) {
        public long promotions(Promotion p) {
            return promotions[p.ordinal()];
        }

        public long demotions(Demotion d) {
            return demotions[d.ordinal()];
        }

        public long fences(Fence f) {
            return fences[f.ordinal()];
        }
    }

    public static final Snapshot NONE = new HaCounters().snapshot();

    private final AtomicLong[] promotions = counters(Promotion.values().length);
    private final AtomicLong[] demotions = counters(Demotion.values().length);
    private final AtomicLong[] fences = counters(Fence.values().length);

    void promoted(Promotion p) {
        promotions[p.ordinal()].incrementAndGet();
    }

    void demoted(Demotion d) {
        demotions[d.ordinal()].incrementAndGet();
    }

    void fenced(Fence f) {
        fences[f.ordinal()].incrementAndGet();
    }

    public Snapshot snapshot() {
        return new Snapshot(read(promotions), read(demotions), read(fences));
    }

    private static AtomicLong[] counters(int n) {
        AtomicLong[] a = new AtomicLong[n];
        for (int i = 0; i < n; i++) a[i] = new AtomicLong();
        return a;
    }

    private static long[] read(AtomicLong[] a) {
        long[] out = new long[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i].get();
        return out;
    }
}
