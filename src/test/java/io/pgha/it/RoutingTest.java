package io.pgha.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import io.pgha.testing.BindServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every way a client reaches the primary, against the real thing each serves: the REST API's status
 * codes, pgha's TCP proxy on every node, a real HAProxy with the config pgha prints, and a real BIND whose
 * record follows the leader through a switchover and a failover.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoutingTest {
    static final Duration BOUND = Duration.ofSeconds(90);
    static final int DNS_PORT = 20053;
    static final int HAPROXY_RW = 21901;
    static final int HAPROXY_RO = 21902;
    static final String RECORD = "primary.db.pgha.test.";

    LocalCluster cluster;
    BindServer bind;
    Process haproxy;
    Path haproxyConfig;
    Path callbackLog;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void start() throws Exception {
        bind = new BindServer(DNS_PORT);
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-routing-");
        Path secret = dir.resolve("tsig.secret");
        callbackLog = dir.resolve("callbacks.log");
        Path callback = dir.resolve("callback.sh");
        Files.writeString(callback, "#!/bin/sh\necho \"$*\" >> " + callbackLog + "\n");
        Files.setPosixFilePermissions(callback, PosixFilePermissions.fromString("rwx------"));
        cluster = new LocalCluster(dir, "routing", 3, 20432, LocalCluster.defaultJavaCommand(), Map.of())
                .withExtraConfig(i -> "dns:\n  server: 127.0.0.1\n  port: " + DNS_PORT + "\n  zone: pgha.test\n"
                        + "  record: primary.db\n  ttl: 1\n  tsig_key_name: " + BindServer.KEY + "\n"
                        + "  tsig_secret_file: " + secret + "\n  target: node" + (i + 1) + ".pgha.test\n"
                        + "callbacks:\n  on_start: [" + callback + ", node" + (i + 1) + "]\n"
                        + "  on_role_change: [" + callback + ", node" + (i + 1) + "]\n  timeout: 5s\n");
        assertThat(cluster.busyPorts()).isEmpty();
        cluster.writeConfigs();
        Files.createFile(secret, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(secret, Files.readString(bind.secretFile()));
        cluster.startAll();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (haproxy != null) {
                haproxy.destroy();
                if (!haproxy.waitFor(10, TimeUnit.SECONDS)) haproxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            cluster.close();
        } finally {
            if (!Boolean.getBoolean("pgha.keep")) cluster.deleteFiles();
            bind.close();
        }
    }

    int status(String method, int node, String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.apiPort(node) + path))
                .timeout(Duration.ofSeconds(5));
        if (auth != null) b.header("Authorization", auth);
        b.method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        return http.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    Connection connect(int port) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", cluster.superuserPassword());
        p.setProperty("connectTimeout", "2");
        p.setProperty("socketTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }

    /** One write through the given port; returns the port of the PostgreSQL that took it. */
    int writeThrough(int port) throws Exception {
        try (Connection c = connect(port); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS routed (at timestamptz DEFAULT now())");
            st.execute("INSERT INTO routed DEFAULT VALUES");
            try (ResultSet rs = st.executeQuery("SELECT inet_server_port()")) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    int leader() throws Exception {
        return cluster.leader().orElseThrow();
    }

    String token() throws Exception {
        return "Bearer " + Files.readString(cluster.apiTokenFile()).strip();
    }

    @Test
    @Order(1)
    void restApiAnswersPatronisStatusCodesOnEachRoleAndRefusesBadRequests() throws Exception {
        int lead = leader();
        for (int i = 0; i < 3; i++) {
            boolean primary = i == lead;
            assertThat(status("GET", i, "/primary", null)).as("node %d /primary", i).isEqualTo(primary ? 200 : 503);
            assertThat(status("GET", i, "/", null)).isEqualTo(primary ? 200 : 503);
            assertThat(status("HEAD", i, "/leader", null)).isEqualTo(primary ? 200 : 503);
            assertThat(status("GET", i, "/replica", null)).as("node %d /replica", i).isEqualTo(primary ? 503 : 200);
            assertThat(status("GET", i, "/replica?lag=1GB", null)).isEqualTo(primary ? 503 : 200);
            assertThat(status("GET", i, "/read-only", null)).isEqualTo(200);
            assertThat(status("GET", i, "/health", null)).isEqualTo(200);
            assertThat(status("GET", i, "/liveness", null)).isEqualTo(200);
            assertThat(status("GET", i, "/readiness", null)).isEqualTo(200);
        }
        assertThat(status("GET", lead, "/replica?lag=banana", null)).isEqualTo(400);
        assertThat(status("GET", lead, "/no-such-path", null)).isEqualTo(404);
        assertThat(status("POST", lead, "/switchover", null)).isEqualTo(401);
        assertThat(status("POST", lead, "/switchover", "Bearer wrong-token")).isEqualTo(401);
        assertThat(status("POST", lead, "/restart", null)).isEqualTo(401);
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.apiPort(lead) + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("# TYPE pgha_timeline gauge").contains("pgha_failovers_total");
    }

    @Test
    @Order(2)
    void theReadOnlyProxyNeverLandsOnThePrimaryWhileAStandbyStreams() throws Exception {
        int lead = leader();
        for (int node = 0; node < 3; node++) {
            for (int k = 0; k < 6; k++) {
                try (Connection c = connect(cluster.readOnlyProxyPort(node)); Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(), inet_server_port()")) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).as("read-only proxy of node %d reached port %d", node, rs.getInt(2)).isTrue();
                    assertThat(rs.getInt(2)).isNotEqualTo(cluster.pgPort(lead));
                }
            }
        }
    }

    @Test
    @Order(3)
    void dnsAndEveryProxyPointAtTheLeaderAndHaproxyRoutesWrites() throws Exception {
        int lead = leader();
        await().atMost(BOUND).until(() -> bind.answers(RECORD).equals(Set.of("CNAME node" + (lead + 1) + ".pgha.test.")));
        for (int node = 0; node < 3; node++) assertThat(writeThrough(cluster.proxyPort(node))).isEqualTo(cluster.pgPort(lead));

        List<String> cmd = new ArrayList<>(LocalCluster.defaultJavaCommand());
        cmd.addAll(List.of("haproxy-config", "-c", cluster.configFile(0).toString(), "--read-write-port",
                String.valueOf(HAPROXY_RW), "--read-only-port", String.valueOf(HAPROXY_RO)));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String config = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(config).contains("/primary").contains("/replica").contains("on-marked-down shutdown-sessions");
        // the printed config listens on every interface; this test keeps its traffic on loopback
        haproxyConfig = cluster.dir().resolve("haproxy.cfg");
        Files.writeString(haproxyConfig, config.replace("bind *:", "bind 127.0.0.1:").replaceAll("(?m)^\\s*log .*$", ""));
        if (!Files.isExecutable(Path.of("/usr/sbin/haproxy"))) throw new AssertionError("HAProxy is missing: apt-get install haproxy");
        haproxy = new ProcessBuilder("/usr/sbin/haproxy", "-db", "-f", haproxyConfig.toString())
                .redirectErrorStream(true).redirectOutput(cluster.dir().resolve("haproxy.log").toFile()).start();
        await().atMost(BOUND).ignoreExceptions().pollInterval(Duration.ofMillis(200))
                .until(() -> writeThrough(HAPROXY_RW) == cluster.pgPort(lead));
        await().atMost(BOUND).ignoreExceptions().pollInterval(Duration.ofMillis(200)).until(() -> {
            try (Connection c = connect(HAPROXY_RO); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                rs.next();
                return rs.getBoolean(1);
            }
        });
    }

    @Test
    @Order(4)
    void aSwitchoverThroughTheApiDisconnectsProxyClientsOfTheOldPrimaryAndMovesDns() throws Exception {
        int old = leader();
        int entry = (old + 1) % 3;
        try (Connection held = connect(cluster.proxyPort(entry)); Statement st = held.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT inet_server_port()")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(cluster.pgPort(old));
            }
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.apiPort(entry) + "/switchover"))
                    .header("Authorization", token()).POST(HttpRequest.BodyPublishers.ofString("{\"leader\":\"" + cluster.name(old) + "\"}"))
                    .build();
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            await().atMost(BOUND).until(() -> cluster.leader().filter(l -> l != old).isPresent());
            await().atMost(BOUND).until(() -> {
                try (ResultSet rs = st.executeQuery("SELECT 1")) {
                    return false;
                } catch (SQLException e) {
                    return true;
                }
            });
        }
        int now = leader();
        await().atMost(BOUND).ignoreExceptions().until(() -> writeThrough(cluster.proxyPort(entry)) == cluster.pgPort(now));
        await().atMost(BOUND).until(() -> bind.answers(RECORD).equals(Set.of("CNAME node" + (now + 1) + ".pgha.test.")));
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        // the callbacks ran through the agents, without a shell, with Patroni's arguments: action, role, cluster
        await().atMost(BOUND).until(() -> Files.exists(callbackLog) && Files.readAllLines(callbackLog).containsAll(List.of(
                "node" + (now + 1) + " on_role_change primary routing", "node" + (old + 1) + " on_role_change replica routing")));
        assertThat(Files.readAllLines(callbackLog)).contains("node1 on_start unknown routing", "node2 on_start unknown routing",
                "node3 on_start unknown routing");
        assertThat(Files.readString(cluster.agentLog(now))).contains("on_role_change").contains("exit");
    }

    @Test
    @Order(5)
    void afterKillingThePrimaryNodeTwiceInARowWritesGoOnThroughEveryPathAndDnsFollows() throws Exception {
        for (int round = 0; round < 2; round++) {
            int old = leader();
            cluster.killNode(old);
            await().atMost(BOUND).until(() -> cluster.leader().filter(l -> l != old).isPresent());
            int now = leader();
            for (int node = 0; node < 3; node++) {
                if (node == old) continue;
                int port = cluster.proxyPort(node);
                await().atMost(BOUND).ignoreExceptions().until(() -> writeThrough(port) == cluster.pgPort(now));
            }
            await().atMost(BOUND).ignoreExceptions().pollInterval(Duration.ofMillis(200))
                    .until(() -> writeThrough(HAPROXY_RW) == cluster.pgPort(now));
            await().atMost(BOUND).until(() -> bind.answers(RECORD).equals(Set.of("CNAME node" + (now + 1) + ".pgha.test.")));
            cluster.start(old);
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        }
    }
}
