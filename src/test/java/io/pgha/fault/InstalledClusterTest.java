package io.pgha.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.pgha.config.ConfigLoader;
import io.pgha.config.NodeConfig;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.dcs.Store;
import io.pgha.dcs.Stores;
import io.pgha.postgres.PgState;
import io.pgha.testing.AckedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: three "VMs" (network namespaces with their own addresses, as the fault suite builds them) run the
 * installed package's {@code pgha store} and {@code pgha agent} with the configs and secrets {@code pgha init} wrote:
 * the cluster forms, a kill -9 of the primary's node fails over without losing an acknowledged write, and the node
 * rejoins as a standby. The three share one filesystem, so each node's {@code /etc/pgha} and {@code /var/lib/pgha}
 * are re-rooted under its own directory; nothing else in the generated files is changed.
 *
 * <p>Not part of {@code ./test}'s default selection: {@code .ci/package-check} runs it after installing the .deb, with
 * {@code -Dtest=InstalledClusterTest -Dpgha.installed=/usr/bin/pgha}. Needs root.
 */
class InstalledClusterTest {
    static final Duration BOUND = Duration.ofSeconds(120);
    static final int NODES = 3;

    final List<Process> started = new ArrayList<>();
    final Process[] agents = new Process[NODES];
    final Process[] stores = new Process[NODES];
    Path dir;
    Path pgha;

    @Test
    void theInstalledPackageFormsAClusterFromPghaInitsFilesFailsOverAndRejoins() throws Exception {
        String installed = System.getProperty("pgha.installed");
        if (installed == null) fail("run with -Dpgha.installed=/usr/bin/pgha after installing the package (.ci/package-check does)");
        pgha = Path.of(installed);
        assertThat(Files.isExecutable(pgha)).as(pgha + " is an executable pgha").isTrue();
        try {
            NetworkRig.checkPrerequisites();
        } catch (NetworkRig.Unavailable e) {
            fail("this test builds network namespaces: " + e.getMessage());
        }
        dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-installed-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (NetworkRig rig = new NetworkRig(NODES)) {
            rig.create();
            run(List.of(pgha.toString(), "init", "--cluster", "inst", "--node", "db1=" + NetworkRig.address(0),
                    "--node", "db2=" + NetworkRig.address(1), "--node", "db3=" + NetworkRig.address(2),
                    "--allow", "10.77.0.0/24", "--out", dir.resolve("init").toString()));
            List<Path> configs = new ArrayList<>();
            for (int i = 0; i < NODES; i++) configs.add(installNode(i));
            NodeConfig config = ConfigLoader.load(configs.get(0));
            for (int i = 0; i < NODES; i++) stores[i] = launch(i, "store", configs.get(i));
            for (int i = 0; i < NODES; i++) agents[i] = launch(i, "agent", configs.get(i));
            try (Store store = Stores.openForClient(config.dcs(), "inst", Duration.ofSeconds(20), Duration.ofSeconds(90))) {
                Properties props = superuser(config);
                await().atMost(BOUND).pollInterval(Duration.ofMillis(500)).until(() -> healthy(store, props, Set.of(0, 1, 2)));
                int old = leader(store.snapshot()).orElseThrow();
                String url = "jdbc:postgresql://" + hosts(config) + "/postgres?targetServerType=primary&connectTimeout=2&loginTimeout=4";
                try (Connection c = DriverManager.getConnection(url, props); Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE acked (id int PRIMARY KEY)");
                }
                AckedWriter writer = new AckedWriter(url, props, 0);
                try {
                    await().atMost(BOUND).until(() -> writer.count() > 100);
                    killNode(old, configs.get(old));
                    await().atMost(BOUND).pollInterval(Duration.ofMillis(100))
                            .until(() -> leader(store.snapshot()).filter(l -> l != old).isPresent());
                    int afterKill = writer.count();
                    await().atMost(BOUND).until(() -> writer.count() > afterKill + 100);
                    stores[old] = launch(old, "store", configs.get(old));
                    agents[old] = launch(old, "agent", configs.get(old));
                    await().atMost(BOUND).pollInterval(Duration.ofMillis(500)).until(() -> healthy(store, props, Set.of(0, 1, 2)));
                } finally {
                    writer.close();
                }
                Set<Integer> present = new HashSet<>();
                try (Connection c = DriverManager.getConnection(url, props); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT id FROM acked")) {
                    while (rs.next()) present.add(rs.getInt(1));
                }
                assertThat(writer.acknowledged()).as("acknowledged writes on the new primary").allMatch(present::contains);
                assertThat(store.snapshot().members().get("db" + (old + 1)).role()).as("the old primary rejoined")
                        .isEqualTo(Member.REPLICA);
            }
        } finally {
            stopAll();
            deleteTree(dir);
        }
    }

