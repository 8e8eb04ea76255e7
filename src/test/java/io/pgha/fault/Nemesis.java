package io.pgha.fault;

import io.pgha.demo.LocalCluster;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies one fault, holds it for a seeded random time within its kind's bounds, and heals it. Every
 * choice (target replica, hold time) comes from the run's seeded Random, so a seed replays the same
 * sequence of decisions (the cluster's own timing still varies).
 */
final class Nemesis {
    /** ha.ttl is 3 s: a frozen agent stays frozen about twice that, long enough for its lease to expire. */
    static final long STOP_AGENT_MS = 6_000;
    private static final int RULE_PREF = 1000;

    private final LocalCluster cluster;
    private final NetworkRig rig;
    private final Random random;
    private final int storePortLow;
    private final int storePortHigh;
    private final Set<Long> stopped = ConcurrentHashMap.newKeySet();
    private final Set<Long> startedAgents;

    /**
     * @param storePortLow  the lowest ZooKeeper port (client, quorum or election) of any node
     * @param storePortHigh the highest
     * @param startedAgents where the PIDs of agents this nemesis restarts are recorded
     */
    Nemesis(LocalCluster cluster, NetworkRig rig, Random random, int storePortLow, int storePortHigh, Set<Long> startedAgents) {
        this.cluster = cluster;
        this.rig = rig;
        this.random = random;
        this.storePortLow = storePortLow;
        this.storePortHigh = storePortHigh;
        this.startedAgents = startedAgents;
    }

    /** What was done; startMs and healMs bracket the fault. */
    record Applied(long startMs, long healMs, String what) {}

    private long between(long lowMs, long highMs) {
        return lowMs + (long) (random.nextDouble() * (highMs - lowMs));
    }

    Applied inject(FaultKind kind, int leader) throws IOException, InterruptedException {
        String p = cluster.name(leader);
        List<Integer> replicas = new java.util.ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) if (i != leader) replicas.add(i);
        return switch (kind) {
            case KILL_NODE -> {
                // the primary half the time (failover, rewind on return), otherwise one of the replicas
                int target = random.nextBoolean() ? leader : replicas.get(random.nextInt(replicas.size()));
                long hold = between(2_000, 5_000);
                long start = System.currentTimeMillis();
                cluster.killNode(target);
                Thread.sleep(hold);
                long heal = System.currentTimeMillis();
                cluster.start(target);
                cluster.agent(target).ifPresent(a -> startedAgents.add(a.pid()));
                yield new Applied(start, heal, "kill -9 " + cluster.name(target) + (target == leader ? " (primary)" : " (replica)")
                        + ", restarted after " + Checker.secs(heal - start));
            }
            case KILL_POSTGRES -> {
                long pid = cluster.postmaster(leader).map(ProcessHandle::pid).orElse(-1L);
                long start = System.currentTimeMillis();
                cluster.killPostgres(leader);
                yield new Applied(start, System.currentTimeMillis(), "kill -9 of " + p + "'s postmaster (pid " + pid + ")");
            }
            case STOP_AGENT -> {
                long pid = cluster.agent(leader).orElseThrow(() -> new IllegalStateException(p + "'s agent is not running")).pid();
                long hold = between(STOP_AGENT_MS, STOP_AGENT_MS + 1_000);
                stopped.add(pid);
                long start = System.currentTimeMillis();
                if (!NetworkRig.signal(pid, "STOP")) throw new IOException("kill -STOP " + pid + " failed");
                Thread.sleep(hold);
                long heal = System.currentTimeMillis();
                NetworkRig.signal(pid, "CONT");
                stopped.remove(pid);
                yield new Applied(start, heal, "SIGSTOP of " + p + "'s agent (pid " + pid + ") for " + Checker.secs(heal - start));
            }
            case ISOLATE_PRIMARY -> {
                long hold = between(5_000, 8_000);
                long start = System.currentTimeMillis();
                rig.isolate(leader);
                Thread.sleep(hold);
                long heal = System.currentTimeMillis();
                rig.reconnect(leader);
                yield new Applied(start, heal, p + " (primary) isolated from both other nodes for " + Checker.secs(heal - start));
            }
            case CUT_PRIMARY_FROM_QUORUM -> {
                int keep = replicas.get(random.nextInt(replicas.size()));
                int lost = replicas.get(0) == keep ? replicas.get(1) : replicas.get(0);
                long hold = between(5_000, 8_000);
                long start = System.currentTimeMillis();
                rig.cut(leader, lost);
                rig.cutPorts(leader, keep, storePortLow, storePortHigh, RULE_PREF);
                Thread.sleep(hold);
                long heal = System.currentTimeMillis();
                rig.uncutPorts(leader, RULE_PREF);
                rig.uncut(leader, lost);
                yield new Applied(start, heal, p + " (primary) cut from " + cluster.name(lost) + " and from "
                        + cluster.name(keep) + "'s ZooKeeper, still streaming to " + cluster.name(keep) + ", for "
                        + Checker.secs(heal - start));
            }
            case SPLIT_REPLICAS -> {
                long hold = between(4_000, 7_000);
                long start = System.currentTimeMillis();
                rig.cut(replicas.get(0), replicas.get(1));
                Thread.sleep(hold);
                long heal = System.currentTimeMillis();
                rig.uncut(replicas.get(0), replicas.get(1));
                yield new Applied(start, heal, cluster.name(replicas.get(0)) + " and " + cluster.name(replicas.get(1))
                        + " (replicas) cut from each other for " + Checker.secs(heal - start));
            }
        };
    }

    /** SIGCONT to every agent this nemesis stopped and has not resumed (a run interrupted mid-fault). */
    void resumeAll() {
        for (long pid : stopped) NetworkRig.signal(pid, "CONT");
        stopped.clear();
    }
}
