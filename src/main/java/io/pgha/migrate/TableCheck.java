package io.pgha.migrate;

import java.util.ArrayList;
import java.util.List;

/** One relation compared between the source and the cluster; a null sum: the relation is missing on that side. */
public record TableCheck(String database, String table, TableChecksums.Sum source, TableChecksums.Sum cluster) {
    public boolean matches() {
        return source != null && cluster != null && source.rows() == cluster.rows()
                && source.checksum().equals(cluster.checksum());
    }

    /** The summary table migrate prints: one line per relation, the result last. */
    public static String render(List<TableCheck> checks) {
        String[] head = {"Database", "Table", "Rows (source)", "Rows (cluster)", "Checksum"};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (TableCheck t : checks) {
            rows.add(new String[] {t.database(), t.table(), count(t.source()), count(t.cluster()),
                    t.matches() ? "match" : t.source() == null || t.cluster() == null ? "MISSING" : "MISMATCH"});
        }
        int[] w = new int[head.length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder sep = new StringBuilder("+");
        for (int x : w) sep.append("-".repeat(x + 2)).append('+');
        StringBuilder sb = new StringBuilder().append(sep).append('\n');
        for (int r = 0; r < rows.size(); r++) {
            sb.append('|');
            for (int i = 0; i < w.length; i++) sb.append(' ').append(rows.get(r)[i]).append(" ".repeat(w[i] - rows.get(r)[i].length())).append(" |");
            sb.append('\n');
            if (r == 0) sb.append(sep).append('\n');
        }
        return sb.append(sep).append('\n').toString();
    }

    private static String count(TableChecksums.Sum s) {
        return s == null ? "-" : String.valueOf(s.rows());
    }
}
