package io.pgha.cli;

import io.pgha.ha.ClusterReport;
import java.util.ArrayList;
import java.util.List;

/** {@link ClusterReport} drawn as the table {@code pgha list} and {@code pgha demo} print. */
public final class ClusterTable {
    private static final String[] HEAD = {"Member", "Host", "Role", "State", "TL", "Lag in bytes"};

    private ClusterTable() {}

    public static String render(ClusterReport report) {
        List<String[]> cells = new ArrayList<>();
        cells.add(HEAD);
        for (ClusterReport.Row r : report.members()) {
            cells.add(new String[] {r.name(), r.host() + ":" + r.port(), r.synchronous() ? "sync " + r.role() : r.role(), r.state(),
                    r.timeline() == 0 ? "" : String.valueOf(r.timeline()), r.lagBytes() == null ? "unknown" : String.valueOf(r.lagBytes())});
        }
        int[] w = new int[HEAD.length];
        for (String[] row : cells) for (int i = 0; i < row.length; i++) w[i] = Math.max(w[i], row[i].length());
        StringBuilder sb = new StringBuilder();
        String title = " Cluster: " + report.cluster() + " ";
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
        if (report.warning() != null) sb.append("WARNING: ").append(report.warning()).append('\n');
        return sb.toString();
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(w - s.length());
    }
}
