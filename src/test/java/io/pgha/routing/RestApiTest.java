package io.pgha.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgha.admin.AdminActions;
import io.pgha.admin.Outcome;
import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.HistoryEntry;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.dcs.SyncState;
import io.pgha.ha.NodeState;
import io.pgha.postgres.PgState;
import io.pgha.postgres.DiskSpace;
import io.pgha.postgres.PgStatus;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real HTTP over loopback against a RestApi whose node state the test sets and whose admin actions it records. */
class RestApiTest {
    static final int PORT = 18101;
    static final int OPEN_PORT = 18102;
    static final int BUSY_PORT = 18103;
    static final String TOKEN = "t0ken-Secret-9f2c";
    static final String USER = "admin";
    static final String PASSWORD = "pa55-Secret-77";
    static final long LEADER_LSN = 0x3_0000_0000L + 0x5000000L;
    static final long MB = 1L << 20;
    static final HaSettings SETTINGS = HaSettings.defaults();

    static final AtomicReference<NodeState> current = new AtomicReference<>();
    static final RecordingActions actions = new RecordingActions();
    static final ObjectMapper json = new ObjectMapper();
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static RestApi api;

    @BeforeAll
    static void start() throws IOException {
        api = new RestApi("127.0.0.1", PORT, current::get, actions, ApiAuth.of(TOKEN, USER, PASSWORD));
        api.start();
    }

    @AfterAll
    static void stop() {
        if (api != null) api.close();
    }

    @BeforeEach
    void reset() {
        current.set(leader());
        actions.calls.clear();
        actions.next = Outcome.accepted("switchover to node2 scheduled");
    }

    // --- the states the tests put the node in -------------------------------------------------------------

    static Member member(String name, long lsn, long timeline) {
        return new Member(name, "10.0.0." + name.charAt(name.length() - 1), 5432, "http://10.0.0.1:8008", Member.REPLICA,
                PgState.STREAMING, timeline, lsn, false, 0, List.of(), null, 0);
    }

    static ClusterSnapshot view(String leader, List<String> sync) {
        Map<String, Member> members = new LinkedHashMap<>();
        members.put("node1", member("node1", LEADER_LSN, 2));
        members.put("node2", member("node2", LEADER_LSN - 1000, 2));
        members.put("node3", member("node3", LEADER_LSN - 32 * MB, 2));
        Lease lease = leader == null ? null : new Lease(leader, 7);
        return new ClusterSnapshot("7301234567890123456", null, lease, new Lease("node1", 7), members,
                Set.of("node1", "node2", "node3"), new SyncState("node1", sync, 1));
    }

    static PgStatus primaryPg() {
        return new PgStatus(true, true, true, false, 2, LEADER_LSN, false, null, 0, false, List.of("node2", "node3"),
                List.of("node2", "node3"), List.of("node2"), 1);
    }

    static PgStatus standbyPg(long lsn, long timeline) {
        return new PgStatus(true, true, true, true, timeline, lsn, true, "10.0.0.1", 5432, true, List.of(), List.of(),
                List.of(), 0);
    }

    static PgStatus stoppedPg() {
        return new PgStatus(true, false, false, false, 0, 0, false, null, 0, false, List.of(), List.of(), List.of(), 0);
    }

    static NodeState node(String name, PgStatus pg, ClusterSnapshot view, boolean lease, boolean store, long lastLoop) {
        List<HistoryEntry> history = List.of(
                new HistoryEntry(2, 0x3_0000_0060L, Instant.parse("2025-03-01T10:15:30Z").toEpochMilli(), "node1", "node3's agent vanished"));
        return new NodeState(name, "harness", pg, view, lease, store, lastLoop, 125, 3, SETTINGS, history, null);
    }

    static NodeState leader() {
        return node("node1", primaryPg(), view("node1", List.of("node2")), true, true, System.currentTimeMillis());
    }

    static NodeState replica() {
        return node("node2", standbyPg(LEADER_LSN - 1000, 2), view("node1", List.of("node2")), false, true, System.currentTimeMillis());
    }

    static NodeState laggingReplica() {
        return node("node3", standbyPg(LEADER_LSN - 32 * MB, 2), view("node1", List.of("node2")), false, true, System.currentTimeMillis());
    }

