package io.pgha.fault;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.HistoryEntry;
import io.pgha.dcs.Member;
import io.pgha.dcs.SyncState;
import io.pgha.demo.LocalCluster;
import io.pgha.testing.LocalEtcd;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * One fault-injection run: builds the namespaces, starts three agents in them, runs the clients, lets the
 * nemesis loose, then judges the logs with {@link Checker}. Used by FaultSuiteTest (a short run) and by
 * bench/FaultBench.java (a long one), so it needs nothing beyond the project's runtime classpath.
 *
 * <p>Faults come one at a time: each starts a seeded random 0.5-2.5 s after the cluster is steady again
 * (one primary, every standby streaming, the synchronous set complete), so every fault is a single
 * failure and invariant 3 applies to it in full. The kinds are dealt in rounds, each round every kind
 * once in a seeded order, so a run cut short by its time budget still covers every kind.
 */
public final class FaultRun {
    /** How long the cluster may take to be steady again after a heal before that counts as a broken invariant. */
    static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(90);
    static final Duration BOOTSTRAP_BOUND = Duration.ofSeconds(180);
    /** A fault with its convergence rarely takes longer; no new fault starts this close to the deadline. */
    static final Duration FAULT_ESTIMATE = Duration.ofSeconds(25);

    /**
     * @param faults      at most this many faults
     * @param faultPhase  no fault starts later than this after the run began
     * @param portBase    LocalCluster's port base (ports inside the namespaces: base..base+602)
     * @param keep        keep the cluster directory (data, logs) afterwards
     * @param kinds       the fault kinds to deal (all of them for the suite)
     * @param etcd        the store is a three-member etcd, one member in each node's namespace, rather than the
     *                    embedded ZooKeeper peers
     * @param synchronous quorum commit (the default); false runs {@code synchronous_mode: off}
     * @param unsafeNoFencing the agents run with {@code PGHA_TEST_UNSAFE_NO_FENCING=1}: the negative control
     */
    record Options(long seed, int faults, Duration faultPhase, int portBase, boolean keep, List<FaultKind> kinds, boolean etcd,
                   boolean synchronous, boolean unsafeNoFencing) {
        Options(long seed, int faults, Duration faultPhase, int portBase, boolean keep, List<FaultKind> kinds, boolean etcd) {
            this(seed, faults, faultPhase, portBase, keep, kinds, etcd, true, false);
        }

        String storeName() {
            return etcd ? "etcd" : "ZooKeeper";
        }
    }

    /** The checker's report, plus what this run itself failed to clean up (should be nothing). */
    record Result(Checker.Report report, List<String> leftBehind, Path evidence) {}

    private final Options options;
    private final PrintStream out;
    private final Random random;
    private final Set<Long> startedPids = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean cleanedUp = new AtomicBoolean();
    private final List<String> leftBehind = Collections.synchronizedList(new ArrayList<>());
    private NetworkRig rig;
    private LocalCluster cluster;
    private LocalEtcd etcd;
    private Workload workload;
    private Nemesis nemesis;

    private FaultRun(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
        this.random = new Random(options.seed());
    }

    static Result run(Options options, PrintStream out) throws Exception {
        return new FaultRun(options, out).run();
    }

    private void log(String message) {
        out.println(Checker.time(System.currentTimeMillis()) + " " + message);
        out.flush();
    }

