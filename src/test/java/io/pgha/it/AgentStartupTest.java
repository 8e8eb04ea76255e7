package io.pgha.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.demo.LocalCluster;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pgha agent -c} (and {@code pgha store -c}) run as a real process with bad input: it must refuse at start
 * with a message naming the field and the fix, exit non-zero, and leave the disk as it was.
 */
class AgentStartupTest {
    static final int PG_PORT = 26432;
    Path dir;
    Path dataDir;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-startup-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        dataDir = dir.resolve("data");
        for (String f : List.of("su.pw", "repl.pw")) {
            Path p = dir.resolve(f);
            Files.writeString(p, "secret-" + f + "\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        }
    }

    @AfterEach
    void tearDown() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    String config(String extraPostgres, String extraTop) {
        return "cluster: startup\nname: node1\nhost: 127.0.0.1\n"
                + "postgres:\n  data_dir: " + dataDir + "\n  port: " + PG_PORT + "\n"
                + "  superuser_password_file: " + dir.resolve("su.pw") + "\n"
                + "  replication_password_file: " + dir.resolve("repl.pw") + "\n" + extraPostgres
                + "dcs:\n  zookeeper:\n    embedded: true\n    data_dir: " + dir.resolve("zk") + "\n"
                + "    peers: [{name: node1, host: 127.0.0.1, client_port: 26532, quorum_port: 26632, election_port: 26732}]\n"
                + "api: {listen: '127.0.0.1:26832'}\nproxy: {read_write_port: 26932, read_only_port: 26933}\n"
                + extraTop;
    }

    record Run(int exit, String stderr) {}

    Run agent(String yaml) throws Exception {
        return run("agent", yaml);
    }

    Run run(String subcommand, String yaml) throws Exception {
        Path cfg = dir.resolve("node.yaml");
        Files.writeString(cfg, yaml);
        List<String> cmd = new ArrayList<>(LocalCluster.defaultJavaCommand());
        cmd.addAll(List.of(subcommand, "-c", cfg.toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pgha " + subcommand + " did not refuse its config; it kept running");
        }
        return new Run(p.exitValue(), err);
    }

    void assertRefused(Run r, String... fragments) throws IOException {
        assertThat(r.exit()).as("exit code; stderr: %s", r.stderr()).isEqualTo(2);
        assertThat(r.stderr()).contains("configuration refused").contains(fragments);
        assertThat(Files.exists(dir.resolve("zk"))).as("no ZooKeeper data written").isFalse();
    }

    @Test
    void portInUseIsRefused() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("127.0.0.1", PG_PORT));
            assertRefused(agent(config("", "")), "postgres.port: 127.0.0.1:" + PG_PORT + " is already in use",
                    "choose another port");
        }
        assertThat(Files.exists(dataDir)).isFalse();
    }

    @Test
    void theStoresPortInUseIsRefusedByTheStoreNotByTheAgentWhoseStoreHoldsIt() throws Exception {
        try (ServerSocket busy = new ServerSocket()) {
            busy.bind(new InetSocketAddress("127.0.0.1", 26532));
            assertRefused(run("store", config("", "")), "dcs.zookeeper.peers[node1].client_port: 127.0.0.1:26532 is already in use");
            // the agent leaves that port to its store process, and refuses on something else here
            Run agent = agent(config("  bin_dir: /opt/no-such-postgres/bin\n", ""));
            assertRefused(agent, "postgres.bin_dir");
            assertThat(agent.stderr()).doesNotContain("client_port");
        }
    }

    @Test
    void aNodeThatIsNotAmongThePeersRunsNoStore() throws Exception {
        assertRefused(run("store", config("", "").replace("{name: node1,", "{name: node9,")),
                "dcs.zookeeper.peers: node node1 is not among the peers", "run only pgha agent");
    }

    @Test
    void missingBinaryDirectoryIsRefused() throws Exception {
        assertRefused(agent(config("  bin_dir: /opt/no-such-postgres/bin\n", "")),
                "postgres.bin_dir: /opt/no-such-postgres/bin does not exist", "apt-get install postgresql-15");
    }

    @Test
    void nonEmptyDataDirectoryThatIsNotAMemberIsRefusedAndLeftAlone() throws Exception {
        Files.createDirectories(dataDir);
        Path precious = dataDir.resolve("precious.txt");
        Files.writeString(precious, "keep me");
        assertRefused(agent(config("", "")), "postgres.data_dir: " + dataDir + " is not empty and is not a pgha member");
        try (Stream<Path> s = Files.list(dataDir)) {
            assertThat(s.toList()).containsExactly(precious);
        }
        assertThat(Files.readString(precious)).isEqualTo("keep me");
    }

    @Test
    void unknownKeyIsRefused() throws Exception {
        assertRefused(agent(config("  listen_adress: 127.0.0.1\n", "")),
                "unknown config key 'postgres.listen_adress'", "did you mean 'listen'");
    }

    @Test
    void invalidCidrIsRefused() throws Exception {
        assertRefused(agent(config("  allowed_client_cidrs: [10.0.0.0/33]\n", "")),
                "postgres.allowed_client_cidrs[0]: '10.0.0.0/33' has a prefix length outside 0..32");
    }

    @Test
    void timingThatBreaksFencingIsRefused() throws Exception {
        assertRefused(agent(config("", "ha:\n  ttl: 1s\n  loop_wait: 500ms\n  fence_margin: 600ms\n")),
                "ha.fence_margin: 600ms is more than half of ha.ttl", "raise ha.ttl");
    }

    @Test
    void passwordFileReadableByOthersIsRefused() throws Exception {
        Files.setPosixFilePermissions(dir.resolve("su.pw"), PosixFilePermissions.fromString("rw-r--r--"));
        assertRefused(agent(config("", "")), "postgres.superuser_password_file", "chmod 600");
    }
}