    static NodeState stopped() {
        return node("node2", stoppedPg(), view("node1", List.of("node2")), false, true, System.currentTimeMillis());
    }

    static NodeState leaderWithoutStore() {
        return node("node1", primaryPg(), view("node1", List.of("node2")), true, false, System.currentTimeMillis());
    }

    // --- status endpoints ---------------------------------------------------------------------------------

    @Test
    void leaderIsPrimaryOnEveryAliasAndNotAReplica() throws Exception {
        current.set(leader());
        expect(200, "/primary", "/", "/read-write", "/leader", "/read-only", "/health", "/liveness", "/readiness");
        expect(503, "/replica", "/sync", "/async");
    }

    @Test
    void leaderBodyIsPatroniShaped() throws Exception {
        current.set(leader());
        HttpResponse<String> r = get("/primary");
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        JsonNode b = json.readTree(r.body());
        assertThat(b.path("state").asText()).isEqualTo("running");
        assertThat(b.path("role").asText()).isEqualTo("primary");
        assertThat(b.path("timeline").asLong()).isEqualTo(2);
        assertThat(b.path("xlog").path("location").asLong()).isEqualTo(LEADER_LSN);
        assertThat(b.path("database_system_identifier").asText()).isEqualTo("7301234567890123456");
        assertThat(b.path("patroni").path("scope").asText()).isEqualTo("harness");
        assertThat(b.path("patroni").path("name").asText()).isEqualTo("node1");
        assertThat(b.has("cluster_unlocked")).isFalse();
    }

    @Test
    void streamingReplicaIsAReplicaAndNotPrimary() throws Exception {
        current.set(replica());
        expect(200, "/replica", "/replica?lag=16MB", "/replica?lag=1000", "/read-only", "/read-only?lag=1MB",
                "/sync", "/synchronous", "/health", "/liveness", "/readiness");
        expect(503, "/primary", "/", "/read-write", "/leader", "/async", "/asynchronous", "/replica?lag=999");
        JsonNode b = json.readTree(get("/replica").body());
        assertThat(b.path("role").asText()).isEqualTo("replica");
        assertThat(b.path("xlog").path("received_location").asLong()).isEqualTo(LEADER_LSN - 1000);
        assertThat(b.path("replication_state").asText()).isEqualTo("streaming");
        assertThat(b.path("sync_standby").asBoolean()).isTrue();
    }

    @Test
    void laggingReplicaFailsLagFilters() throws Exception {
        current.set(laggingReplica()); // 32 MB behind the leader's published position, not in the sync set
        expect(200, "/replica", "/replica?lag=32MB", "/replica?lag=" + 32 * MB, "/read-only", "/async",
                "/readiness?lag=64MB", "/health");
        expect(503, "/replica?lag=16MB", "/replica?lag=" + (32 * MB - 1), "/read-only?lag=16MB", "/async?lag=1MB",
                "/sync", "/readiness"); // readiness defaults to maximum_lag_on_failover (1 MB)
    }

    @Test
    void replicaBehindTheLeadersTimelineOrWithoutLeaderIsNotAReplica() throws Exception {
        current.set(node("node2", standbyPg(LEADER_LSN, 1), view("node1", List.of("node2")), false, true, System.currentTimeMillis()));
        expect(503, "/replica", "/read-only", "/readiness");

        current.set(node("node2", standbyPg(LEADER_LSN, 2), view(null, List.of("node2")), false, true, System.currentTimeMillis()));
        expect(503, "/replica", "/read-only");
        assertThat(json.readTree(get("/replica").body()).path("cluster_unlocked").asBoolean()).isTrue();
    }

    @Test
    void stoppedNodeIsUnhealthyButAlive() throws Exception {
        current.set(stopped());
        expect(503, "/primary", "/replica", "/read-only", "/health", "/readiness");
        assertThat(status("/liveness")).isEqualTo(200);
        JsonNode b = json.readTree(get("/health").body());
        assertThat(b.path("state").asText()).isEqualTo("stopped");
        assertThat(b.path("role").asText()).isEqualTo("unknown");
    }

    @Test
    void leaderThatLostTheStoreIsNoLongerPrimary() throws Exception {
        current.set(leaderWithoutStore());
        expect(503, "/primary", "/read-write", "/read-only", "/replica", "/readiness");
        expect(200, "/health", "/liveness");
        assertThat(json.readTree(get("/primary").body()).path("store_connected").asBoolean()).isFalse();
    }

