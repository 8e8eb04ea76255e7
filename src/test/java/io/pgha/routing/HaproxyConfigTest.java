package io.pgha.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.pgha.admin.AdminActions;
import io.pgha.dcs.Member;
import io.pgha.ha.NodeState;
import io.pgha.postgres.PgState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rendered config against the real HAProxy binary: its own check, then routing between two agents' APIs. */
class HaproxyConfigTest {
    static final Path HAPROXY = Path.of("/usr/sbin/haproxy");
    static final int API1 = 18110;
    static final int API2 = 18111;
    static final int PG1 = 18112;
    static final int PG2 = 18113;
    static final int READ_WRITE = 18114;
    static final int READ_ONLY = 18115;

    static final List<HaproxyConfig.Node> THREE = List.of(
            new HaproxyConfig.Node("db1", "10.0.0.11", 5432, "10.0.0.11", 8008),
            new HaproxyConfig.Node("db2", "10.0.0.12", 5432, "10.0.0.12", 8008),
            new HaproxyConfig.Node("db3", "10.0.0.13", 5433, "10.0.1.13", 8009));

    @TempDir
    Path dir;

    @Test
    void renderedConfigPassesHaproxysOwnCheck() throws Exception {
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, HaproxyConfig.render("harness", THREE, 5000, 5001));
        Process check = new ProcessBuilder(haproxy(), "-c", "-f", cfg.toString()).redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        assertThat(output).contains("Configuration file is valid").doesNotContainIgnoringCase("warning");
    }

    @Test
    void renderedConfigChecksThePrimaryAndTheReplicas() {
        String cfg = HaproxyConfig.render("harness", THREE, 5000, 5001);
        assertThat(cfg).contains("global\n", "defaults\n", "    mode tcp\n", "    timeout client 30m\n", "    timeout server 30m\n");

        String rw = section(cfg, "listen harness_read_write");
        assertThat(rw).contains("    bind *:5000\n", "    option httpchk\n", "    http-check send meth GET uri /primary\n",
                "    http-check expect status 200\n",
                "    default-server inter 1s fall 2 rise 1 fastinter 500ms on-marked-down shutdown-sessions\n",
                "    server db1 10.0.0.11:5432 check port 8008\n",
                "    server db2 10.0.0.12:5432 check port 8008\n",
                "    server db3 10.0.0.13:5433 check addr 10.0.1.13 port 8009\n");

        String ro = section(cfg, "listen harness_read_only");
        assertThat(ro).contains("    bind *:5001\n", "    balance roundrobin\n", "    http-check send meth GET uri /replica\n",
                "    http-check expect status 200\n", "    server db1 10.0.0.11:5432 check port 8008\n",
                "    server db1_primary 10.0.0.11:5432 backup track harness_read_write/db1\n",
                "    server db3_primary 10.0.0.13:5433 backup track harness_read_write/db3\n");
        assertThat(ro.lines().filter(l -> l.trim().startsWith("server ")).count()).isEqualTo(6);
    }

    @Test
    void nodeOfAMemberUsesItsApiUrl() {
        Member m = new Member("db2", "10.0.0.12", 5432, "http://10.0.1.12:8008", Member.REPLICA, PgState.STREAMING, 1, 0,
                false, 0, List.of(), null, 0);
        assertThat(HaproxyConfig.Node.of(m)).isEqualTo(new HaproxyConfig.Node("db2", "10.0.0.12", 5432, "10.0.1.12", 8008));
    }

    @Test
    void refusesWhatHaproxyWouldMisread() {
        assertThatThrownBy(() -> new HaproxyConfig.Node("db 1", "10.0.0.1", 5432, "10.0.0.1", 8008)).hasMessageContaining("db 1");
        assertThatThrownBy(() -> new HaproxyConfig.Node("db1", "10.0.0.1", 0, "10.0.0.1", 8008)).hasMessageContaining("pgPort");
        assertThatThrownBy(() -> HaproxyConfig.render("harness", THREE, 5000, 5000)).hasMessageContaining("must differ");
        assertThatThrownBy(() -> HaproxyConfig.render("my cluster", THREE, 5000, 5001)).hasMessageContaining("my cluster");
        assertThatThrownBy(() -> HaproxyConfig.render("harness", List.of(THREE.get(0), THREE.get(0)), 5000, 5001))
                .hasMessageContaining("same name");
    }

    /**
     * HAProxy runs the rendered config (bound to loopback) against two real REST APIs whose node states the test
     * sets; each "PostgreSQL" is a socket that says its node's name, so a client sees where HAProxy sent it.
     */
    @Test
    @SuppressWarnings("try") // the resources only need to be open
    void haproxyRoutesByTheAgentsAnswers() throws Exception {
        AtomicReference<NodeState> node1 = new AtomicReference<>(RestApiTest.node("node1", RestApiTest.primaryPg(),
                RestApiTest.view("node1", List.of("node2")), true, true, System.currentTimeMillis()));
        AtomicReference<NodeState> node2 = new AtomicReference<>(RestApiTest.replica());
        AdminActions actions = new RestApiTest.RecordingActions();
        List<HaproxyConfig.Node> nodes = List.of(new HaproxyConfig.Node("node1", "127.0.0.1", PG1, "127.0.0.1", API1),
                new HaproxyConfig.Node("node2", "127.0.0.1", PG2, "127.0.0.1", API2));
        String cfg = HaproxyConfig.render("demo", nodes, READ_WRITE, READ_ONLY).replace("bind *:", "bind 127.0.0.1:");
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg);

        Process haproxy = null;
        try (RestApi api1 = new RestApi("127.0.0.1", API1, node1::get, actions, ApiAuth.none());
             RestApi api2 = new RestApi("127.0.0.1", API2, node2::get, actions, ApiAuth.none());
             NameServer pg1 = new NameServer(PG1, "node1");
             NameServer pg2 = new NameServer(PG2, "node2")) {
            api1.start();
            api2.start();
            haproxy = new ProcessBuilder(haproxy(), "-db", "-f", file.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();

            awaitRoute(READ_WRITE, "node1");
            awaitRoute(READ_ONLY, "node2");

            // the only replica stops: reads fall back to the primary
            node2.set(RestApiTest.node("node2", RestApiTest.stoppedPg(), RestApiTest.view("node1", List.of("node2")),
                    false, true, System.currentTimeMillis()));
            awaitRoute(READ_ONLY, "node1");
            awaitRoute(READ_WRITE, "node1");

            // it streams again: reads leave the primary
            node2.set(RestApiTest.replica());
            awaitRoute(READ_ONLY, "node2");

            // switchover: node2 holds the lease and is primary, node1 follows it
            var view = RestApiTest.view("node2", List.of("node1"));
            node1.set(RestApiTest.node("node1", RestApiTest.standbyPg(RestApiTest.LEADER_LSN, 2), view, false, true,
                    System.currentTimeMillis()));
            node2.set(RestApiTest.node("node2", RestApiTest.primaryPg(), view, true, true, System.currentTimeMillis()));
            awaitRoute(READ_WRITE, "node2");
            awaitRoute(READ_ONLY, "node1");
        } finally {
            if (haproxy != null) {
                haproxy.destroy();
                if (!haproxy.waitFor(10, TimeUnit.SECONDS)) haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    static void awaitRoute(int port, String expected) {
        await("port " + port + " routes to " + expected).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> whoAnswers(port), expected::equals);
    }

    /** The name the server behind HAProxy writes, or null when HAProxy had nowhere to send the connection. */
    static String whoAnswers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            s.setSoTimeout(2000);
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        } catch (IOException e) {
            return null;
        }
    }

    /** Stands in for a PostgreSQL server: writes its node name to each connection and closes it. */
    static final class NameServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread acceptor;

        NameServer(int port, String name) throws IOException {
            socket = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"));
            acceptor = Thread.ofVirtual().name("name-server-" + name).start(() -> {
                while (!socket.isClosed()) {
                    try (Socket c = socket.accept(); OutputStream out = c.getOutputStream()) {
                        out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        // closed by close(), or a client that went away
                    }
                }
            });
        }

        @Override
        public void close() throws IOException {
            socket.close();
            try {
                acceptor.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String section(String cfg, String header) {
        int start = cfg.indexOf(header + "\n");
        assertThat(start).as(header).isNotNegative();
        int end = cfg.indexOf("\n\n", start);
        return end < 0 ? cfg.substring(start) : cfg.substring(start, end + 1);
    }

    static String haproxy() {
        if (!Files.isExecutable(HAPROXY)) fail(HAPROXY + " is missing: apt-get install haproxy");
        return HAPROXY.toString();
    }
}
