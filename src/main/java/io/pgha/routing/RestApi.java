package io.pgha.routing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pgha.admin.AdminActions;
import io.pgha.admin.BackupActions;
import io.pgha.admin.Outcome;
import io.pgha.ha.ClusterReport;
import io.pgha.ha.HaCounters;
import io.pgha.ha.NodeState;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.HashMap;
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
 * {@code /liveness}, ...) answer 200 or 503 with Patroni's JSON body by the rules in {@link Health}; {@code /cluster},
 * {@code /history}, {@code /config} and {@code /metrics} describe the cluster; {@code POST /switchover} and the other
 * mutating endpoints need {@link ApiAuth} and hand the request to {@link AdminActions}. Every read answers from the
 * latest {@link NodeState}: it never waits for PostgreSQL or the store.
 */
public final class RestApi implements AutoCloseable {
    static final int MAX_BODY_BYTES = 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(RestApi.class);
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS");
    private static final int BACKLOG = 64;

    private final String host;
    private final int port;
    private final Supplier<NodeState> state;
    private final AdminActions actions;
    private final ApiAuth auth;
    private final BackupActions backups;
    private final Supplier<HaCounters.Snapshot> counters;
    private final PostgresScrape postgres;
    private final Map<String, Read> reads = new HashMap<>();
    private final Map<String, Write> writes = new HashMap<>();
    private final Map<String, Change> changes = new HashMap<>();
    private HttpServer server;
    private ExecutorService executor;

    public RestApi(String host, int port, Supplier<NodeState> state, AdminActions actions, ApiAuth auth) {
        this(host, port, state, actions, auth, BackupActions.NONE);
    }

    public RestApi(String host, int port, Supplier<NodeState> state, AdminActions actions, ApiAuth auth, BackupActions backups) {
        this(host, port, state, actions, auth, backups, () -> HaCounters.NONE, PostgresScrape.NONE);
    }

    /**
     * @param counters the HA loop's promotions, demotions and fencing stops
     * @param postgres PostgreSQL's own figures for {@code /metrics}, read on a connection of their own
     */
    public RestApi(String host, int port, Supplier<NodeState> state, AdminActions actions, ApiAuth auth, BackupActions backups,
                   Supplier<HaCounters.Snapshot> counters, PostgresScrape postgres) {
        this.counters = Objects.requireNonNull(counters, "counters");
        this.postgres = Objects.requireNonNull(postgres, "postgres");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.host = Objects.requireNonNull(host, "host");
        this.port = port;
        this.state = Objects.requireNonNull(state, "state");
        this.actions = Objects.requireNonNull(actions, "actions");
        this.auth = Objects.requireNonNull(auth, "auth");
        routes();
    }

    /** Answers from the latest state and the query string. */
    private interface Read {
        Response answer(NodeState s, QueryString q) throws BadRequest;
    }

    /** Checks a mutating request's body and hands it to the admin actions. */
    private interface Write {
        Outcome call(RequestBody body) throws BadRequest;
    }

    /** A mutating request that answers with its own body (JSON). */
    private interface Change {
        Response call(RequestBody body) throws BadRequest;
    }

    private void routes() {
        Read primary = (s, q) -> status(s, Health.primary(s));
        for (String path : List.of("/", "/primary", "/read-write", "/leader")) reads.put(path, primary);
        reads.put("/replica", (s, q) -> status(s, Health.replica(s, q.lag(Long.MAX_VALUE))));
        reads.put("/read-only", (s, q) -> status(s, Health.readable(s, q.lag(Long.MAX_VALUE))));
        Read sync = (s, q) -> status(s, Health.replica(s, q.lag(Long.MAX_VALUE)) && Health.synchronous(s));
        Read async = (s, q) -> status(s, Health.replica(s, q.lag(Long.MAX_VALUE)) && !Health.synchronous(s));
        reads.put("/sync", sync);
        reads.put("/synchronous", sync);
        reads.put("/async", async);
        reads.put("/asynchronous", async);
        reads.put("/health", (s, q) -> status(s, Health.running(s)));
        reads.put("/liveness", (s, q) -> status(s, Health.live(s, System.currentTimeMillis())));
        reads.put("/readiness", (s, q) -> status(s, Health.readable(s, q.lag(Health.settings(s).maximumLagOnFailover()))));
        reads.put("/patroni", (s, q) -> status(s, s != null));
        reads.put("/cluster", (s, q) -> s == null || s.view() == null
                ? Response.text(503, "the cluster has not been read from the store yet")
                : Response.json(200, ClusterReport.of(s.cluster(), s.view())));
        reads.put("/history", (s, q) -> s == null ? notReady() : Response.json(200, ReadBodies.history(s)));
        reads.put("/config", (s, q) -> s == null ? notReady() : Response.json(200, ReadBodies.config(Health.settings(s))));
        reads.put("/metrics", (s, q) -> s == null ? notReady()
                : Response.metrics(Metrics.render(s, backups.health(), counters.get(), postgres.serve())));
        reads.put("/backup", (s, q) -> BackupRoutes.status(backups));
        reads.put("/backups", (s, q) -> BackupRoutes.inventory(backups));
        changes.put("/backup", body -> BackupRoutes.start(backups, body));
        changes.put("/backup/check", body -> BackupRoutes.check(backups, body));

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
            answer(ex, method, path).send(ex, withBody);
        } catch (IOException e) {
            log.debug("REST API: {} {}: the client went away: {}", method, path, e.toString());
        } catch (RuntimeException e) {
            log.error("REST API: {} {} failed", method, Response.echo(path), e);
            try {
                Response.text(500, "internal error: " + e.getClass().getSimpleName() + " (see the agent's log)").send(ex, withBody);
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
            if (read != null && !(method.equals("POST") && changes.containsKey(path))) {
                if (!READ_METHODS.contains(method))
                    return Response.methodNotAllowed(method, path, changes.containsKey(path) ? "GET, HEAD, OPTIONS, POST" : "GET, HEAD, OPTIONS");
                return read.answer(state.get(), QueryString.parse(ex.getRequestURI().getRawQuery()));
            }
            Write write = writes.get(path);
            Change change = changes.get(path);
            if (write != null || change != null) {
                if (!method.equals("POST")) return Response.methodNotAllowed(method, path, "POST");
                return change != null ? change(ex, path, change) : change(ex, path, write);
            }
            return Response.text(404, "no such endpoint: " + Response.echo(path));
        } catch (BadRequest e) {
            return Response.text(e.status, e.getMessage());
        }
    }

    private Response change(HttpExchange ex, String path, Write write) throws IOException, BadRequest {
        return change(ex, path, (Change) body -> {
            Outcome result = write.call(body);
            if (result == null) throw new IllegalStateException("the admin action for " + path + " returned no result");
            return Response.text(statusOf(result.kind()), result.message() == null ? "" : result.message());
        });
    }

    private Response change(HttpExchange ex, String path, Change change) throws IOException, BadRequest {
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
        RequestBody body = RequestBody.parse(readBody(ex));
        Response answer = change.call(body);
        String said = new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8).strip();
        log.info("REST API: POST {} {} from {}: {} {}", path, body.json(), from, answer.status(),
                answer.contentType().equals(Response.TEXT_TYPE) ? said : Response.echo(said));
        return answer;
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

    private static Response status(NodeState s, boolean healthy) {
        return Response.json(healthy ? 200 : 503, ReadBodies.status(s));
    }

    private static Response notReady() {
        return Response.text(503, "the agent has not finished its first loop yet");
    }
}
