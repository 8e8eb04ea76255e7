package io.pgha.postgres;

import io.pgha.config.Cidr;
import io.pgha.config.NodeConfig;
import io.pgha.config.Units;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders the configuration files pgha owns: the {@code pgha.conf} include and {@code pg_hba.conf}. */
public final class ManagedFiles {
    private static final Logger log = LoggerFactory.getLogger(ManagedFiles.class);
    public static final String INCLUDE_FILE = "pgha.conf";
    public static final String INCLUDE_LINE = "include_if_exists = '" + INCLUDE_FILE + "'\t# added by pgha: keep last";

    private ManagedFiles() {}

    /** The physical slot a member streams through; PostgreSQL slot names allow [a-z0-9_]. */
    public static String slotName(String member) {
        return member.toLowerCase().replaceAll("[^a-z0-9_]", "_");
    }

    public static String includeFile(NodeConfig.Postgres pg, String runDir, Upstream upstream, String memberName,
                                      String passFile) {
        return includeFile(pg, runDir, upstream, memberName, passFile, WalBudget.of(pg.dataDir()));
    }

    static String includeFile(NodeConfig.Postgres pg, String runDir, Upstream upstream, String memberName,
                              String passFile, WalBudget wal) {
        List<String> lines = new ArrayList<>();
        lines.add("# Managed by pgha: rewritten before every start. Put your own settings in postgres.parameters.");
        lines.add("listen_addresses = '" + pg.listen() + "'");
        lines.add("port = " + pg.port());
        lines.add("unix_socket_directories = '" + runDir + "'");
        lines.add("wal_level = replica");
        lines.add("max_wal_senders = 10");
        lines.add("max_replication_slots = 10");
        lines.add("hot_standby = on");
        lines.add("wal_log_hints = on");
        long slotKeep = wal.slotKeepBytes(pg.maxSlotWalKeepSizeBytes()) >> 20 << 20;
        if (slotKeep < pg.maxSlotWalKeepSizeBytes())
            log.warn("postgres.max_slot_wal_keep_size {} capped to {}: pg_wal's filesystem holds {} MB in all",
                    Units.pgSize(pg.maxSlotWalKeepSizeBytes()), Units.pgSize(slotKeep), wal.filesystemBytes() >> 20);
        lines.add("max_slot_wal_keep_size = '" + Units.pgSize(slotKeep) + "'");
        // postgres.parameters come after and win: an operator's max_wal_size is kept
        wal.maxWalSizeBytes().ifPresent(b -> lines.add("max_wal_size = '" + Units.pgSize(b >> 20 << 20) + "'"));
        lines.add("password_encryption = 'scram-sha-256'");
        // rotated files beside the start-up log; ServerLogs deletes the oldest beyond postgres.log_files
        lines.add("logging_collector = on");
        lines.add("log_directory = '" + runDir + "'");
        lines.add("log_filename = '" + ServerLogs.FILENAME + "'");
        lines.add("log_rotation_size = '" + Units.pgSize(pg.logFileSizeBytes()) + "'");
        // a standby whose primary moved must find the new one in well under a second, not PostgreSQL's 5 s
        lines.add("wal_retrieve_retry_interval = '200ms'");
        lines.add("wal_receiver_status_interval = '1s'");
        lines.add("wal_receiver_timeout = '10s'");
        lines.add("wal_sender_timeout = '10s'");
        lines.add("recovery_target_timeline = 'latest'");
        if (upstream != null) {
            lines.add("primary_conninfo = '" + conninfo(upstream, pg.replicationUser(), memberName, passFile) + "'");
            lines.add("primary_slot_name = '" + slotName(memberName) + "'");
        }
        pg.parameters().forEach((k, v) -> lines.add(k + " = '" + v.replace("'", "''") + "'"));
        return String.join("\n", lines) + "\n";
    }

    static String conninfo(Upstream upstream, String user, String applicationName, String passFile) {
        return "host=" + upstream.host() + " port=" + upstream.port() + " user=" + user + " passfile=" + passFile
                + " application_name=" + applicationName + " connect_timeout=2 keepalives_idle=2"
                + " keepalives_interval=1 keepalives_count=3";
    }

    /**
     * scram-sha-256 only: the agent and members' pg_rewind reach the superuser, members replicate,
     * clients come from the allowlist. Nothing else connects.
     */
    public static String hba(NodeConfig.Postgres pg, String agentAddress, Collection<String> memberAddresses) {
        List<String> lines = new ArrayList<>();
        lines.add("# Managed by pgha: regenerated from the cluster's members; edits here are overwritten.");
        lines.add("# TYPE  DATABASE     USER          ADDRESS              METHOD");
        lines.add("local   all          all                                scram-sha-256");
        TreeSet<String> superuserFrom = new TreeSet<>(memberAddresses);
        superuserFrom.add(agentAddress);
        for (String a : superuserFrom) lines.add(row("host", "all", pg.superuser(), hostCidr(a)));
        for (String a : new TreeSet<>(memberAddresses)) lines.add(row("host", "replication", pg.replicationUser(), hostCidr(a)));
        for (Cidr c : pg.allowedClientCidrs()) lines.add(row("host", "all", "all", c.toString()));
        return String.join("\n", lines) + "\n";
    }

    private static String hostCidr(String address) {
        return address.contains(":") ? address + "/128" : address + "/32";
    }

    private static String row(String type, String db, String user, String address) {
        return String.format("%-7s %-12s %-13s %-20s scram-sha-256", type, db, user, address);
    }
}