    /** Node i's folder from pgha init, installed as a VM's /etc/pgha would be, with its paths re-rooted. */
    Path installNode(int i) throws IOException {
        Path node = dir.resolve("db" + (i + 1));
        Path etc = Files.createDirectories(node.resolve("etc"));
        Path var = Files.createDirectories(node.resolve("var"));
        for (Path p : List.of(node, var)) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (Stream<Path> files = Files.list(dir.resolve("init").resolve("db" + (i + 1)))) {
            for (Path f : files.toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f + "'s mode").isEqualTo("rw-------");
                Files.copy(f, etc.resolve(f.getFileName()));
            }
        }
        Path config = etc.resolve("pgha.yaml");
        Files.writeString(config, Files.readString(config).replace("/etc/pgha/", etc + "/").replace("/var/lib/pgha/", var + "/"));
        return config;
    }

    Process launch(int i, String what, Path config) throws IOException {
        Path log = config.getParent().getParent().resolve(what + ".log");
        Process p = new ProcessBuilder(List.of("ip", "netns", "exec", NetworkRig.namespace(i), pgha.toString(), what, "-c", config.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        started.add(p);
        return p;
    }

    /** A node crash: its agent, its store process and its PostgreSQL, kill -9 at once. */
    void killNode(int i, Path config) throws Exception {
        Optional<ProcessHandle> pm = postmaster(config);
        agents[i].destroyForcibly();
        stores[i].destroyForcibly();
        pm.ifPresent(ProcessHandle::destroyForcibly);
        assertThat(agents[i].waitFor(10, TimeUnit.SECONDS)).as("agent gone").isTrue();
        assertThat(stores[i].waitFor(10, TimeUnit.SECONDS)).as("store gone").isTrue();
        assertThat(pm).as("db%d's postmaster", i + 1).isPresent();
    }

    Optional<ProcessHandle> postmaster(Path config) throws Exception {
        Path pid = ConfigLoader.load(config).postgres().dataDir().resolve("postmaster.pid");
        if (!Files.exists(pid)) return Optional.empty();
        return ProcessHandle.of(Long.parseLong(Files.readAllLines(pid).get(0).strip())).filter(ProcessHandle::isAlive);
    }

    static Optional<Integer> leader(ClusterSnapshot s) {
        if (s.leader() == null) return Optional.empty();
        Member m = s.members().get(s.leader().holder());
        if (m == null || !Member.LEADER.equals(m.role())) return Optional.empty();
        return Optional.of(Integer.parseInt(s.leader().holder().substring(2)) - 1);
    }

    /** One primary, every other node streaming from it, as the store and the primary's PostgreSQL both say. */
    static boolean healthy(Store store, Properties props, Set<Integer> nodes) {
        try {
            ClusterSnapshot s = store.snapshot();
            Optional<Integer> lead = leader(s);
            if (lead.isEmpty()) return false;
            for (int i : nodes) {
                if (i == lead.get()) continue;
                Member m = s.members().get("db" + (i + 1));
                if (m == null || m.state() != PgState.STREAMING || !s.leader().holder().equals(m.upstream())) return false;
            }
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + NetworkRig.address(lead.get())
                    + ":5432/postgres?connectTimeout=2", props); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT NOT pg_is_in_recovery() AND (SELECT count(*) FROM pg_stat_replication"
                         + " WHERE state = 'streaming') = " + (nodes.size() - 1))) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (Exception e) {
            return false;
        }
    }

    static Properties superuser(NodeConfig config) throws IOException {
        Properties p = new Properties();
        p.setProperty("user", config.postgres().superuser());
        p.setProperty("password", Files.readString(config.postgres().superuserPasswordFile()).strip());
        p.setProperty("socketTimeout", "5");
        return p;
    }

    static String hosts(NodeConfig config) {
        List<String> hosts = new ArrayList<>();
        for (int i = 0; i < NODES; i++) hosts.add(NetworkRig.address(i) + ":" + config.postgres().port());
        return String.join(",", hosts);
    }

    static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(String.join(" ", command) + "\n" + out).isZero();
    }

    /** SIGTERM to every agent (it stops its PostgreSQL), then the stores; SIGKILL what outlives 30 s; then any postmaster left. */
    void stopAll() throws Exception {
        List<Process> order = new ArrayList<>();
        for (Process a : agents) if (a != null) order.add(a);
        for (Process s : stores) if (s != null) order.add(s);
        for (Process p : started) if (!order.contains(p)) order.add(p);
        for (Process p : order) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (dir == null) return;
        for (int i = 0; i < NODES; i++) {
            Path config = dir.resolve("db" + (i + 1)).resolve("etc").resolve("pgha.yaml");
            if (Files.exists(config)) postmaster(config).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root) || Boolean.getBoolean("pgha.keep")) return;
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
