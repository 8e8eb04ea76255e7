package io.pgha.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.demo.LocalCluster;
import io.pgha.testing.TestClusters;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** The REST API's node actions carried out by real agents: each acts on the node whose API was called. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiTest {
    static final int PORT_BASE = 21432;

    LocalCluster cluster;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    void start() throws Exception {
        cluster = TestClusters.startHealthy("adminapi", PORT_BASE, Map.of());
    }

    @AfterAll
    void stop() throws Exception {
        TestClusters.stop(cluster);
    }

    HttpResponse<String> post(int node, String path) throws Exception {
        String token = Files.readString(cluster.apiTokenFile()).strip();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.apiPort(node) + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    int leader() throws Exception {
        return cluster.leader().orElseThrow();
    }

    /** The data directories moved aside next to node i's. */
    List<Path> movedAside(int node) throws IOException {
        try (Stream<Path> siblings = Files.list(cluster.nodeDir(node))) {
            return siblings.filter(p -> p.getFileName().toString().startsWith("data.moved-")).toList();
        }
    }

    @Test
    @Order(1)
    void restartOnAStandbysApiRestartsItsPostgresAndItStreamsAgain() throws Exception {
        int standby = (leader() + 1) % 3;
        long before = cluster.postmaster(standby).orElseThrow().pid();
        HttpResponse<String> r = post(standby, "/restart");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.body()).contains(cluster.name(standby) + " will restart PostgreSQL");
        await().atMost(TestClusters.BOUND).pollInterval(Duration.ofMillis(200)).until(() ->
                cluster.postmaster(standby).map(p -> p.pid() != before).orElse(false)
                        && cluster.snapshot().restart().isEmpty() && cluster.healthy());
        assertThat(movedAside(standby)).isEmpty();
    }

    @Test
    @Order(2)
    void reinitializeOnAStandbysApiMovesItsDataAsideAndItStreamsAgain() throws Exception {
        int standby = (leader() + 2) % 3;
        assertThat(movedAside(standby)).isEmpty();
        HttpResponse<String> r = post(standby, "/reinitialize");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        assertThat(r.body()).contains(cluster.name(standby) + " will move its data aside and clone");
        await().atMost(TestClusters.BOUND).pollInterval(Duration.ofMillis(200)).until(() ->
                movedAside(standby).size() == 1 && cluster.snapshot().reinit().isEmpty() && cluster.healthy());
        Path old = movedAside(standby).get(0);
        assertThat(old.resolve("PG_VERSION")).as("the old data directory, kept").exists();
        assertThat(cluster.dataDir(standby).resolve("PG_VERSION")).as("the fresh clone").exists();
    }

    @Test
    @Order(3)
    void reinitializeOnTheLeadersApiIsRefused() throws Exception {
        int lead = leader();
        HttpResponse<String> r = post(lead, "/reinitialize");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(412);
        assertThat(r.body()).contains(cluster.name(lead) + " is the leader: switch over first");
        assertThat(cluster.snapshot().reinit()).isEmpty();
        assertThat(movedAside(lead)).isEmpty();
        assertThat(leader()).isEqualTo(lead);
    }

    @Test
    @Order(4)
    void reloadMakesEachNodesPostgresReReadItsConfiguration() throws Exception {
        for (int i = 0; i < 3; i++) {
            java.sql.Timestamp before = confLoadTime(i);
            HttpResponse<String> r = post(i, "/reload");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            assertThat(r.body()).startsWith(cluster.name(i) + " will re-apply the cluster's parameters");
            int node = i;
            await().atMost(TestClusters.BOUND).pollInterval(Duration.ofMillis(100))
                    .until(() -> confLoadTime(node).after(before));
        }
        assertThat(cluster.healthy()).isTrue();
    }

    java.sql.Timestamp confLoadTime(int node) throws Exception {
        try (var c = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + cluster.pgPort(node) + "/postgres",
                TestClusters.superuser(cluster)); var st = c.createStatement();
             var rs = st.executeQuery("SELECT pg_conf_load_time()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }
}
