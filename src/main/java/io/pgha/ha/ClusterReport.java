package io.pgha.ha;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.postgres.Lsn;
import java.util.ArrayList;
import java.util.List;

/** The cluster as {@code pgha list} and the REST API's {@code /cluster} report it: data only, the CLI draws the table. */
public record ClusterReport(String cluster, String leader, List<Row> members, String warning) {

    public record Row(String name, String host, int port, String role, String state, long timeline,
                      Long lagBytes, String apiUrl, boolean synchronous) {}

    public static ClusterReport of(String cluster, ClusterSnapshot s) {
        String leader = s.leader() == null ? null : s.leader().holder();
        Member lead = leader == null ? null : s.members().get(leader);
        List<Row> rows = new ArrayList<>();
        for (Member m : s.members().values()) {
            boolean alive = s.isAlive(m.name());
            boolean isLeader = m.name().equals(leader);
            String role = isLeader ? Member.LEADER : alive && Member.REPLICA.equals(m.role()) ? Member.REPLICA
                    : alive ? m.role() : Member.UNKNOWN;
            String state = alive ? m.state() + (m.pendingRestart() ? ", restart pending" : "") : "agent down";
            Long lag = null;
            if (!isLeader && lead != null && alive && Member.REPLICA.equals(m.role())) lag = Lsn.lag(lead.lsn(), m.lsn());
            if (isLeader) lag = 0L;
            boolean sync = !isLeader && s.sync() != null && s.sync().members().contains(m.name());
            rows.add(new Row(m.name(), m.host(), m.port(), role, state, m.timeline(), lag, m.apiUrl(), sync));
        }
        String warning = null;
        Member stuck = s.members().values().stream().filter(m -> m.stuck() != null && s.isAlive(m.name())).findFirst().orElse(null);
        Member full = s.members().values().stream().filter(m -> m.diskFull() && s.isAlive(m.name())).findFirst().orElse(null);
        if (stuck != null) warning = stuck.name() + " is stuck: " + stuck.stuck();
        else if (full != null) warning = full.name() + "'s data or pg_wal filesystem is full: free space there";
        else if (s.paused()) warning = "maintenance mode: agents act on no failure until pgha resume";
        else if (leader == null) warning = "no leader: nobody accepts writes";
        else if (s.sync() != null && s.sync().members().isEmpty() && leader.equals(s.sync().leader()))
            warning = "no synchronous standby: commits are acknowledged by " + leader + " alone";
        return new ClusterReport(cluster, leader, rows, warning);
    }
}
