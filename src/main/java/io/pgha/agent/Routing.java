package io.pgha.agent;

import io.pgha.admin.AdminActions;
import io.pgha.admin.BackupActions;
import io.pgha.config.NodeConfig;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.ha.HaCounters;
import io.pgha.ha.NodeState;
import io.pgha.postgres.PgState;
import io.pgha.routing.ApiAuth;
import io.pgha.routing.CallbackRunner;
import io.pgha.routing.DnsSettings;
import io.pgha.routing.DnsUpdateException;
import io.pgha.routing.DnsUpdater;
import io.pgha.routing.PostgresScrape;
import io.pgha.routing.RestApi;
import io.pgha.routing.TcpProxy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every way clients find the primary, kept in line with the HA loop's state: the REST API, the TCP
 * proxies, the DNS record and the user's callbacks. DNS and callbacks run off the loop's thread, so a
 * slow DNS server or a hanging script never delays a failover.
 */
final class Routing implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Routing.class);

    private final NodeConfig config;
    private final Supplier<NodeState> state;
    private final RestApi api;
    private final PostgresScrape postgres;
    private final TcpProxy readWrite;
    private final TcpProxy readOnly;
    private final DnsUpdater dns;
    private final CallbackRunner callbacks;
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "routing");
        t.setDaemon(true);
        return t;
    });
    private volatile List<InetSocketAddress> writeTargets = List.of();
    private volatile List<InetSocketAddress> readTargets = List.of();
    private String role = "";
    private long dnsPointedAtNanos;

    Routing(NodeConfig config, Supplier<NodeState> state, AdminActions admin, BackupActions backups,
            Supplier<HaCounters.Snapshot> counters, PostgresScrape postgres) throws IOException {
        this.config = config;
        this.state = state;
        this.postgres = postgres;
        this.api = new RestApi(config.api().host(), config.api().port(), state, admin, auth(config.api()), backups,
                counters, postgres);
        boolean proxy = config.proxy().enabled();
        this.readWrite = proxy ? new TcpProxy("read-write", config.proxy().listen(), config.proxy().readWritePort(), () -> writeTargets) : null;
        this.readOnly = proxy ? new TcpProxy("read-only", config.proxy().listen(), config.proxy().readOnlyPort(), () -> readTargets) : null;
        NodeConfig.Dns d = config.dns();
        this.dns = d == null ? null : new DnsUpdater(new DnsSettings(d.server(), d.port(), d.zone(), d.record(), d.ttl(),
                d.tsigKeyName(), d.tsigAlgorithm(), d.tsigSecretFile()));
        this.callbacks = new CallbackRunner(config.callbacks().commands(), config.callbacks().timeout());
    }

    private static ApiAuth auth(NodeConfig.Api api) throws IOException {
        String token = api.tokenFile() == null ? null : Files.readString(api.tokenFile()).strip();
        String password = api.passwordFile() == null ? null : Files.readString(api.passwordFile()).strip();
        return token == null && api.username() == null ? ApiAuth.none() : ApiAuth.of(token, api.username(), password);
    }

    void start() throws IOException {
        api.start();
        if (readWrite != null) readWrite.start();
        if (readOnly != null) readOnly.start();
        background.execute(() -> callbacks.run("on_start", "unknown", config.cluster()));
        if (dns != null) {
            long every = config.dns().reassertInterval().toMillis();
            background.scheduleWithFixedDelay(this::reassertDns, every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** On the HA loop's thread after every iteration: cheap unless the primary moved. */
    void onState(NodeState s) {
        List<InetSocketAddress> w = writeTargets(s);
        List<InetSocketAddress> r = readTargets(s, w);
        boolean moved = !w.equals(writeTargets) || !r.equals(readTargets);
        writeTargets = w;
        readTargets = r;
        if (moved) {
            if (readWrite != null) readWrite.retarget();
            if (readOnly != null) readOnly.retarget();
        }
        String now = s.holdsLease() ? "primary" : s.pg().running() && s.pg().inRecovery() ? "replica" : "unknown";
        if (!now.equals(role)) {
            String before = role;
            role = now;
            if (!before.isEmpty()) background.execute(() -> callbacks.run("on_role_change", now, config.cluster()));
            if (now.equals("primary") && dns != null) {
                dnsPointedAtNanos = 0;
                background.execute(this::pointDns);
            }
        }
    }

    /** Only the lease holder, and only once its own record says it runs as primary (invariant 2). */
    static List<InetSocketAddress> writeTargets(NodeState s) {
        ClusterSnapshot v = s.view();
        if (v == null || v.leader() == null) return List.of();
        Member m = v.members().get(v.leader().holder());
        if (m == null) return List.of();
        boolean ready = Member.LEADER.equals(m.role()) || (s.name().equals(m.name()) && s.holdsLease());
        return ready ? List.of(new InetSocketAddress(m.host(), m.port())) : List.of();
    }

    /** Streaming standbys of the leader; the primary only when none streams. */
    static List<InetSocketAddress> readTargets(NodeState s, List<InetSocketAddress> primary) {
        ClusterSnapshot v = s.view();
        if (v == null || v.leader() == null) return List.of();
        List<InetSocketAddress> out = new ArrayList<>();
        for (Member m : v.members().values()) {
            if (v.isAlive(m.name()) && Member.REPLICA.equals(m.role()) && m.state() == PgState.STREAMING
                    && Objects.equals(v.leader().holder(), m.upstream())) {
                out.add(new InetSocketAddress(m.host(), m.port()));
            }
        }
        return out.isEmpty() ? primary : out;
    }

    private void pointDns() {
        NodeState s = state.get();
        if (s == null || !s.holdsLease()) return;
        try {
            dns.pointAt(config.dns().target());
            dnsPointedAtNanos = System.nanoTime();
            log.info("DNS: {} now points at {}", dns.name(), config.dns().target());
        } catch (DnsUpdateException e) {
            log.warn("DNS update failed, retrying in 2 s: {}", e.getMessage());
            background.schedule(this::pointDns, 2, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            log.warn("DNS update failed, retrying in 2 s: {}", e.toString());
            background.schedule(this::pointDns, 2, TimeUnit.SECONDS);
        }
    }

    private void reassertDns() {
        NodeState s = state.get();
        if (s != null && s.holdsLease() && dnsPointedAtNanos != 0) pointDns();
    }

    @Override
    public void close() {
        callbacks.run("on_stop", role.isEmpty() ? "unknown" : role, config.cluster());
        background.shutdownNow();
        if (readWrite != null) readWrite.close();
        if (readOnly != null) readOnly.close();
        api.close();
        postgres.close();
    }

}
