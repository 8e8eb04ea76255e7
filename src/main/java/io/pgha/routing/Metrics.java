package io.pgha.routing;

import io.pgha.admin.BackupHealth;
import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.ha.HaCounters;
import io.pgha.ha.NodeState;
import io.pgha.postgres.DiskSpace;
import io.pgha.postgres.Lsn;
import io.pgha.postgres.PgStatus;
import java.math.BigDecimal;

/** Prometheus text format 0.0.4; every sample carries Patroni's {@code scope} and {@code name} labels. */
final class Metrics {
    private final StringBuilder out = new StringBuilder();
    private final String labels;

    private Metrics(NodeState s) {
        labels = "scope=\"" + escape(s.cluster()) + "\",name=\"" + escape(s.name()) + "\"";
    }

    static String render(NodeState s) {
        return render(s, BackupHealth.UNKNOWN);
    }

    static String render(NodeState s, BackupHealth backup) {
        return render(s, backup, HaCounters.NONE, null);
    }

    /** @param postgres PostgreSQL's own figures, null when this agent does not read them */
    static String render(NodeState s, BackupHealth backup, HaCounters.Snapshot ha, PostgresScrape.Served postgres) {
        Metrics m = new Metrics(s);
        PgStatus pg = Health.pg(s);
        ClusterSnapshot v = s.view();
        HaSettings h = Health.settings(s);
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
        m.gauge("pgha_stuck", "1 when this agent tried every remedy, repeats none, and waits for an operator (see its log"
                + " or GET / for why).", s.stuck() != null ? 1 : 0);
        m.gauge("pgha_replication_slots", "Physical replication slots on this node's PostgreSQL.",
                pg.slots() == null ? 0 : pg.slots().size());
        m.disk(pg.disk());
        m.backup(backup);
        HaEventMetrics.render(m, ha);
        if (postgres != null) PostgresMetrics.render(m, postgres);
        return m.out.toString();
    }

    /** Absent while unknown, rather than a 0 that would read as a full disk. */
    private void disk(DiskSpace d) {
        m("pgha_data_filesystem_free_bytes", "Bytes usable on the filesystem holding the data directory.", d.dataFreeBytes(), d);
        m("pgha_data_filesystem_size_bytes", "Total bytes of the filesystem holding the data directory.", d.dataSizeBytes(), d);
        m("pgha_wal_filesystem_free_bytes", "Bytes usable on the filesystem holding pg_wal.", d.walFreeBytes(), d);
        m("pgha_wal_filesystem_size_bytes", "Total bytes of the filesystem holding pg_wal.", d.walSizeBytes(), d);
        m("pgha_disk_space_low", "1 when the data or pg_wal filesystem has less than " + DiskSpace.LOW_PERCENT
                + "% free.", d.low() ? 1 : 0, d);
    }

    /** Read by the primary's backup service every few seconds; absent while unknown (on standbys, before the first read). */
    private void backup(BackupHealth b) {
        header("pgha_archive_failed_total", "counter", "WAL segments PostgreSQL failed to archive (pg_stat_archiver.failed_count).");
        if (b.archiveFailedTotal() != null) sample("pgha_archive_failed_total", "", b.archiveFailedTotal());
        optional("pgha_archive_last_success_age_seconds", "Seconds since the latest WAL segment was archived.",
                b.archiveLastSuccessAgeSeconds());
        optional("pgha_backup_last_success_age_seconds", "Seconds since the newest backup in the repository finished.",
                b.backupLastSuccessAgeSeconds());
        optional("pgha_backup_repository_bytes", "Bytes the repository stores for the backup sets (WAL archive not counted).",
                b.repositoryBytes());
        gauge("pgha_backup_running", "1 while this agent takes a base backup.", b.running() ? 1 : 0);
    }

    private void optional(String name, String help, Long value) {
        header(name, "gauge", help);
        if (value != null) sample(name, "", value);
    }

    private void m(String name, String help, long value, DiskSpace d) {
        header(name, "gauge", help);
        if (d.known()) sample(name, "", value);
    }

    void gauge(String name, String help, Object value) {
        header(name, "gauge", help);
        sample(name, "", value);
    }

    void header(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** @param extraLabels empty, or labels each written as {@code ,key="value"} (see {@link #label}) */
    void sample(String name, String extraLabels, Object value) {
        out.append(name).append('{').append(labels).append(extraLabels).append("} ").append(value).append('\n');
    }

    static String label(String key, String value) {
        return "," + key + "=\"" + escape(value) + "\"";
    }

    /** Seconds and other fractions: plain decimal, at most microsecond precision. */
    static String decimal(double value) {
        return BigDecimal.valueOf(value).setScale(6, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    private static String escape(String value) {
        if (value == null) return "";
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