    private Result run() throws Exception {
        NetworkRig.checkPrerequisites();
        long runStart = System.currentTimeMillis();
        if (options.unsafeNoFencing()) log("NEGATIVE CONTROL: the agents run with fencing and the watchdog switched off");
        log("fault run on " + options.storeName() + (options.synchronous() ? "" : ", asynchronous replication") + ": seed=" + options.seed() + " (replay with -Dpgha.fault.seed=" + options.seed() + "), at most "
                + options.faults() + " faults, none started after " + options.faultPhase().toSeconds() + " s");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-fault-");
        Thread hook = new Thread(() -> {
            cleanUp();
            try {
                if (!options.keep() && cluster != null) cluster.deleteFiles();
            } catch (IOException e) {
                // the JVM is going away; /tmp keeps what could not be removed
            }
        }, "pgha-fault-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        Checker.Report report = null;
        Path evidence = null;
        try {
            rig = new NetworkRig(3);
            rig.create();
            cluster = new LocalCluster(dir, "fault", 3, options.portBase(), LocalCluster.defaultJavaCommand(),
                    options.synchronous() ? Map.of() : Map.of("synchronous_mode", "off"))
                    .withNodeHosts(NetworkRig::address, this::launchPrefix)
                    .withClientCidrs(NetworkRig.CIDRS);
            StoreMembers members = new StoreMembers.Zookeeper(cluster);
            if (options.etcd()) {
                int base = options.portBase();
                etcd = LocalEtcd.start(new LocalEtcd.Layout(NetworkRig::address, i -> StoreMembers.clientPort(base, i),
                        i -> base + 200 + i, NetworkRig::launchPrefix), 3);
                cluster.withEtcd(etcd.endpoints());
                members = new StoreMembers.Etcd(etcd);
            }
            cluster.writeConfigs();
            cluster.startAll();
            recordPids();
            long bootstrap = awaitMillis(this::steady, BOOTSTRAP_BOUND);
            if (bootstrap < 0) throw new IllegalStateException("the cluster in " + dir + " did not bootstrap to one primary and two"
                    + " streaming standbys within " + BOOTSTRAP_BOUND.toSeconds() + " s; see its nodeN/agent.log");
            log("cluster steady after " + Checker.secs(System.currentTimeMillis() - runStart) + ": primary "
                    + cluster.name(cluster.leader().orElseThrow()) + " in " + dir);

            workload = new Workload(cluster);
            workload.createTable();
            workload.start();
            if (awaitMillis(() -> workload.acknowledged() > 100, Duration.ofSeconds(60)) < 0)
                throw new IllegalStateException("the writers got no acknowledgements within 60 s");

            nemesis = new Nemesis(cluster, members, rig, random, options.portBase() + 100, options.portBase() + 399, startedPids);
            List<Checker.Fault> faults = new ArrayList<>();
            long deadline = runStart + options.faultPhase().toMillis();
            long finalConvergence = -1;
            List<FaultKind> plan = plan(random, options.faults(), options.kinds());
            for (int n = 0; n < plan.size(); n++) {
                if (System.currentTimeMillis() + FAULT_ESTIMATE.toMillis() > deadline) {
                    log("time budget reached after " + n + " faults");
                    break;
                }
                Thread.sleep(500 + random.nextInt(2_000)); // a random moment under continuous writes
                FaultKind kind = plan.get(n);
                // steady a moment ago; a leader briefly missing (a lease renewal in flight) is not yet a failure
                FaultRun.awaitMillis(this::hasLeader, Duration.ofSeconds(10));
                int leader = cluster.leader().orElseThrow(() -> new IllegalStateException("no primary right before the next fault"));
                String before = leaderAndTimeline();
                log("fault " + (n + 1) + ": " + kind.label + " (primary " + before + ")");
                Nemesis.Applied a = nemesis.inject(kind, leader);
                long converged = awaitMillis(this::steady, CONVERGENCE_BOUND);
                long convergedAt = converged < 0 ? -1 : System.currentTimeMillis();
                recordPids();
                String after = converged < 0 ? "not steady" : leaderAndTimeline();
                faults.add(new Checker.Fault(n + 1, kind, a.what(), a.startMs(), a.healMs(), convergedAt,
                        before.equals(after) ? "primary unchanged " + after : "primary " + before + " -> " + after));
                log("  " + a.what() + "; " + (converged < 0 ? "NOT steady within " + CONVERGENCE_BOUND.toSeconds() + " s"
                        : "steady " + Checker.secs(convergedAt - a.healMs()) + " after the heal, primary " + after));
                if (converged < 0) break;
                finalConvergence = convergedAt - a.healMs();
            }
            if (!faults.isEmpty() && faults.get(faults.size() - 1).convergedMs() < 0) finalConvergence = -1;
            // a last stretch of writes on the converged cluster, then the clients stop
            long acked = workload.acknowledged();
            awaitMillis(() -> workload.acknowledged() > acked + 50, Duration.ofSeconds(20));
            workload.close();
            long runEnd = System.currentTimeMillis();

            // not converged: still check against whichever node holds the lease and runs as primary
            int finalPrimary = cluster.leader().orElse(-1);
            Set<Long> ids = null;
            if (finalPrimary >= 0) {
                try {
                    ids = workload.idsOn(finalPrimary);
                } catch (java.sql.SQLException e) {
                    log("cannot read the final primary " + cluster.name(finalPrimary) + ": " + e.getMessage());
                }
            }
            Checker.Input in = new Checker.Input(workload.acks(), workload.probes(), history(), faults, ids, finalPrimary,
                    finalConvergence, CONVERGENCE_BOUND.toMillis(), runStart, runEnd, options.seed(), Workload.ENDPOINTS,
                    workload.reads());
            report = Checker.check(in);
            for (String line : report.details()) out.println(line);
            out.println(report.summary());
            out.println("(failed write attempts, retried: " + workload.failedAttempts() + "; writes the read-write proxy port handed"
                    + " to a standby: " + workload.proxyStandbyRefusals() + "; failed reads through the read-only port by SQLSTATE: "
                    + workload.readErrors() + "; probe answers that could not be read: " + workload.probeErrors()
                    + "; cluster files: " + dir + ")");
            out.flush();
            if (!report.ok()) evidence = saveEvidence(dir, report);
        } catch (Exception | Error e) {
            if (cluster != null) saveEvidence(dir, null);
            throw e;
        } finally {
            cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down; the hook runs cleanUp, which is idempotent
            }
            if (options.keep()) log("kept " + dir);
            else if (cluster != null) cluster.deleteFiles();
            else Files.deleteIfExists(dir);
        }
        return new Result(report, List.copyOf(leftBehind), evidence);
    }

