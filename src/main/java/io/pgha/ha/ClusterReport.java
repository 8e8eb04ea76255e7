package io.pgha.ha;

import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.Member;
import io.pgha.postgres.Lsn;
import java.util.ArrayList;
import java.util.List;

/** The cluster as {@code pgha list} shows it (and {@code -o json} prints it). */
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
        if (s.paused()) warning = "maintenance mode: agents act on no failure until pgha resume";
        else if (leader == null) warning = "no leader: nobody accepts writes";
        else if (s.sync() != null && s.sync().members().isEmpty() && leader.equals(s.sync().leader()))
            warning = "no synchronous standby: commits are acknowledged by " + leader + " alone";
        return new ClusterReport(cluster, leader, rows, warning);
    }

    public String table() {
        String[] head = {"Member", "Host", "Role", "State", "TL", "Lag in bytes"};
        List<String[]> cells = new ArrayList<>();
        cells.add(head);
        for (Row r : members) {
            cells.add(new String[] {r.name(), r.host() + ":" + r.port(), r.synchronous() ? "sync " + r.role() : r.role(), r.state(),
                    r.timeline() == 0 ? "" : String.valueOf(r.timeline()), r.lagBytes() == null ? "unknown" : String.valueOf(r.lagBytes())});
        }
        int[] w = new int[head.length];
        for (String[] row : cells) for (int i = 0; i < row.length; i++) w[i] = Math.max(w[i], row[i].length());
        StringBuilder sb = new StringBuilder();
        String title = " Cluster: " + cluster + " ";
        StringBuilder sep = new StringBuilder("+");
        for (int x : w) sep.append("-".repeat(x + 2)).append('+');
        String top = "+" + title + sep.substring(Math.min(sep.length() - 1, title.length() + 1));
        sb.append(top.length() >= sep.length() ? top : top + sep.substring(top.length())).append('\n');
        for (int r = 0; r < cells.size(); r++) {
            sb.append('|');
            for (int i = 0; i < w.length; i++) sb.append(' ').append(pad(cells.get(r)[i], w[i])).append(" |");
            sb.append('\n');
            if (r == 0) sb.append(sep).append('\n');
        }
        sb.append(sep).append('\n');
        if (warning != null) sb.append("WARNING: ").append(warning).append('\n');
        return sb.toString();
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(w - s.length());
    }
}
