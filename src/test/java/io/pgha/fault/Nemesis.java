package io.pgha.fault;

import io.pgha.demo.LocalCluster;
import io.pgha.postgres.Processes;
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
    /** The agent kills a hung PostgreSQL within a few seconds; the processes are resumed after this at the latest. */
    static final long HANG_MS = 12_000;
    private static final java.time.Duration VERIFY_BOUND = java.time.Duration.ofSeconds(2);
    private static final int RULE_PREF = 1000;

    private final LocalCluster cluster;
    private final StoreMembers store;
    private final NetworkRig rig;
    private final Random random;
    private final int storePortLow;
    private final int storePortHigh;
    private final Set<Long> stopped = ConcurrentHashMap.newKeySet();
    private final Set<Long> startedAgents;

    /**
     * @param store         the store's members, one per node
     * @param storePortLow  the lowest store port (ZooKeeper client, quorum or election; etcd client or peer) of any node
     * @param storePortHigh the highest
     * @param startedAgents where the PIDs of agents this nemesis restarts are recorded
     */
    Nemesis(LocalCluster cluster, StoreMembers store, NetworkRig rig, Random random, int storePortLow, int storePortHigh,
            Set<Long> startedAgents) {
        this.cluster = cluster;
        this.store = store;
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
            case KILL_NODE -> killAndRestart(leader, " (primary)");
            case KILL_REPLICA -> killAndRestart(replicas.get(random.nextInt(replicas.size())), " (replica)");
            case KILL_POSTGRES -> {
                ProcessHandle pm = cluster.postmaster(leader).orElseThrow(() -> new NotApplied(
                        "kill-postgres: no running postmaster of " + p + " (postmaster.pid) to kill"));
                long start = System.currentTimeMillis();
                cluster.killPostgres(leader);
                if (Processes.isRunning(pm)) throw new NotApplied("kill-postgres: " + p + "'s postmaster " + pm.pid() + " survived kill -9");
                yield new Applied(start, System.currentTimeMillis(), "kill -9 of " + p + "'s postmaster (pid " + pm.pid() + ")");
            }
            case STOP_AGENT -> stopAgent(leader, " (primary)", kind);
            case STOP_REPLICA_AGENT -> stopAgent(replicas.get(random.nextInt(replicas.size())), " (replica)", kind);
            case HANG_POSTGRES -> hangPostgres(leader, true);
            case HANG_REPLICA -> hangPostgres(replicas.get(random.nextInt(replicas.size())), false);
            case KILL_WATCHDOG -> killWatchdog(leader);
            case REPLICA_DOWN_PRIMARY_CUT -> replicaDownPrimaryCut(leader, replicas);
            case ISOLATE_PRIMARY -> {
                long hold = between(5_000, 8_000);
                long start = System.currentTimeMillis();
                rig.isolate(leader);
                for (int r : replicas) expectReachable(leader, r, cluster.pgPort(r), false, "isolate-primary");
                sleepUntil(start + hold);
                long heal = System.currentTimeMillis();
                rig.reconnect(leader);
                for (int r : replicas) expectReachable(leader, r, cluster.pgPort(r), true, "isolate-primary, healed");
                yield new Applied(start, heal, p + " (primary) isolated from both other nodes for " + Checker.secs(heal - start));
            }
            case CUT_PRIMARY_FROM_QUORUM -> {
                int keep = replicas.get(random.nextInt(replicas.size()));
                int lost = replicas.get(0) == keep ? replicas.get(1) : replicas.get(0);
                long hold = between(5_000, 8_000);
                long start = System.currentTimeMillis();
                rig.cut(leader, lost);
                rig.cutPorts(leader, keep, storePortLow, storePortHigh, RULE_PREF);
                expectReachable(leader, lost, cluster.pgPort(lost), false, "cut-primary-from-quorum");
                expectReachable(leader, keep, storePortLow + keep, false, "cut-primary-from-quorum (store)");
                expectReachable(leader, keep, cluster.pgPort(keep), true, "cut-primary-from-quorum (PostgreSQL still flows)");
                sleepUntil(start + hold);
                long heal = System.currentTimeMillis();
                rig.uncutPorts(leader, RULE_PREF);
                rig.uncut(leader, lost);
                expectReachable(leader, lost, cluster.pgPort(lost), true, "cut-primary-from-quorum, healed");
                expectReachable(leader, keep, storePortLow + keep, true, "cut-primary-from-quorum (store), healed");
                yield new Applied(start, heal, p + " (primary) cut from " + cluster.name(lost) + " and from "
                        + cluster.name(keep) + "'s " + store.what() + ", still streaming to " + cluster.name(keep) + ", for "
                        + Checker.secs(heal - start));
            }
            case SPLIT_REPLICAS -> {
                int a = replicas.get(0);
                int b = replicas.get(1);
                long hold = between(4_000, 7_000);
                long start = System.currentTimeMillis();
                rig.cut(a, b);
                expectReachable(a, b, cluster.pgPort(b), false, "split-replicas");
                expectReachable(a, leader, cluster.pgPort(leader), true, "split-replicas (the primary still reachable)");
                sleepUntil(start + hold);
                long heal = System.currentTimeMillis();
                rig.uncut(a, b);
                expectReachable(a, b, cluster.pgPort(b), true, "split-replicas, healed");
                yield new Applied(start, heal, cluster.name(a) + " and " + cluster.name(b)
                        + " (replicas) cut from each other for " + Checker.secs(heal - start));
            }
            case FREEZE_STANDBY_AGENTS -> freezeStandbyAgents(replicas);
            case KILL_STANDBY_AGENTS -> killStandbyAgents(replicas);
            case FREEZE_STORE -> freezeStore(random.nextInt(cluster.size()), leader);
        };
    }

    /** SIGSTOP of node's agent for about twice the ttl; its watchdog may kill it meanwhile (the supervisor starts a new one). */
    private Applied stopAgent(int node, String role, FaultKind kind) throws InterruptedException {
        String n = cluster.name(node) + role;
        long pid = cluster.agent(node).orElseThrow(() -> new NotApplied(kind.label + ": " + n + "'s agent is not running")).pid();
        long hold = between(STOP_AGENT_MS, STOP_AGENT_MS + 1_000);
        stopped.add(pid);
        long start = System.currentTimeMillis();
        if (!NetworkRig.signal(pid, "STOP")) throw new NotApplied(kind.label + ": kill -STOP " + pid + " failed");
        awaitStopped(pid, kind.label + ": " + n + "'s agent");
        sleepUntil(start + hold);
        long heal = System.currentTimeMillis();
        NetworkRig.signal(pid, "CONT");
        stopped.remove(pid);
        awaitResumed(pid, kind.label + ": " + n + "'s agent");
        return new Applied(start, heal, "SIGSTOP of " + n + "'s agent (pid " + pid + ") for " + Checker.secs(heal - start)
                + (ProcessHandle.of(pid).filter(Processes::isRunning).isPresent() ? "" : ", killed by its watchdog meanwhile"));
    }

    /**
     * kill -9 of the primary's watchdog process. Expected of the agent: a new watchdog, armed for the same postmaster,
     * within the ttl (it checks in ten times per ttl), and its PostgreSQL left running. Anything else fails the run.
     */
    private Applied killWatchdog(int leader) throws IOException, InterruptedException {
        String p = cluster.name(leader);
        ProcessHandle agent = cluster.agent(leader).map(Process::toHandle)
                .orElseThrow(() -> new NotApplied("kill-watchdog: " + p + "'s agent is not running"));
        ProcessHandle pm = cluster.postmaster(leader).orElseThrow(() -> new NotApplied("kill-watchdog: " + p + " runs no postmaster"));
        ProcessHandle watchdog = watchdogOf(agent).orElseThrow(() -> new NotApplied("kill-watchdog: " + p + "'s agent "
                + agent.pid() + " has no watchdog process (bash " + io.pgha.postgres.ProcessWatchdog.class.getSimpleName() + ")"));
        String armed = "watchdog armed for postmaster " + pm.pid() + ":";
        long armedBefore = occurrences(cluster.agentLog(leader), armed);
        long start = System.currentTimeMillis();
        watchdog.destroyForcibly();
        if (FaultRun.awaitMillis(() -> !Processes.isRunning(watchdog), VERIFY_BOUND) < 0)
            throw new NotApplied("kill-watchdog: " + p + "'s watchdog " + watchdog.pid() + " survived kill -9");
        java.time.Duration ttl = java.time.Duration.ofMillis(STOP_AGENT_MS / 2);
        if (FaultRun.awaitMillis(() -> watchdogOf(agent).filter(w -> w.pid() != watchdog.pid()).isPresent()
                && occurrences(cluster.agentLog(leader), armed) > armedBefore, ttl) < 0)
            throw new NotApplied("kill-watchdog: " + p + "'s agent did not start and arm a new watchdog for postmaster "
                    + pm.pid() + " within " + ttl.toMillis() + " ms: its primary runs unguarded");
        long heal = System.currentTimeMillis();
        if (!Processes.isRunning(pm))
            throw new NotApplied("kill-watchdog: " + p + "'s postmaster " + pm.pid() + " stopped when its watchdog died: a needless outage");
        long replacement = watchdogOf(agent).map(ProcessHandle::pid).orElse(-1L);
        return new Applied(start, heal, "kill -9 of " + p + "'s watchdog (pid " + watchdog.pid() + "); a new one (pid "
                + replacement + ") armed for the same postmaster " + pm.pid() + " after " + Checker.secs(heal - start));
    }

    private static java.util.Optional<ProcessHandle> watchdogOf(ProcessHandle agent) {
        return agent.children().filter(h -> h.info().commandLine().orElse("").contains("pgha-watchdog.sh"))
                .filter(Processes::isRunning).findFirst();
    }

    private static long occurrences(java.nio.file.Path log, String text) {
        try (var lines = java.nio.file.Files.lines(log, java.nio.charset.StandardCharsets.ISO_8859_1)) {
            return lines.filter(l -> l.contains(text)).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    /**
     * kill -9 of one replica's node while the primary is cut from the other replica's store member (and from the dead
     * one entirely): no store quorum anywhere. Held 4-6 s, then healed one at a time in a seeded order, 1-2 s apart.
     */
    private Applied replicaDownPrimaryCut(int leader, List<Integer> replicas) throws IOException, InterruptedException {
        int dead = replicas.get(random.nextInt(replicas.size()));
        int other = replicas.get(0) == dead ? replicas.get(1) : replicas.get(0);
        String label = FaultKind.REPLICA_DOWN_PRIMARY_CUT.label;
        long hold = between(4_000, 6_000);
        long gap = between(1_000, 2_000);
        boolean cutHealsFirst = random.nextBoolean();
        long start = System.currentTimeMillis();
        Killed k = kill(dead);
        rig.cut(leader, dead);
        rig.cutPorts(leader, other, storePortLow, storePortHigh, RULE_PREF);
        expectReachable(leader, other, storePortLow + other, false, label + " (store)");
        expectReachable(leader, other, cluster.pgPort(other), true, label + " (PostgreSQL still flows)");
        expectReachable(leader, dead, cluster.pgPort(dead), false, label + " (the dead replica)");
        sleepUntil(start + hold);
        long firstHeal = System.currentTimeMillis();
        if (cutHealsFirst) uncutQuorum(leader, dead, other, label);
        else restart(k);
        sleepUntil(firstHeal + gap);
        long heal = System.currentTimeMillis();
        if (cutHealsFirst) restart(k);
        else uncutQuorum(leader, dead, other, label);
        String p = cluster.name(leader);
        return new Applied(start, heal, "kill -9 " + cluster.name(dead) + " (replica) with " + p + " (primary) cut from "
                + cluster.name(other) + "'s " + store.what() + " for " + Checker.secs(firstHeal - start) + "; "
                + (cutHealsFirst ? "the cut healed first, " + cluster.name(dead) + " restarted " : cluster.name(dead)
                + " restarted first, the cut healed ") + Checker.secs(heal - firstHeal) + " later");
    }

    private void uncutQuorum(int leader, int dead, int other, String label) throws IOException, InterruptedException {
        rig.uncutPorts(leader, RULE_PREF);
        rig.uncut(leader, dead);
        expectReachable(leader, other, storePortLow + other, true, label + " (store), healed");
        expectReachable(leader, dead, cluster.pgPort(dead), true, label + " (the dead replica's host), healed");
    }

    /** SIGSTOP of every replica's agent together for about twice the ttl; their watchdogs may kill them meanwhile. */
    private Applied freezeStandbyAgents(List<Integer> replicas) throws InterruptedException {
        List<Long> pids = new java.util.ArrayList<>();
        for (int r : replicas) pids.add(cluster.agent(r).orElseThrow(() -> new NotApplied(
                "freeze-standby-agents: " + cluster.name(r) + "'s agent is not running")).pid());
        long hold = between(STOP_AGENT_MS, STOP_AGENT_MS + 2_000);
        stopped.addAll(pids);
        long start = System.currentTimeMillis();
        for (long pid : pids) if (!NetworkRig.signal(pid, "STOP")) throw new NotApplied("freeze-standby-agents: kill -STOP " + pid + " failed");
        for (long pid : pids) awaitStopped(pid, "freeze-standby-agents: agent");
        sleepUntil(start + hold);
        long heal = System.currentTimeMillis();
        for (long pid : pids) {
            NetworkRig.signal(pid, "CONT");
            stopped.remove(pid);
        }
        for (long pid : pids) awaitResumed(pid, "freeze-standby-agents: agent");
        long killed = pids.stream().filter(pid -> ProcessHandle.of(pid).filter(Processes::isRunning).isEmpty()).count();
        return new Applied(start, heal, "SIGSTOP of " + names(replicas) + "'s agents (pids " + pids + ") for "
                + Checker.secs(heal - start) + (killed == 0 ? "" : ", " + killed + " killed by its watchdog meanwhile"));
    }

    /** kill -9 of every replica's agent together, PostgreSQL and store members left running; restarted after 2-5 s. */
    private Applied killStandbyAgents(List<Integer> replicas) throws IOException, InterruptedException {
        List<ProcessHandle> agents = new java.util.ArrayList<>();
        for (int r : replicas) agents.add(cluster.agent(r).map(Process::toHandle).orElseThrow(() -> new NotApplied(
                "kill-standby-agents: " + cluster.name(r) + "'s agent is not running")));
        long hold = between(2_000, 5_000);
        long start = System.currentTimeMillis();
        for (int r : replicas) cluster.killAgent(r);
        for (ProcessHandle h : agents) if (Processes.isRunning(h)) throw new NotApplied("kill-standby-agents: agent " + h.pid() + " survived");
        sleepUntil(start + hold);
        long heal = System.currentTimeMillis();
        for (int r : replicas) {
            cluster.start(r);
            startedAgents.add(cluster.agent(r).orElseThrow(() -> new NotApplied("kill-standby-agents: " + cluster.name(r)
                    + "'s agent did not start again")).pid());
        }
        return new Applied(start, heal, "kill -9 of " + names(replicas) + "'s agents, restarted after " + Checker.secs(heal - start));
    }

    /** SIGSTOP of node i's store member alone for 5-8 s: its agent, and any other node's, must carry on or fence, never split. */
    private Applied freezeStore(int node, int leader) throws InterruptedException {
        String n = cluster.name(node) + (node == leader ? " (primary)" : " (replica)");
        long pid = store.pid(node);
        if (pid < 0) throw new NotApplied("freeze-store: " + n + "'s " + store.what() + " is not running");
        long hold = between(5_000, 8_000);
        stopped.add(pid);
        long start = System.currentTimeMillis();
        if (!NetworkRig.signal(pid, "STOP")) throw new NotApplied("freeze-store: kill -STOP " + pid + " failed");
        awaitStopped(pid, "freeze-store: " + n + "'s " + store.what());
        sleepUntil(start + hold);
        long heal = System.currentTimeMillis();
        NetworkRig.signal(pid, "CONT");
        stopped.remove(pid);
        awaitResumed(pid, "freeze-store: " + n + "'s " + store.what());
        return new Applied(start, heal, "SIGSTOP of " + n + "'s " + store.what() + " (pid " + pid + ") for " + Checker.secs(heal - start));
    }

    private String names(List<Integer> nodes) {
        return String.join(" and ", nodes.stream().map(cluster::name).toList());
    }

    /** A node killed by {@link #kill}: whether it ran PostgreSQL. */
    private record Killed(int node, boolean hadPostgres) {}

    /** kill -9 of node i's agent, store member and PostgreSQL, each verified gone. */
    private Killed kill(int target) throws InterruptedException {
        String n = cluster.name(target);
        ProcessHandle agent = cluster.agent(target).map(Process::toHandle)
                .orElseThrow(() -> new NotApplied("kill of " + n + ": its agent is not running"));
        java.util.Optional<ProcessHandle> pm = cluster.postmaster(target);
        long member = store.pid(target);
        cluster.killNode(target);
        store.crashWithNode(target);
        if (Processes.isRunning(agent)) throw new NotApplied("kill of " + n + ": its agent " + agent.pid() + " survived");
        if (pm.filter(Processes::isRunning).isPresent()) throw new NotApplied("kill of " + n + ": its postmaster survived");
        if (member >= 0 && ProcessHandle.of(member).filter(Processes::isRunning).isPresent())
            throw new NotApplied("kill of " + n + ": its " + store.what() + " " + member + " survived");
        return new Killed(target, pm.isPresent());
    }

    /** Starts a killed node's store member and agent again, the agent verified up. */
    private void restart(Killed k) throws IOException {
        store.restartWithNode(k.node());
        cluster.start(k.node());
        long pid = cluster.agent(k.node()).orElseThrow(() -> new NotApplied("kill of " + cluster.name(k.node())
                + ": its agent did not start again")).pid();
        startedAgents.add(pid);
    }

    /** kill -9 of node i's agent and PostgreSQL, both verified gone, restarted after 2-5 s and its agent verified up. */
    private Applied killAndRestart(int target, String role) throws IOException, InterruptedException {
        long hold = between(2_000, 5_000);
        long start = System.currentTimeMillis();
        Killed k = kill(target);
        sleepUntil(start + hold);
        long heal = System.currentTimeMillis();
        restart(k);
        return new Applied(start, heal, "kill -9 " + cluster.name(target) + role + (k.hadPostgres() ? "" : " (no PostgreSQL was running)")
                + ", restarted after " + Checker.secs(heal - start));
    }

    /**
     * SIGSTOP of a postmaster and every descendant (a hung disk looks the same) while its agent runs. The primary's is
     * held until the agent has killed them all (it must, before handing over), at most {@link #HANG_MS}; a replica's
     * 5-8 s (nothing waits on it: the other standby acknowledges), unless its agent kills them sooner.
     */
    private Applied hangPostgres(int node, boolean primary) throws IOException, InterruptedException {
        String label = primary ? FaultKind.HANG_POSTGRES.label : FaultKind.HANG_REPLICA.label;
        String p = cluster.name(node) + (primary ? "" : " (replica)");
        long hold = primary ? HANG_MS : between(5_000, 8_000);
        ProcessHandle pm = cluster.postmaster(node).orElseThrow(() -> new NotApplied(
                label + ": no running postmaster of " + p + " (postmaster.pid) to stop"));
        List<ProcessHandle> hung = new java.util.ArrayList<>();
        long start = System.currentTimeMillis();
        for (ProcessHandle h : java.util.stream.Stream.concat(java.util.stream.Stream.of(pm), pm.descendants()).toList()) {
            stopped.add(h.pid());
            if (NetworkRig.signal(h.pid(), "STOP")) hung.add(h);
        }
        // a backend may exit between the listing and its signal; the postmaster itself must be stopped
        awaitStopped(pm.pid(), label + ": " + p + "'s postmaster");
        for (ProcessHandle h : hung) if (h.pid() != pm.pid() && Processes.isRunning(h)) awaitStopped(h.pid(), label + ": " + p + "'s child");
        FaultRun.awaitMillis(() -> hung.stream().noneMatch(Processes::isRunning), java.time.Duration.ofMillis(hold));
        long heal = System.currentTimeMillis();
        List<ProcessHandle> survivors = hung.stream().filter(Processes::isRunning).toList();
        for (ProcessHandle h : hung) {
            NetworkRig.signal(h.pid(), "CONT");
            stopped.remove(h.pid());
        }
        for (ProcessHandle h : survivors) awaitResumed(h.pid(), label + ": " + p + "'s process");
        return new Applied(start, heal, "SIGSTOP of " + p + "'s postmaster (pid " + pm.pid() + ") and its " + (hung.size() - 1)
                + " children, " + (survivors.isEmpty() ? "all killed by its agent after " + Checker.secs(heal - start)
                : survivors.size() + " still alive after " + Checker.secs(heal - start) + ", resumed"));
    }

    /** A fault that could not be applied or lifted as intended: the run fails rather than count it. */
    static final class NotApplied extends IllegalStateException {
        NotApplied(String message) {
            super(message);
        }
    }

    private static void sleepUntil(long epochMs) throws InterruptedException {
        long left = epochMs - System.currentTimeMillis();
        if (left > 0) Thread.sleep(left);
    }

    /** The one-letter state in /proc/pid/stat ('T' stopped, 'Z' zombie), or '-' when the process is gone. */
    static char state(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() ? stat.charAt(end + 2) : '-';
        } catch (IOException e) {
            return '-';
        }
    }

    private static void awaitStopped(long pid, String what) throws InterruptedException {
        if (FaultRun.awaitMillis(() -> state(pid) == 'T', VERIFY_BOUND) < 0)
            throw new NotApplied(what + " (pid " + pid + ") not stopped after SIGSTOP: state '" + state(pid) + "'");
    }

    /** Running again, or gone (killed meanwhile): anything but still stopped. */
    private static void awaitResumed(long pid, String what) throws InterruptedException {
        if (FaultRun.awaitMillis(() -> state(pid) != 'T', VERIFY_BOUND) < 0)
            throw new NotApplied(what + " (pid " + pid + ") still stopped after SIGCONT");
    }

    /** A TCP connection from node from's namespace to node to's port, checked to be (or not be) possible. */
    private static void expectReachable(int from, int to, int port, boolean reachable, String fault) throws InterruptedException {
        // a cut that holds shows at once; a healed link may take a moment to carry packets again
        java.time.Duration bound = reachable ? java.time.Duration.ofSeconds(5) : java.time.Duration.ZERO;
        if (FaultRun.awaitMillis(() -> NetworkRig.reachable(from, NetworkRig.address(to), port) == reachable, bound) < 0) {
            throw new NotApplied(fault + ": node" + (from + 1) + " " + (reachable ? "cannot reach" : "still reaches")
                    + " node" + (to + 1) + ":" + port);
        }
    }

    /** SIGCONT to every process this nemesis stopped and has not resumed (a run interrupted mid-fault). */
    void resumeAll() {
        for (long pid : stopped) NetworkRig.signal(pid, "CONT");
        stopped.clear();
    }
}
