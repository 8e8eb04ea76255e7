package io.pgha.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgha.config.ConfigLoader;
import io.pgha.config.NodeConfig;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.dcs.Store;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Base64;

/** The CLI talking to the primary's agent over its REST API, with the credentials the node's config names. */
final class AgentClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: the status code, the body, and the body as JSON when it is JSON (else null). */
    record Answer(int status, String body, JsonNode json) {}

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String baseUrl;
    private final String member;
    private final String authorization;

    private AgentClient(String baseUrl, String member, String authorization) {
        this.baseUrl = baseUrl;
        this.member = member;
        this.authorization = authorization;
    }

    /** The agent of the member that holds the lease, as the store records it; credentials from {@code -c NODE.yaml}. */
    static AgentClient toPrimary(StoreOptions options) throws Exception {
        return toPrimary(options, true);
    }

    /** As {@link #toPrimary(StoreOptions)}; without {@code credentials} (reads only), {@code --dcs} will do too. */
    static AgentClient toPrimary(StoreOptions options, boolean credentials) throws Exception {
        if (options.config == null && credentials)
            throw new UsageError("this command talks to the primary's agent with the API credentials of a node's"
                    + " config: pass -c NODE.yaml");
        NodeConfig config = options.config == null ? null : ConfigLoader.load(options.config);
        try (Store store = options.connect()) {
            ClusterSnapshot view = store.snapshot();
            if (view.leader() == null) throw new IOException("no member holds the lease: there is no primary to ask now");
            Member leader = view.members().get(view.leader().holder());
            if (leader == null || leader.apiUrl() == null)
                throw new IOException("the primary " + view.leader().holder() + " has not published its API address yet");
            return new AgentClient(leader.apiUrl(), leader.name(), config == null ? null : authorization(config.api()));
        }
    }

    /**
     * What the primary's agent warns about archiving and backups (GET /backup, no credentials needed); empty when
     * there is no primary, it has no backup section, or it does not answer within two seconds.
     */
    static java.util.List<String> backupWarnings(ClusterSnapshot view) {
        Member leader = view.leader() == null ? null : view.members().get(view.leader().holder());
        if (leader == null || leader.apiUrl() == null) return java.util.List.of();
        try {
            Answer a = new AgentClient(leader.apiUrl(), leader.name(), null).get("/backup", Duration.ofSeconds(2));
            java.util.List<String> out = new java.util.ArrayList<>();
            if (a.json() != null) a.json().path("health").path("warnings").forEach(w -> out.add(leader.name() + ": " + w.asText()));
            return out;
        } catch (IOException | RuntimeException e) {
            return java.util.List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.List.of();
        }
    }

    private static String authorization(NodeConfig.Api api) throws IOException {
        if (api.tokenFile() != null) return "Bearer " + Files.readString(api.tokenFile()).strip();
        if (api.username() != null && api.passwordFile() != null) {
            String pair = api.username() + ":" + Files.readString(api.passwordFile()).strip();
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    String member() {
        return member;
    }

    Answer get(String path, Duration timeout) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout).GET());
    }

    Answer post(String path, String json, Duration timeout) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(timeout)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (authorization != null) b.header("Authorization", authorization);
        return send(b);
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r;
        try {
            r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("cannot reach " + member + "'s agent at " + baseUrl + ": " + e, e);
        }
        JsonNode json = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) json = JSON.readTree(r.body());
        return new Answer(r.statusCode(), r.body(), json);
    }
}