    @Test
    void livenessFollowsTheLoopsLastRun() throws Exception {
        long limit = Math.max(2 * SETTINGS.loopWait().toMillis(), SETTINGS.ttl().toMillis());
        current.set(node("node1", primaryPg(), view("node1", List.of("node2")), true, true, System.currentTimeMillis() - limit - 5_000));
        assertThat(status("/liveness")).isEqualTo(503);
        current.set(node("node1", primaryPg(), view("node1", List.of("node2")), true, true, 0));
        assertThat(status("/liveness")).isEqualTo(503);
        current.set(leader());
        assertThat(status("/liveness")).isEqualTo(200);
    }

    @Test
    void beforeTheFirstLoopEverythingIsUnavailable() throws Exception {
        current.set(null);
        expect(503, "/primary", "/replica", "/read-only", "/health", "/liveness", "/readiness", "/cluster",
                "/history", "/config", "/metrics", "/patroni");
        assertThat(json.readTree(get("/primary").body()).path("role").asText()).isEqualTo("unknown");
    }

    @Test
    void headAndOptionsAnswerTheSameStatusWithoutBody() throws Exception {
        current.set(leader());
        for (String method : List.of("HEAD", "OPTIONS")) {
            HttpResponse<String> primary = send(HttpRequest.newBuilder(uri("/primary")).method(method, HttpRequest.BodyPublishers.noBody()));
            HttpResponse<String> replica = send(HttpRequest.newBuilder(uri("/replica")).method(method, HttpRequest.BodyPublishers.noBody()));
            assertThat(primary.statusCode()).as(method + " /primary").isEqualTo(200);
            assertThat(replica.statusCode()).as(method + " /replica").isEqualTo(503);
            assertThat(primary.body()).isEmpty();
            assertThat(replica.body()).isEmpty();
        }
    }

    @Test
    void patroniAnswersTheStatusWhateverTheRole() throws Exception {
        current.set(stopped());
        assertThat(status("/patroni")).isEqualTo(200);
    }

    // --- cluster, history, config, metrics ----------------------------------------------------------------

    @Test
    void clusterIsTheListReportInSnakeCase() throws Exception {
        current.set(replica());
        HttpResponse<String> r = get("/cluster");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode c = json.readTree(r.body());
        assertThat(c.path("cluster").asText()).isEqualTo("harness");
        assertThat(c.path("leader").asText()).isEqualTo("node1");
        assertThat(c.path("members")).hasSize(3);
        JsonNode node1 = c.path("members").get(0);
        assertThat(node1.path("name").asText()).isEqualTo("node1");
        assertThat(node1.path("role").asText()).isEqualTo(Member.LEADER);
        assertThat(node1.path("api_url").asText()).isEqualTo("http://10.0.0.1:8008");
        assertThat(node1.path("lag_bytes").asLong()).isZero();
        JsonNode node2 = c.path("members").get(1);
        assertThat(node2.path("role").asText()).isEqualTo(Member.REPLICA);
        assertThat(node2.path("lag_bytes").asLong()).isEqualTo(1000);
        assertThat(node2.path("synchronous").asBoolean()).isTrue();
        assertThat(c.path("members").get(2).path("lag_bytes").asLong()).isEqualTo(32 * MB);
        assertThat(c.has("warning")).isTrue();
    }

    @Test
    void historyListsPromotions() throws Exception {
        JsonNode h = json.readTree(get("/history").body());
        assertThat(h.isArray()).isTrue();
        assertThat(h).hasSize(1);
        assertThat(h.get(0).path("timeline").asLong()).isEqualTo(2);
        assertThat(h.get(0).path("lsn").asText()).isEqualTo("3/60");
        assertThat(h.get(0).path("at").asText()).isEqualTo("2025-03-01T10:15:30Z");
        assertThat(h.get(0).path("member").asText()).isEqualTo("node1");
        assertThat(h.get(0).path("reason").asText()).isEqualTo("node3's agent vanished");
    }

