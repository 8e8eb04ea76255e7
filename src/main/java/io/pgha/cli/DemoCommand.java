package io.pgha.cli;

import io.pgha.demo.LocalCluster;
import io.pgha.ha.ClusterReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Start a three-node cluster on this machine and keep it running until Ctrl-C.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--dir", description = "where the demo's data goes (default: a new directory under /tmp)")
    Path dir;

    @Option(names = "--port", defaultValue = "15432",
            description = "first PostgreSQL port (default ${DEFAULT-VALUE}); ZooKeeper uses port+100..port+399, the"
                    + " REST API port+400.., the read-write proxy port+500.., the read-only proxy port+600..")
    int port;

    @Option(names = "--keep", description = "keep the demo's data directories after it stops")
    boolean keep;

    @Option(names = "--ready-timeout", defaultValue = "120", description = "seconds to wait for the cluster (default ${DEFAULT-VALUE})")
    int readyTimeout;

    @Override
    public Integer call() throws Exception {
        if (port < 1024 || port > 65000) throw new UsageError("--port must be between 1024 and 65000");
        Path base = dir != null ? dir.toAbsolutePath() : Files.createTempDirectory(Path.of("/tmp"), "pgha-demo-");
        if (dir != null && Files.isDirectory(base)) {
            try (var s = Files.list(base)) {
                if (s.findAny().isPresent())
                    throw new UsageError("--dir " + base + " is not empty: name a new or empty directory");
            }
        }
        LocalCluster cluster = new LocalCluster(base, "demo", 3, port, LocalCluster.privateJavaCommand(base.resolve("lib")), Map.of());
        List<String> busy = cluster.busyPorts();
        if (!busy.isEmpty()) {
            if (dir == null) Files.deleteIfExists(base);
            throw new UsageError("ports already in use: " + String.join(", ", busy)
                    + ". Another demo may be running; stop it or pass --port with another base");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.out.println("\nstopping the demo...");
            cluster.close();
            if (!keep) {
                try {
                    cluster.deleteFiles();
                    System.out.println("removed " + base);
                } catch (Exception e) {
                    System.err.println("could not remove " + base + ": " + e.getMessage());
                }
            } else {
                System.out.println("kept " + base);
            }
            stopped.countDown();
        }, "demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);

        long t0 = System.nanoTime();
        cluster.writeConfigs();
        cluster.startAll();
        System.out.println("starting three store processes and three agents in " + base
                + " (logs: " + base + "/node*/store.log, " + base + "/node*/agent.log)");
        long deadline = t0 + readyTimeout * 1_000_000_000L;
        while (!cluster.healthy()) {
            if (System.nanoTime() > deadline) {
                System.err.println("the cluster is not ready after " + readyTimeout + " s; see " + base + "/node*/agent.log");
                System.exit(1);
            }
            for (int i = 0; i < 3; i++) {
                if (cluster.agent(i).isEmpty()) {
                    System.err.println(cluster.name(i) + "'s agent exited; see " + cluster.agentLog(i));
                    System.exit(1);
                }
                if (cluster.hostsStore(i) && cluster.store(i).isEmpty()) {
                    System.err.println(cluster.name(i) + "'s store process exited; see " + cluster.storeLog(i));
                    System.exit(1);
                }
            }
            Thread.sleep(100);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        String me = System.getProperty("pgha.launcher", "pgha");
        System.out.printf("%nready in %.1f s: one primary and two streaming standbys%n%n", secs);
        System.out.print(ClusterTable.render(ClusterReport.of("demo", cluster.snapshot())));
        System.out.println();
        System.out.println("connect through pgha's proxy (every node forwards to the primary):");
        System.out.println("  PGPASSFILE=" + base.resolve("pgpass") + " psql '" + cluster.proxyUrl() + "'");
        System.out.println("or straight to PostgreSQL (libpq finds the primary):");
        System.out.println("  PGPASSFILE=" + base.resolve("pgpass") + " psql '" + cluster.connectionUrl() + "'");
        System.out.println("health checks (Patroni-compatible): curl -s http://127.0.0.1:" + cluster.apiPort(0) + "/cluster");
        System.out.println("show the cluster:");
        System.out.println("  " + me + " list --dcs " + cluster.zkConnect() + " --cluster demo");
        System.out.println("  " + me + " list -c " + cluster.configFile(0));
        System.out.println("\nCtrl-C stops every process of the demo" + (keep ? "." : " and removes its data."));
        stopped.await();
        return 0;
    }
}
