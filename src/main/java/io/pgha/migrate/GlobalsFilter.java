package io.pgha.migrate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes pg_dumpall's globals script safe to run on the cluster: statements about roles the cluster already
 * has are left out (its superuser's and replication user's passwords are pgha's, never the dump's), and so
 * are tablespaces (pg_restore runs with --no-tablespaces; the cluster's nodes have no such paths).
 */
public final class GlobalsFilter {
    /** The script to run, the roles it creates, and the roles and lines it left out. */
    public record Result(String script, Set<String> creates, Set<String> kept, int tablespaceLines) {}

    private GlobalsFilter() {}

    public static Result filter(String globals, Set<String> existingRoles) {
        List<String> out = new ArrayList<>();
        Set<String> creates = new LinkedHashSet<>();
        Set<String> kept = new LinkedHashSet<>();
        int tablespaces = 0;
        for (String line : globals.split("\n", -1)) {
            String role = roleOf(line);
            if (role != null && existingRoles.contains(role)) {
                kept.add(role);
                continue;
            }
            if (line.startsWith("CREATE ROLE ") && role != null) creates.add(role);
            if (line.contains(" TABLESPACE ") && !line.startsWith("--")) {
                tablespaces++;
                continue;
            }
            out.add(line);
        }
        return new Result(String.join("\n", out), creates, kept, tablespaces);
    }

    /** The role a CREATE/ALTER/COMMENT ON ROLE statement is about, unquoted; null for any other line. */
    static String roleOf(String line) {
        for (String prefix : new String[] {"CREATE ROLE ", "ALTER ROLE ", "COMMENT ON ROLE ", "ALTER USER "}) {
            if (line.startsWith(prefix)) return identifierAt(line, prefix.length());
        }
        if (line.startsWith("SECURITY LABEL ")) {
            int at = line.indexOf(" ON ROLE ");
            return at < 0 ? null : identifierAt(line, at + " ON ROLE ".length());
        }
        return null;
    }

    /** The SQL identifier starting at {@code from}: a quoted one (with "" for a quote) or a bare lower-case one. */
    static String identifierAt(String line, int from) {
        if (from < line.length() && line.charAt(from) == '"') {
            StringBuilder sb = new StringBuilder();
            for (int i = from + 1; i < line.length(); i++) {
                char c = line.charAt(i);
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        sb.append('"');
                        i++;
                    } else return sb.toString();
                } else sb.append(c);
            }
            return null;
        }
        int end = from;
        while (end < line.length() && line.charAt(end) != ' ' && line.charAt(end) != ';') end++;
        return end == from ? null : line.substring(from, end);
    }
}