    @Test
    void configShowsTheSettingsInMilliseconds() throws Exception {
        JsonNode c = json.readTree(get("/config").body());
        assertThat(c.path("ttl_ms").asLong()).isEqualTo(SETTINGS.ttl().toMillis());
        assertThat(c.path("loop_wait_ms").asLong()).isEqualTo(SETTINGS.loopWait().toMillis());
        assertThat(c.path("maximum_lag_on_failover").asLong()).isEqualTo(SETTINGS.maximumLagOnFailover());
        assertThat(c.path("synchronous_mode").asBoolean()).isEqualTo(SETTINGS.synchronous());
        assertThat(c.path("synchronous_node_count").asInt()).isEqualTo(SETTINGS.synchronousNodeCount());
    }

    @Test
    void metricsOfTheLeader() throws Exception {
        current.set(leader());
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        Map<String, String> m = samples(r.body());
        String l = "scope=\"harness\",name=\"node1\"";
        assertThat(m).containsEntry("pgha_primary{" + l + "}", "1")
                .containsEntry("pgha_replica{" + l + "}", "0")
                .containsEntry("pgha_timeline{" + l + "}", "2")
                .containsEntry("pgha_xlog_location_bytes{" + l + "}", String.valueOf(LEADER_LSN))
                .containsEntry("pgha_lease_holder{" + l + ",member=\"node1\"}", "1")
                .containsEntry("pgha_loop_duration_seconds{" + l + "}", "0.125")
                .containsEntry("pgha_failovers_total{" + l + "}", "3")
                .containsEntry("pgha_synchronous_standbys{" + l + "}", "1")
                .containsEntry("pgha_running_without_synchronous_standby{" + l + "}", "0")
                .containsEntry("pgha_replication_slots{" + l + "}", "2")
                .containsEntry("pgha_store_connected{" + l + "}", "1");
        assertThat(m.keySet()).noneMatch(k -> k.startsWith("pgha_replication_lag_bytes"));
        assertEveryMetricHasHelpAndType(r.body());
    }

    @Test
    void aStuckNodeSaysSoInItsMetricsAndItsStatus() throws Exception {
        NodeState r = replica();
        current.set(new NodeState(r.name(), r.cluster(), r.pg(), r.view(), false, true, r.lastLoopAtMillis(), 1, 0,
                SETTINGS, List.of(), "cloned anew from node1 and still not streaming"));
        String l = "scope=\"harness\",name=\"node2\"";
        assertThat(samples(get("/metrics").body())).containsEntry("pgha_stuck{" + l + "}", "1");
        assertThat(get("/").body()).contains("\"stuck\" : \"cloned anew from node1 and still not streaming\"");
        current.set(replica());
        assertThat(samples(get("/metrics").body())).containsEntry("pgha_stuck{" + l + "}", "0");
    }

    @Test
    void metricsOfAReplicaWithoutSynchronousStandby() throws Exception {
        current.set(node("node3", standbyPg(LEADER_LSN - 32 * MB, 2), view("node1", List.of()), false, false, System.currentTimeMillis()));
        String body = get("/metrics").body();
        Map<String, String> m = samples(body);
        String l = "scope=\"harness\",name=\"node3\"";
        assertThat(m).containsEntry("pgha_primary{" + l + "}", "0")
                .containsEntry("pgha_replica{" + l + "}", "1")
                .containsEntry("pgha_replication_lag_bytes{" + l + "}", String.valueOf(32 * MB))
                .containsEntry("pgha_synchronous_standbys{" + l + "}", "0")
                .containsEntry("pgha_running_without_synchronous_standby{" + l + "}", "1")
                .containsEntry("pgha_replication_slots{" + l + "}", "0")
                .containsEntry("pgha_store_connected{" + l + "}", "0");
        assertEveryMetricHasHelpAndType(body);
    }

    @Test
    void metricsReportTheDiskSpaceAndWhenItRunsLow() throws Exception {
        PgStatus full = primaryPg().toBuilder().disk(new DiskSpace(10 * MB, 300 * MB, 10 * MB, 300 * MB)).build();
        current.set(node("node1", full, view("node1", List.of("node2")), true, true, System.currentTimeMillis()));
        String body = get("/metrics").body();
        String l = "scope=\"harness\",name=\"node1\"";
        assertThat(samples(body)).containsEntry("pgha_data_filesystem_free_bytes{" + l + "}", String.valueOf(10 * MB))
                .containsEntry("pgha_data_filesystem_size_bytes{" + l + "}", String.valueOf(300 * MB))
                .containsEntry("pgha_wal_filesystem_free_bytes{" + l + "}", String.valueOf(10 * MB))
                .containsEntry("pgha_disk_space_low{" + l + "}", "1");
        assertEveryMetricHasHelpAndType(body);
        current.set(leader());
        assertThat(samples(get("/metrics").body())).doesNotContainKey("pgha_data_filesystem_free_bytes{" + l + "}");
    }