    /** Node i's namespace, and for the negative control the unsafe switch in its processes' environment. */
    private List<String> launchPrefix(int i) {
        List<String> prefix = new ArrayList<>(NetworkRig.launchPrefix(i));
        if (options.unsafeNoFencing()) prefix.addAll(List.of("env", "PGHA_TEST_UNSAFE_NO_FENCING=1"));
        return prefix;
    }

    /** Rounds of every kind once, each round in a seeded order, until {@code count} faults. */
    static List<FaultKind> plan(Random random, int count, List<FaultKind> kinds) {
        List<FaultKind> plan = new ArrayList<>();
        while (plan.size() < count) {
            List<FaultKind> round = new ArrayList<>(kinds);
            Collections.shuffle(round, random);
            for (FaultKind k : round) if (plan.size() < count) plan.add(k);
        }
        return plan;
    }

    /**
     * One primary, every standby streaming from it on its timeline, and the synchronous set recording
     * every standby (in synchronous mode): LocalCluster.healthy() plus the timeline and the set.
     */
    private boolean steady() {
        try {
            if (!cluster.healthy()) return false;
            ClusterSnapshot s = cluster.snapshot();
            if (s.leader() == null) return false;
            String leader = s.leader().holder();
            Set<String> standbys = new HashSet<>();
            for (int i = 0; i < cluster.size(); i++) if (!cluster.name(i).equals(leader)) standbys.add(cluster.name(i));
            // a standby that diverged may flap between "streaming" and not; on the leader's timeline it cannot
            Member lead = s.members().get(leader);
            for (String name : standbys) {
                Member m = s.members().get(name);
                if (lead == null || m == null || m.timeline() != lead.timeline()) return false;
            }
            if (!options.synchronous()) return true;
            SyncState sync = s.sync();
            return sync != null && leader.equals(sync.leader()) && new HashSet<>(sync.members()).equals(standbys);
        } catch (Exception e) {
            return false;
        }
    }

