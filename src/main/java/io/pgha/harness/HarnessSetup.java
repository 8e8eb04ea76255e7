package io.pgha.harness;

import io.pgha.config.NodeConfig;
import io.pgha.dcs.Store;
import io.pgha.migrate.ClusterPrimary;
import io.pgha.migrate.Endpoint;
import io.pgha.migrate.MigrateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pgha harness}: checks the names and the endpoint, makes the application role on the primary, writes the
 * Secret and the Helm values. Nothing changes on the server or on disk until every input has been checked.
 */
public final class HarnessSetup {
    /** What the operator asked for; {@code endpoint} null lets the config's DNS record be chosen. */
    public record Request(String namespace, String secretName, String user, String endpoint, boolean rotate, Path out,
                          List<String> ownDatabases) {}

    /** What was done: the values written, where, and what the operator should know. */
    public record Result(HarnessValues values, String endpointSource, boolean roleCreated, boolean passwordReused,
                         Path passwordFile, List<Path> files, boolean timescaleAvailable, List<String> handedOver) {}

    /** The request with every name and the endpoint checked: nothing is contacted before this holds. */
    public record Plan(String namespace, String secretName, String role, HostPort endpoint, String endpointSource,
                       boolean rotate, Path out, List<String> ownDatabases) {}

    private HarnessSetup() {}

    public static Plan plan(NodeConfig config, Request r) throws HarnessException {
        NodeConfig.Postgres pg = config.postgres();
        String namespace = HarnessNames.namespace(r.namespace());
        String secretName = HarnessNames.secretName(r.secretName());
        String role = HarnessNames.role(r.user(), pg.superuser(), pg.replicationUser());
        HostPort endpoint = r.endpoint() != null ? HostPort.parse(r.endpoint(), "--endpoint") : dnsEndpoint(config);
        String source = r.endpoint() != null ? "--endpoint" : "the DNS record (dns: in the config)";
        if (r.out() == null) throw new HarnessException("--out DIR is required: where the password, the Secret and the values go");
        return new Plan(namespace, secretName, role, endpoint, source, r.rotate(), r.out(),
                r.ownDatabases() == null ? List.of() : List.copyOf(r.ownDatabases()));
    }

    public static Result run(NodeConfig config, Store store, Plan p) throws HarnessException {
        Endpoint primary;
        try {
            primary = ClusterPrimary.find(config, store);
        } catch (MigrateException e) {
            throw new HarnessException(e.getMessage());
        }
        HostPort primaryAt = new HostPort(primary.host(), primary.port());
        try (Connection su = Sessions.open(primaryAt, primary.user(), primary.password(), "postgres", "the primary")) {
            EndpointCheck.ServerIdentity id = EndpointCheck.identify(su);
            if (id.inRecovery())
                throw new HarnessException("the member the store names as leader (" + primaryAt + ") is still in recovery:"
                        + " a failover is under way; run again once pgha list shows a running leader");
            EndpointCheck.requirePrimary(p.endpoint(), p.endpointSource(), primary.user(), primary.password(), id.systemIdentifier(),
                    primaryAt.toString());
            for (String db : p.ownDatabases()) DatabaseHandover.requireUserDatabase(su, db);
            OutputFiles.prepareDirectory(p.out());
            Path passwordFile = p.out().resolve(p.role() + ".password");
            boolean reused = Files.exists(passwordFile) && !p.rotate();
            String password = RolePassword.reuseOrCreate(passwordFile, p.rotate());
            boolean created = ApplicationRole.ensure(su, p.role(), password);
            boolean timescale = ApplicationRole.timescaleAvailable(su);
            List<String> handedOver = new ArrayList<>();
            for (String db : p.ownDatabases()) {
                try (Connection inDb = Sessions.open(primaryAt, primary.user(), primary.password(), db, "the primary")) {
                    handedOver.add(db + " (" + DatabaseHandover.handOver(su, inDb, db, p.role()) + " owners changed)");
                }
            }
            // no TLS on the cluster's client connections yet: the services must not ask for it
            HarnessValues values = new HarnessValues(p.namespace(), p.secretName(), p.role(), password, p.endpoint(), "disable");
            List<Path> files = HarnessFiles.write(p.out(), values);
            requireServiceLogin(values);
            return new Result(values, p.endpointSource(), created, reused, passwordFile, files, timescale, handedOver);
        } catch (SQLException e) {
            throw new HarnessException("cannot read the primary's state: " + Sessions.firstLine(e.getMessage()));
        }
    }

    /** The endpoint the config's DNS record gives: the record's name and this cluster's PostgreSQL port. */
    static HostPort dnsEndpoint(NodeConfig config) throws HarnessException {
        NodeConfig.Dns dns = config.dns();
        if (dns == null)
            throw new HarnessException("no stable endpoint to give Harness: pass --endpoint HOST:PORT, or configure dns:"
                    + " so the leader keeps a record pointing at itself. Choices for --endpoint: pgha's read-write proxy"
                    + " (port " + config.proxy().readWritePort() + " on every node) behind a load-balanced name, or HAProxy"
                    + " configured with pgha haproxy-config. Not a list of nodes: Harness's chart turns several hosts into a"
                    + " comma list of URIs that PostgreSQL drivers do not understand");
        return HostPort.parse(recordName(dns.record(), dns.zone()) + ":" + config.postgres().port(), "dns.record");
    }

    static String recordName(String record, String zone) {
        if (record.endsWith(".")) return record.substring(0, record.length() - 1);
        String z = zone.endsWith(".") ? zone.substring(0, zone.length() - 1) : zone;
        return record + "." + z;
    }

    /** Logs in through the endpoint exactly as a service would, as the role, to the maintenance database. */
    private static void requireServiceLogin(HarnessValues v) throws HarnessException {
        try (Connection c = Sessions.open(v.endpoint(), v.user(), v.password(), "postgres", "the endpoint");
             var st = c.createStatement(); var rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
            rs.next();
            if (rs.getBoolean(1))
                throw new HarnessException(v.endpoint() + " moved to a standby while pgha harness ran: run it again");
        } catch (SQLException e) {
            throw new HarnessException("role " + v.user() + " logged in through " + v.endpoint() + " but could not query: "
                    + Sessions.firstLine(e.getMessage()));
        }
    }
}