    static void assertEveryMetricHasHelpAndType(String body) {
        List<String> lines = body.lines().toList();
        Set<String> required = Set.of("pgha_primary", "pgha_replica", "pgha_timeline", "pgha_xlog_location_bytes",
                "pgha_replication_lag_bytes", "pgha_lease_holder", "pgha_loop_duration_seconds", "pgha_failovers_total",
                "pgha_synchronous_standbys", "pgha_running_without_synchronous_standby", "pgha_replication_slots",
                "pgha_store_connected");
        for (String name : required) {
            assertThat(lines).as(name).anyMatch(s -> s.startsWith("# HELP " + name + " "));
            assertThat(lines).as(name).anyMatch(s -> s.matches("# TYPE " + name + " (gauge|counter)"));
        }
        for (String line : lines) {
            if (line.startsWith("#")) continue;
            String name = line.substring(0, line.indexOf('{'));
            assertThat(lines).as("TYPE line for " + name).contains("# TYPE " + name + (name.endsWith("_total") ? " counter" : " gauge"));
            assertThat(line).matches("[a-z_]+\\{[^}]*} -?[0-9.]+");
        }
    }

    static Map<String, String> samples(String body) {
        Map<String, String> m = new LinkedHashMap<>();
        Matcher matcher = Pattern.compile("(?m)^([a-z_]+\\{[^}]*}) (\\S+)$").matcher(body);
        while (matcher.find()) m.put(matcher.group(1), matcher.group(2));
        return m;
    }

    // --- mutating endpoints -------------------------------------------------------------------------------

    @Test
    void switchoverWithoutCredentialsIsRefused() throws Exception {
        HttpResponse<String> r = post("/switchover", "{\"leader\":\"node1\",\"candidate\":\"node2\"}", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"pgha\"");
        assertThat(actions.calls).isEmpty();
    }