    private boolean hasLeader() {
        try {
            return cluster.leader().isPresent();
        } catch (Exception e) {
            return false;
        }
    }

    private String leaderAndTimeline() {
        try {
            ClusterSnapshot s = cluster.snapshot();
            if (s.leader() == null) return "none";
            Member m = s.members().get(s.leader().holder());
            return s.leader().holder() + (m == null ? "" : " timeline " + m.timeline());
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Polls {@code condition} every 100 ms for at most {@code bound}; the time it took, or -1. */
    static long awaitMillis(BooleanSupplier condition, Duration bound) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + bound.toNanos();
        while (true) {
            if (condition.getAsBoolean()) return (System.nanoTime() - start) / 1_000_000;
            if (System.nanoTime() > end) return -1;
            Thread.sleep(100);
        }
    }

    private List<Checker.Promotion> history() {
        List<Checker.Promotion> out = new ArrayList<>();
        try {
            for (HistoryEntry h : cluster.history()) {
                for (int i = 0; i < cluster.size(); i++) {
                    if (cluster.name(i).equals(h.member())) out.add(new Checker.Promotion(i, (int) h.timeline(), h.atMillis()));
                }
            }
        } catch (Exception e) {
            log("could not read the store's promotion history: " + e);
        }
        return out;
    }

    private void recordPids() {
        for (int i = 0; i < cluster.size(); i++) {
            cluster.agent(i).ifPresent(p -> startedPids.add(p.pid()));
            cluster.postmaster(i).ifPresent(h -> startedPids.add(h.pid()));
        }
    }

    /** Logs that explain a broken invariant, copied before the cluster directory is removed. */
    private Path saveEvidence(Path dir, Checker.Report report) {
        try {
            Path base = Files.isDirectory(Path.of("target")) ? Path.of("target", "fault-evidence") : dir.resolveSibling(dir.getFileName() + "-evidence");
            Path ev = base.resolve("seed-" + options.seed() + "-" + System.currentTimeMillis());
            Files.createDirectories(ev);
            for (int i = 0; i < cluster.size(); i++) {
                copyIfExists(cluster.agentLog(i), ev.resolve(cluster.name(i) + "-agent.log"));
                copyIfExists(cluster.storeLog(i), ev.resolve(cluster.name(i) + "-store.log"));
                if (etcd != null) copyIfExists(etcd.log(i), ev.resolve(cluster.name(i) + "-etcd.log"));
                // the start-up log and the logging collector's files
                Path run = cluster.nodeDir(i).resolve("data.run");
                if (!Files.isDirectory(run)) continue;
                try (var logs = Files.newDirectoryStream(run, "postgresql*")) {
                    for (Path f : logs) copyIfExists(f, ev.resolve(cluster.name(i) + "-" + f.getFileName()));
                }
            }
            if (workload != null) workload.writeLog(ev.resolve("acks.log"));
            if (report != null) {
                List<String> lines = new ArrayList<>(report.details());
                lines.add(report.summary());
                Files.write(ev.resolve("report.txt"), lines);
            }
            log("evidence saved in " + ev.toAbsolutePath());
            return ev;
        } catch (IOException e) {
            log("could not save the evidence: " + e);
            return null;
        }
    }

    private static void copyIfExists(Path from, Path to) throws IOException {
        if (Files.exists(from)) Files.copy(from, to);
    }

    /** Idempotent; also the shutdown hook: resume, stop, verify by PID, remove the namespaces. */
    private void cleanUp() {
        if (!cleanedUp.compareAndSet(false, true)) return;
        if (workload != null) workload.close();
        if (nemesis != null) nemesis.resumeAll();
        if (cluster != null) {
            recordPids();
            cluster.close();
            for (long pid : startedPids) {
                ProcessHandle.of(pid).filter(io.pgha.postgres.Processes::isRunning).ifPresent(h -> {
                    leftBehind.add("process " + pid + " (" + h.info().command().orElse("?") + ") still running after close");
                    h.destroyForcibly();
                });
            }
        }
        if (etcd != null) {
            List<Long> members = new ArrayList<>();
            for (int i = 0; i < 3; i++) if (etcd.pid(i) >= 0) members.add(etcd.pid(i));
            try {
                etcd.close();
            } catch (IOException e) {
                leftBehind.add("removing the etcd members' files failed: " + e.getMessage());
            }
            for (long pid : members) {
                ProcessHandle.of(pid).filter(io.pgha.postgres.Processes::isRunning).ifPresent(h -> {
                    leftBehind.add("etcd member " + pid + " still running after close");
                    h.destroyForcibly();
                });
            }
        }
        try {
            if (rig != null) rig.close();
            for (String l : NetworkRig.leftovers()) leftBehind.add(l + " still present after the rig was removed");
        } catch (IOException e) {
            leftBehind.add("removing the namespaces failed: " + e.getMessage());
        }
    }

    /**
     * bench/FaultBench.java: {@code --faults N [--seed S] [--minutes M] [--only kind,kind] [--store zookeeper|etcd]
     * [--async] [--unsafe-no-fencing] [--keep]}; exit 1
     * when an invariant broke, 2 when the rig cannot be built here.
     */
    public static void main(String[] args) throws Exception {
        int faults = 50;
        long seed = System.nanoTime();
        long minutes = 120;
        boolean keep = false;
        boolean onEtcd = false;
        boolean synchronous = true;
        boolean unsafe = false;
        List<FaultKind> kinds = List.of(FaultKind.values());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--faults" -> faults = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--minutes" -> minutes = Long.parseLong(args[++i]);
                case "--keep" -> keep = true;
                case "--async" -> synchronous = false;
                case "--unsafe-no-fencing" -> unsafe = true;
                case "--store" -> onEtcd = switch (args[++i]) {
                    case "etcd" -> true;
                    case "zookeeper" -> false;
                    default -> throw new IllegalArgumentException("--store takes zookeeper or etcd, not " + args[i]);
                };
                case "--only" -> kinds = java.util.Arrays.stream(args[++i].split(",")).map(FaultRun::kind).toList();
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (usage: --faults N [--seed S] [--minutes M] [--only kind,kind] [--store zookeeper|etcd] [--async]"
                        + " [--unsafe-no-fencing] [--keep])");
            }
        }
        Result r;
        try {
            r = run(new Options(seed, faults, Duration.ofMinutes(minutes), 22432, keep, kinds, onEtcd, synchronous, unsafe), System.out);
        } catch (NetworkRig.Unavailable e) {
            System.err.println("fault run cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        for (String l : r.leftBehind()) System.err.println("left behind: " + l);
        System.out.println("command: bench/run FaultBench --faults " + faults + " --seed " + seed
                + (kinds.size() < FaultKind.values().length ? " --only " + String.join(",", kinds.stream().map(k -> k.label).toList()) : "")
                + (onEtcd ? " --store etcd" : "") + (synchronous ? "" : " --async") + (unsafe ? " --unsafe-no-fencing" : "")
                + (keep ? " --keep" : ""));
        System.exit(r.report() != null && r.report().ok() && r.leftBehind().isEmpty() ? 0 : 1);
    }

    private static FaultKind kind(String label) {
        for (FaultKind k : FaultKind.values()) if (k.label.equals(label)) return k;
        throw new IllegalArgumentException("unknown fault kind " + label + "; one of "
                + java.util.Arrays.stream(FaultKind.values()).map(k -> k.label).toList());
    }
}
