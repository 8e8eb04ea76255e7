package io.pgha.routing;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.HistoryEntry;
import io.pgha.ha.NodeState;
import io.pgha.postgres.Lsn;
import io.pgha.postgres.PgStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON the read endpoints answer, built from the latest node state. */
final class ReadBodies {
    private ReadBodies() {}

    /** Patroni's node status: the same field names, so tools that parse Patroni's answer parse this one. */
    static Map<String, Object> status(NodeState s) {
        Map<String, Object> b = new LinkedHashMap<>();
        if (s == null) {
            b.put("state", "unknown");
            b.put("role", "unknown");
            return b;
        }
        PgStatus pg = Health.pg(s);
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
        if (s.stuck() != null) b.put("stuck", s.stuck());
        Map<String, Object> patroni = new LinkedHashMap<>();
        patroni.put("scope", s.cluster());
        patroni.put("name", s.name());
        b.put("patroni", patroni);
        return b;
    }

    static List<Map<String, Object>> history(NodeState s) {
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
    static Map<String, Object> config(HaSettings h) {
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
}
