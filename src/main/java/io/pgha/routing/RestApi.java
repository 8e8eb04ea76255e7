package io.pgha.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pgha.config.HaSettings;
import io.pgha.config.Units;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.HistoryEntry;
import io.pgha.dcs.Member;
import io.pgha.admin.AdminActions;
import io.pgha.admin.Outcome;
import io.pgha.ha.ClusterReport;
import io.pgha.ha.Decider;
import io.pgha.ha.NodeState;
import io.pgha.postgres.Lsn;
import io.pgha.postgres.PgStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP API, compatible with Patroni's so that HAProxy configs, Kubernetes probes and monitoring
 * written for Patroni work unchanged. Health paths ({@code /primary}, {@code /replica?lag=16MB}, {@code /health},
 * {@code /liveness}, ...) answer 200 or 503 with Patroni's JSON body; {@code /cluster}, {@code /history},
 * {@code /config} and {@code /metrics} describe the cluster; {@code POST /switchover} and the other mutating
 * endpoints need {@link ApiAuth} and hand the request to {@link AdminActions}. Every answer comes from the
 * latest {@link NodeState}: a request never waits for PostgreSQL or the store.
 */
public final class RestApi implements AutoCloseable {
    static final String JSON_TYPE = "application/json";
    static final String TEXT_TYPE = "text/plain; charset=utf-8";
    static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(RestApi.class);
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final int BACKLOG = 64;
    private static final int MAX_ECHOED_CHARS = 80;
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String host;
    private final int port;
    private final Supplier<NodeState> state;
    private final AdminActions actions;
    private final ApiAuth auth;
    private final Map<String, Read> reads = new HashMap<>();
    private final Map<String, Write> writes = new HashMap<>();
    private HttpServer server;
    private ExecutorService executor;

    public RestApi(String host, int port, Supplier<NodeState> state, AdminActions actions, ApiAuth auth) {
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.state = Objects.requireNonNull(state, "state");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.auth = Objects.requireNonNull(auth, "auth");
        routes();
    }

    /** Answers from the latest state and the query string. */
    private interface Read {
        Response answer(NodeState s, Query q) throws BadRequest;
    }

    /** Checks a mutating request's body and hands it to the admin actions. */
    private interface Write {
        Outcome call(Body body) throws BadRequest;
    }

    private void routes() {
        Read primary = (s, q) -> status(s, Health.primary(s));
        for (String path : List.of("/", "/primary", "/read-write", "/leader")) reads.put(path, primary);
        reads.put("/replica", (s, q) -> {
            long lag = q.lag(Long.MAX_VALUE);
            return status(s, Health.replica(s, lag));
        });
        reads.put("/read-only", (s, q) -> {
            long lag = q.lag(Long.MAX_VALUE);
            return status(s, Health.primary(s) || Health.replica(s, lag));
        });
        Read sync = (s, q) -> {
            long lag = q.lag(Long.MAX_VALUE);
            return status(s, Health.replica(s, lag) && Health.synchronous(s));
        };
        Read async = (s, q) -> {
            long lag = q.lag(Long.MAX_VALUE);
            return status(s, Health.replica(s, lag) && !Health.synchronous(s));
        };
        reads.put("/sync", sync);
        reads.put("/synchronous", sync);
        reads.put("/async", async);
        reads.put("/asynchronous", async);
        reads.put("/health", (s, q) -> status(s, Health.running(s)));
        reads.put("/liveness", (s, q) -> status(s, Health.live(s, System.currentTimeMillis())));
        reads.put("/readiness", (s, q) -> {
            long lag = q.lag(settings(s).maximumLagOnFailover());
            return status(s, Health.primary(s) || Health.replica(s, lag));
        });
        reads.put("/patroni", (s, q) -> status(s, s != null));
        reads.put("/cluster", (s, q) -> s == null || s.view() == null
                ? Response.text(503, "the cluster has not been read from the store yet")
                : Response.json(200, ClusterReport.of(s.cluster(), s.view())));
        reads.put("/history", (s, q) -> s == null ? notReady() : Response.json(200, history(s)));
        reads.put("/config", (s, q) -> s == null ? notReady() : Response.json(200, config(settings(s))));
        reads.put("/metrics", (s, q) -> s == null ? notReady()
                : new Response(200, METRICS_TYPE, Metrics.render(s).getBytes(StandardCharsets.UTF_8), Map.of()));

        writes.put("/switchover", body -> {
            body.only("leader", "candidate", "scheduled_at");
            return actions.switchover(body.string("leader"), body.string("candidate"), body.instant("scheduled_at"));
        });
        writes.put("/failover", body -> {
            body.only("candidate");
            String candidate = body.string("candidate");
            if (candidate == null) throw new BadRequest("failover needs a candidate: {\"candidate\": \"<member name>\"}");
            return actions.failover(candidate);
        });
        writes.put("/restart", body -> {
            body.only();
            return actions.restart();
        });
        writes.put("/reload", body -> {
            body.only();
            return actions.reload();
        });
        writes.put("/reinitialize", body -> {
            body.only();
            return actions.reinitialize();
        });
    }