    @Test
    void wrongCredentialsAreRefused() throws Exception {
        String body = "{\"candidate\":\"node2\"}";
        for (String header : List.of("Bearer wrong-token", "Bearer " + TOKEN + "x", "Bearer", basic(USER, "wrong"),
                basic("root", PASSWORD), "Basic !!notbase64!!", "Digest " + TOKEN, basic(USER, PASSWORD).replace("Basic", "Bearer"))) {
            HttpResponse<String> r = post("/switchover", body, header);
            assertThat(r.statusCode()).as(header).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"pgha\"");
            assertThat(r.body()).doesNotContain(TOKEN).doesNotContain(PASSWORD);
        }
        assertThat(actions.calls).isEmpty();
    }

    @Test
    void switchoverWithTokenCallsTheActionWithParsedArguments() throws Exception {
        HttpResponse<String> r = post("/switchover",
                "{\"leader\":\"node1\",\"candidate\":\"node2\",\"scheduled_at\":\"2030-01-31T03:00:00+01:00\"}", "Bearer " + TOKEN);
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).contains("switchover to node2 scheduled");
        assertThat(actions.calls).containsExactly(List.of("switchover", "node1", "node2", "2030-01-31T02:00:00Z"));
    }

    @Test
    void switchoverWithBasicAuthAndNoArgumentsPassesNulls() throws Exception {
        actions.next = Outcome.refused("no candidate is fit: node2 is 32 MB behind");
        HttpResponse<String> r = post("/switchover", "", basic(USER, PASSWORD));
        assertThat(r.statusCode()).isEqualTo(412);
        assertThat(r.body()).contains("no candidate is fit");
        assertThat(actions.calls).containsExactly(List.of("switchover", "null", "null", "null"));
    }

    @Test
    void otherMutatingEndpointsCallTheirAction() throws Exception {
        actions.next = Outcome.done("done");
        assertThat(post("/failover", "{\"candidate\":\"node3\"}", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(post("/restart", "", basic(USER, PASSWORD)).statusCode()).isEqualTo(200);
        assertThat(post("/reload", "{}", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(post("/reinitialize", "", "Bearer " + TOKEN).statusCode()).isEqualTo(200);
        assertThat(actions.calls).containsExactly(List.of("failover", "node3"), List.of("restart"), List.of("reload"),
                List.of("reinitialize"));
    }

    @Test
    void badBodiesAreRefusedWithTheProblemNamed() throws Exception {
        String auth = "Bearer " + TOKEN;
        assertBadRequest(post("/switchover", "{\"candidate\": ", auth), "not valid JSON");
        assertBadRequest(post("/switchover", "[\"node2\"]", auth), "JSON object");
        assertBadRequest(post("/switchover", "{\"candidate\": 2}", auth), "'candidate' must be a string");
        assertBadRequest(post("/switchover", "{\"candiate\": \"node2\"}", auth), "unknown field 'candiate'");
        assertBadRequest(post("/switchover", "{\"candidate\":\"node2\",\"candidate\":\"node3\"}", auth), "candidate");
        assertBadRequest(post("/switchover", "{\"candidate\":\"node2\"} {}", auth), "not valid JSON");
        assertBadRequest(post("/switchover", "{\"scheduled_at\": \"tomorrow\"}", auth), "scheduled_at");
        assertBadRequest(post("/switchover", "{\"scheduled_at\": \"2030-01-31T03:00:00\"}", auth), "time zone");
        assertBadRequest(post("/failover", "{}", auth), "candidate");
        assertBadRequest(post("/restart", "{\"schedule\": \"now\"}", auth), "takes no parameters");
        assertThat(post("/switchover", "{\"candidate\":\"" + "x".repeat(RestApi.MAX_BODY_BYTES) + "\"}", auth).statusCode())
                .isEqualTo(413);
        assertThat(actions.calls).isEmpty();
    }

    static void assertBadRequest(HttpResponse<String> r, String problem) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains(problem);
    }

    @Test
    void agentWithoutAuthenticationRefusesEveryChange() throws Exception {
        try (RestApi open = new RestApi("127.0.0.1", OPEN_PORT, current::get, actions, ApiAuth.none())) {
            open.start();
            for (String path : List.of("/switchover", "/failover", "/restart", "/reload", "/reinitialize")) {
                HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + OPEN_PORT + path))
                        .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString("{}")));
                assertThat(r.statusCode()).as(path).isEqualTo(401);
                assertThat(r.body()).contains("authentication is not configured");
                assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"pgha\"");
            }
            assertThat(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + OPEN_PORT + "/primary"))).statusCode())
                    .isEqualTo(200);
        }
        assertThat(actions.calls).isEmpty();
    }

    @Test
    void apiAuthKeepsNoSecretInSightAndRefusesHalfConfiguredBasic() {
        ApiAuth auth = ApiAuth.of(TOKEN, USER, PASSWORD);
        assertThat(auth.toString()).doesNotContain(TOKEN).doesNotContain(PASSWORD);
        assertThat(auth.check("Bearer " + TOKEN)).isEqualTo(ApiAuth.Verdict.ALLOWED);
        assertThat(auth.check(basic(USER, PASSWORD))).isEqualTo(ApiAuth.Verdict.ALLOWED);
        assertThat(ApiAuth.of(TOKEN, null, null).check(basic(USER, PASSWORD))).isEqualTo(ApiAuth.Verdict.DENIED);
        assertThat(ApiAuth.of(null, USER, PASSWORD).check("Bearer " + TOKEN)).isEqualTo(ApiAuth.Verdict.DENIED);
        assertThat(ApiAuth.of(null, null, null).check("Bearer " + TOKEN)).isEqualTo(ApiAuth.Verdict.NOT_CONFIGURED);
        assertThatThrownBy(() -> ApiAuth.of(null, USER, null)).hasMessageContaining("no password");
        assertThatThrownBy(() -> ApiAuth.of(null, null, PASSWORD)).hasMessageContaining("no user");
        assertThatThrownBy(() -> ApiAuth.of(null, "a:b", PASSWORD)).hasMessageContaining("':'");
    }

    // --- bad requests, robustness, start-up ---------------------------------------------------------------

    @Test
    void unparseableLagIsABadRequestNamingTheParameter() throws Exception {
        current.set(replica());
        for (String path : List.of("/replica?lag=banana", "/read-only?lag=-5", "/readiness?lag=", "/replica?lag=16XB")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(400);
        }
        assertThat(get("/replica?lag=banana").body()).contains("lag").contains("banana");
    }

    @Test
    void unknownPathsAndWrongMethods() throws Exception {
        assertThat(status("/nope")).isEqualTo(404);
        assertThat(status("/primary/extra")).isEqualTo(404);
        HttpResponse<String> getSwitchover = get("/switchover");
        assertThat(getSwitchover.statusCode()).isEqualTo(405);
        assertThat(getSwitchover.headers().firstValue("Allow")).hasValue("POST");
        HttpResponse<String> postPrimary = post("/primary", "{}", "Bearer " + TOKEN);
        assertThat(postPrimary.statusCode()).isEqualTo(405);
        assertThat(postPrimary.headers().firstValue("Allow")).hasValue("GET, HEAD, OPTIONS");
        assertThat(send(HttpRequest.newBuilder(uri("/switchover")).DELETE().header("Authorization", "Bearer " + TOKEN))
                .statusCode()).isEqualTo(405);
        assertThat(actions.calls).isEmpty();
    }

    @Test
    void aFailingHandlerAnswers500AndTheServerGoesOn() throws Exception {
        AtomicReference<Boolean> broken = new AtomicReference<>(true);
        try (RestApi flaky = new RestApi("127.0.0.1", OPEN_PORT, () -> {
            if (broken.get()) throw new IllegalStateException("state unavailable");
            return leader();
        }, new FailingActions(), ApiAuth.of(TOKEN, null, null))) {
            flaky.start();
            String base = "http://127.0.0.1:" + OPEN_PORT;
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + "/primary")));
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(r.body()).contains("internal error");
            HttpResponse<String> restart = send(HttpRequest.newBuilder(URI.create(base + "/restart"))
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(restart.statusCode()).isEqualTo(500);
            broken.set(false);
            assertThat(send(HttpRequest.newBuilder(URI.create(base + "/primary"))).statusCode()).isEqualTo(200);
        }
    }

    @Test
    @SuppressWarnings("try") // the resources only need to be open
    void busyPortIsAClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket(BUSY_PORT, 1, InetAddress.getByName("127.0.0.1"))) {
            RestApi second = new RestApi("127.0.0.1", BUSY_PORT, current::get, actions, ApiAuth.none());
            assertThatThrownBy(second::start).isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + BUSY_PORT).hasMessageContaining("already in use");
            second.close();
        }
        assertThat(api.port()).isEqualTo(PORT);
    }

    // --- plumbing -----------------------------------------------------------------------------------------

    /** Records each call as [action, args...] and answers {@link #next}. */
    static class RecordingActions implements AdminActions {
        final List<List<String>> calls = new CopyOnWriteArrayList<>();
        volatile Outcome next = Outcome.done("ok");

        @Override
        public Outcome switchover(String leader, String candidate, Instant at) {
            calls.add(List.of("switchover", String.valueOf(leader), String.valueOf(candidate), String.valueOf(at)));
            return next;
        }

        @Override
        public Outcome failover(String candidate) {
            calls.add(List.of("failover", candidate));
            return next;
        }

        @Override
        public Outcome restart() {
            calls.add(List.of("restart"));
            return next;
        }

        @Override
        public Outcome reload() {
            calls.add(List.of("reload"));
            return next;
        }

        @Override
        public Outcome reinitialize() {
            calls.add(List.of("reinitialize"));
            return next;
        }
    }

    static final class FailingActions extends RecordingActions {
        @Override
        public Outcome restart() {
            throw new IllegalStateException("boom");
        }
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + PORT + path);
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(path)));
    }

    static int status(String path) throws IOException, InterruptedException {
        return get(path).statusCode();
    }

    /** Asserts every path answers {@code code}; a failure shows what each path answered. */
    static void expect(int code, String... paths) throws IOException, InterruptedException {
        Map<String, Integer> actual = new LinkedHashMap<>();
        Map<String, Integer> expected = new LinkedHashMap<>();
        for (String p : paths) {
            actual.put(p, status(p));
            expected.put(p, code);
        }
        assertThat(actual).isEqualTo(expected);
    }

    static HttpResponse<String> post(String path, String body, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authorization != null) b.header("Authorization", authorization);
        return send(b);
    }
}