    public synchronized void start() throws IOException {
        if (server != null) throw new IllegalStateException("the REST API is already started");
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(host, port), BACKLOG);
        } catch (BindException e) {
            String why = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("in use")
                    ? "the port is already in use (is another agent or program listening there?)" : e.getMessage();
            throw new IOException("the REST API cannot listen on " + host + ":" + port + ": " + why, e);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("the REST API cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("pgha-api-", 0).factory());
        s.setExecutor(executor);
        s.createContext("/", this::handle);
        s.start();
        server = s;
        log.info("REST API listening on {}:{}", host, port());
    }

    /** The port listened on (the bound one once started, which differs from the configured one for 0). */
    public synchronized int port() {
        return server == null ? port : server.getAddress().getPort();
    }

    @Override
    public synchronized void close() {
        if (server == null) return;
        server.stop(0);
        executor.shutdownNow();
        server = null;
    }

    private void handle(HttpExchange ex) {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        boolean withBody = !method.equals("HEAD") && !method.equals("OPTIONS");
        try {
            send(ex, answer(ex, method, path), withBody);
        } catch (IOException e) {
            log.debug("REST API: {} {}: the client went away: {}", method, path, e.toString());
        } catch (RuntimeException e) {
            log.error("REST API: {} {} failed", method, shorten(path), e);
            try {
                send(ex, Response.text(500, "internal error: " + e.getClass().getSimpleName() + " (see the agent's log)"), withBody);
            } catch (IOException | RuntimeException ignored) {
                // the answer had already started or the client is gone: closing the exchange is all that is left
            }
        } finally {
            ex.close();
        }
    }

    private Response answer(HttpExchange ex, String method, String path) throws IOException {
        try {
            Read read = reads.get(path);
            if (read != null) {
                if (!READ_METHODS.contains(method)) return Response.methodNotAllowed(method, path, "GET, HEAD, OPTIONS");
                return read.answer(state.get(), Query.parse(ex.getRequestURI().getRawQuery()));
            }
            Write write = writes.get(path);
            if (write != null) {
                if (!method.equals("POST")) return Response.methodNotAllowed(method, path, "POST");
                return change(ex, path, write);
            }
            return Response.text(404, "no such endpoint: " + shorten(path));
        } catch (BadRequest e) {
            return Response.text(e.status, e.getMessage());
        }
    }

    private Response change(HttpExchange ex, String path, Write write) throws IOException, BadRequest {
        String from = ex.getRemoteAddress().getAddress().getHostAddress();
        switch (auth.check(ex.getRequestHeaders().getFirst("Authorization"))) {
            case NOT_CONFIGURED -> {
                log.warn("REST API: refused POST {} from {}: authentication is not configured", path, from);
                return Response.unauthorized("authentication is not configured on this agent: the REST API refuses"
                        + " every change until an API token or a user and password are set");
            }
            case DENIED -> {
                log.warn("REST API: refused POST {} from {}: missing or wrong credentials", path, from);
                return Response.unauthorized("authentication required: send 'Authorization: Bearer <token>' or basic credentials");
            }
            case ALLOWED -> {}
        }
        Body body = Body.parse(readBody(ex));
        Outcome result = write.call(body);
        if (result == null) throw new IllegalStateException("the admin action for " + path + " returned no result");
        String message = result.message() == null ? "" : result.message();
        int status = statusOf(result.kind());
        log.info("REST API: POST {} {} from {}: {} {}", path, body.json(), from, status, message);
        return Response.text(status, message);
    }

    static int statusOf(Outcome.Kind kind) {
        return switch (kind) {
            case DONE -> 200;
            case ACCEPTED -> 202;
            case INVALID -> 400;
            case REFUSED -> 412;
            case UNAVAILABLE -> 503;
        };
    }

    private static byte[] readBody(HttpExchange ex) throws IOException, BadRequest {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) throw new BadRequest(413, "the body is larger than " + MAX_BODY_BYTES + " bytes");
            return bytes;
        }
    }

    private static void send(HttpExchange ex, Response r, boolean withBody) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", r.contentType());
        h.set("Cache-Control", "no-store");
        r.headers().forEach(h::set);
        byte[] body = withBody ? r.body() : new byte[0];
        ex.sendResponseHeaders(r.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Response status(NodeState s, boolean healthy) {
        return Response.json(healthy ? 200 : 503, statusBody(s));
    }

    private static Response notReady() {
        return Response.text(503, "the agent has not finished its first loop yet");
    }

    /** Patroni's node status: the same field names, so tools that parse Patroni's answer parse this one. */
    static Map<String, Object> statusBody(NodeState s) {
        Map<String, Object> b = new LinkedHashMap<>();
        if (s == null) {
            b.put("state", "unknown");
            b.put("role", "unknown");
            return b;
        }
        PgStatus pg = pg(s);
        b.put("state", !pg.running() ? "stopped" : !pg.accepting() ? "starting" : "running");
        String role = pg.isPrimary() ? "primary" : pg.running() && pg.inRecovery() ? "replica" : "unknown";
        b.put("role", role);
        if (pg.timeline() > 0) b.put("timeline", pg.timeline());
        if (role.equals("primary")) {
            b.put("xlog", Map.of("location", pg.lsn()));
        } else if (role.equals("replica")) {
            b.put("xlog", Map.of("received_location", pg.lsn()));
            b.put("replication_state", pg.streaming() ? "streaming" : "in archive recovery");
            if (Health.synchronous(s)) b.put("sync_standby", true);
        }
        ClusterSnapshot v = s.view();
        if (v != null && v.leader() == null) b.put("cluster_unlocked", true);
        if (v != null && v.initialized() != null) b.put("database_system_identifier", v.initialized());
        b.put("holds_lease", s.holdsLease());
        b.put("store_connected", s.storeConnected());
        Map<String, Object> patroni = new LinkedHashMap<>();
        patroni.put("scope", s.cluster());
        patroni.put("name", s.name());
        b.put("patroni", patroni);
        return b;
    }

    private static List<Map<String, Object>> history(NodeState s) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (HistoryEntry h : s.history() == null ? List.<HistoryEntry>of() : s.history()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("timeline", h.timeline());
            e.put("lsn", Lsn.format(h.lsn()));
            e.put("at", Instant.ofEpochMilli(h.atMillis()).toString());
            e.put("member", h.member());
            e.put("reason", h.reason());
            out.add(e);
        }
        return out;
    }

    /** Durations in milliseconds; the names Patroni uses where it has the same setting. */
    private static Map<String, Object> config(HaSettings h) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("ttl_ms", h.ttl().toMillis());
        c.put("loop_wait_ms", h.loopWait().toMillis());
        c.put("fence_margin_ms", h.fenceMargin().toMillis());
        c.put("postgres_restart_timeout_ms", h.postgresRestartTimeout().toMillis());
        c.put("maximum_lag_on_failover", h.maximumLagOnFailover());
        c.put("standby_stream_timeout_ms", h.standbyStreamTimeout().toMillis());
        c.put("failover_wait_ms", h.failoverWait().toMillis());
        c.put("synchronous_mode", h.synchronous());
        c.put("synchronous_node_count", h.synchronousNodeCount());
        c.put("synchronous_mode_strict", h.synchronousStrict());
        return c;
    }

    private static HaSettings settings(NodeState s) {
        return s == null || s.settings() == null ? HaSettings.defaults() : s.settings();
    }

    private static PgStatus pg(NodeState s) {
        return s.pg() == null ? PgStatus.noData() : s.pg();
    }

    private static String shorten(String text) {
        if (text == null) return "";
        return text.length() <= MAX_ECHOED_CHARS ? text : text.substring(0, MAX_ECHOED_CHARS) + "...";
    }

    /** The rules behind the status endpoints. A null state (before the agent's first loop) is never healthy. */
    static final class Health {
        private Health() {}

        /** Holds the lease, is a writable primary, and can still hear the store (else it is about to fence). */
        static boolean primary(NodeState s) {
            return s != null && s.holdsLease() && pg(s).isPrimary() && s.storeConnected();
        }

        static boolean replica(NodeState s, long maxLagBytes) {
            if (s == null || s.holdsLease()) return false;
            PgStatus pg = pg(s);
            Member leader = leader(s);
            return pg.running() && pg.accepting() && pg.inRecovery() && leader != null && !leader.name().equals(s.name())
                    && Decider.streamsFrom(pg, leader) && Lsn.lag(leader.lsn(), pg.lsn()) <= maxLagBytes;
        }

        static boolean synchronous(NodeState s) {
            return s != null && s.view() != null && s.view().sync() != null && s.view().sync().members().contains(s.name());
        }

        static boolean running(NodeState s) {
            return s != null && pg(s).running() && pg(s).accepting();
        }

        static boolean live(NodeState s, long nowMillis) {
            if (s == null || s.lastLoopAtMillis() <= 0) return false;
            HaSettings h = settings(s);
            long limit = h.agentLivenessLimit().toMillis();
            return nowMillis - s.lastLoopAtMillis() <= limit;
        }

        /** The lease holder's published record, or null when nobody holds the lease or it has no record. */
        static Member leader(NodeState s) {
            ClusterSnapshot v = s.view();
            if (v == null || v.leader() == null) return null;
            return v.members().get(v.leader().holder());
        }
    }

    /** Prometheus text format 0.0.4; every sample carries Patroni's {@code scope} and {@code name} labels. */
    static final class Metrics {
        private final StringBuilder out = new StringBuilder();
        private final String labels;

        private Metrics(NodeState s) {
            labels = "scope=\"" + escape(s.cluster()) + "\",name=\"" + escape(s.name()) + "\"";
        }

        static String render(NodeState s) {
            Metrics m = new Metrics(s);
            PgStatus pg = pg(s);
            ClusterSnapshot v = s.view();
            HaSettings h = settings(s);
            m.gauge("pgha_primary", "1 when this node holds the lease and runs the writable primary (/primary answers 200).",
                    Health.primary(s) ? 1 : 0);
            m.gauge("pgha_replica", "1 when this node is a replica streaming from the leader (/replica answers 200).",
                    Health.replica(s, Long.MAX_VALUE) ? 1 : 0);
            m.gauge("pgha_postgres_running", "1 when PostgreSQL runs and accepts connections.", Health.running(s) ? 1 : 0);
            m.gauge("pgha_store_connected", "1 when the agent's connection to the store was up at its latest loop.",
                    s.storeConnected() ? 1 : 0);
            m.gauge("pgha_timeline", "PostgreSQL's current timeline (0 when unknown).", pg.timeline());
            m.gauge("pgha_xlog_location_bytes",
                    "Primary: current WAL write position; standby: the further of received and replayed, in bytes.",
                    Long.toUnsignedString(pg.lsn()));
            Member leader = Health.leader(s);
            m.header("pgha_replication_lag_bytes", "gauge", "Bytes of WAL this replica trails the leader's published position.");
            if (pg.running() && pg.inRecovery() && leader != null && !leader.name().equals(s.name()))
                m.sample("pgha_replication_lag_bytes", "", Long.toUnsignedString(Lsn.lag(leader.lsn(), pg.lsn())));
            m.header("pgha_lease_holder", "gauge", "1 for the member that holds the leader lease, as this node sees it.");
            if (v != null && v.leader() != null)
                m.sample("pgha_lease_holder", ",member=\"" + escape(v.leader().holder()) + "\"", 1);
            m.gauge("pgha_loop_duration_seconds", "How long the latest HA loop iteration took.",
                    BigDecimal.valueOf(s.loopMillis()).movePointLeft(3).toPlainString());
            m.header("pgha_failovers_total", "counter", "Promotions this agent performed since it started.");
            m.sample("pgha_failovers_total", "", s.failovers());
            int sync = v == null || v.sync() == null ? 0 : v.sync().members().size();
            m.gauge("pgha_synchronous_standbys", "Members of the synchronous set the leader recorded.", sync);
            m.gauge("pgha_running_without_synchronous_standby",
                    "1 when synchronous mode is on but the recorded synchronous set is empty: commits are not protected.",
                    h.synchronous() && sync == 0 ? 1 : 0);
            m.gauge("pgha_replication_slots", "Physical replication slots on this node's PostgreSQL.",
                    pg.slots() == null ? 0 : pg.slots().size());
            return m.out.toString();
        }

        private void gauge(String name, String help, Object value) {
            header(name, "gauge", help);
            sample(name, "", value);
        }

        private void header(String name, String type, String help) {
            out.append("# HELP ").append(name).append(' ').append(help).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }

        private void sample(String name, String extraLabels, Object value) {
            out.append(name).append('{').append(labels).append(extraLabels).append("} ").append(value).append('\n');
        }

        private static String escape(String value) {
            if (value == null) return "";
            return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        }
    }

    private record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
        Response {
            if (status < 100 || status > 599) throw new IllegalStateException("not an HTTP status: " + status);
        }

        static Response text(int status, String message) {
            return new Response(status, TEXT_TYPE, (message + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
        }

        static Response json(int status, Object value) {
            try {
                return new Response(status, JSON_TYPE, (JSON.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Response unauthorized(String message) {
            Response r = text(401, message);
            return new Response(401, r.contentType(), r.body(), Map.of("WWW-Authenticate", "Basic realm=\"pgha\""));
        }

        static Response methodNotAllowed(String method, String path, String allowed) {
            Response r = text(405, shorten(method) + " is not allowed on " + path + " (allowed: " + allowed + ")");
            return new Response(405, r.contentType(), r.body(), Map.of("Allow", allowed));
        }
    }

    /** A request the client must fix: answered with its message, never logged as a failure. */
    private static final class BadRequest extends Exception {
        final int status;

        BadRequest(String message) {
            this(400, message);
        }

        BadRequest(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private record Query(Map<String, String> params) {
        static Query parse(String raw) throws BadRequest {
            Map<String, String> params = new HashMap<>();
            if (raw == null || raw.isEmpty()) return new Query(params);
            try {
                for (String pair : raw.split("&")) {
                    if (pair.isEmpty()) continue;
                    int eq = pair.indexOf('=');
                    String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                    params.putIfAbsent(key, value);
                }
            } catch (IllegalArgumentException e) {
                throw new BadRequest("the query string is not URL-encoded properly: " + e.getMessage());
            }
            return new Query(params);
        }

        /** {@code ?lag=} in bytes or with a unit (16MB, 1GB), or {@code otherwise} without one. */
        long lag(long otherwise) throws BadRequest {
            String value = params.get("lag");
            if (value == null) return otherwise;
            long bytes;
            try {
                bytes = Units.bytes(value);
            } catch (IllegalArgumentException e) {
                bytes = -1;
            }
            if (bytes < 0)
                throw new BadRequest("query parameter lag: '" + shorten(value) + "' is not a size (write e.g. lag=0, lag=1048576, lag=16MB)");
            return bytes;
        }
    }

    /** A mutating request's JSON object; an empty body is an empty object. */
    private record Body(ObjectNode json) {
        static Body parse(byte[] bytes) throws BadRequest {
            if (new String(bytes, StandardCharsets.UTF_8).isBlank()) return new Body(JSON.createObjectNode());
            JsonNode node;
            try {
                node = JSON.readTree(bytes);
            } catch (IOException e) {
                String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                throw new BadRequest("the body is not valid JSON: " + shorten(why));
            }
            if (!(node instanceof ObjectNode object))
                throw new BadRequest("the body must be a JSON object, e.g. {\"candidate\": \"node2\"}");
            return new Body(object);
        }

        void only(String... allowed) throws BadRequest {
            Set<String> known = Set.of(allowed);
            for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (known.contains(field)) continue;
                throw new BadRequest("unknown field '" + shorten(field) + "'" + (allowed.length == 0
                        ? ": this request takes no parameters" : " (expected " + String.join(", ", allowed) + ")"));
            }
        }

        /** The field's text; null when absent or JSON null. */
        String string(String field) throws BadRequest {
            JsonNode value = json.get(field);
            if (value == null || value.isNull()) return null;
            if (!value.isTextual())
                throw new BadRequest("field '" + field + "' must be a string, not " + value.getNodeType().name().toLowerCase(Locale.ROOT));
            if (value.asText().isBlank()) throw new BadRequest("field '" + field + "' must not be empty");
            return value.asText();
        }

        Instant instant(String field) throws BadRequest {
            String text = string(field);
            if (text == null) return null;
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new BadRequest("field '" + field + "': '" + shorten(text)
                        + "' is not an ISO-8601 date-time with a time zone, e.g. 2030-01-31T03:00:00+00:00");
            }
        }
    }
}
