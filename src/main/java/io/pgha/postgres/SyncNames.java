package io.pgha.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** synchronous_standby_names in the quorum form pgha writes: {@code ANY k ("a","b")}, or empty. */
public record SyncNames(int quorum, List<String> members) {
    public static final SyncNames NONE = new SyncNames(0, List.of());
    private static final Pattern ANY = Pattern.compile("(?i)\\s*ANY\\s+(\\d+)\\s*\\((.*)\\)\\s*");

    public SyncNames {
        members = List.copyOf(members);
    }

    public String format() {
        if (members.isEmpty() || quorum == 0) return "";
        List<String> quoted = new ArrayList<>();
        for (String m : members) quoted.add("\"" + m.replace("\"", "\"\"") + "\"");
        return "ANY " + quorum + " (" + String.join(",", quoted) + ")";
    }

    /** Reads what PostgreSQL reports; a form pgha did not write counts as its members with quorum 1. */
    public static SyncNames parse(String text) {
        if (text == null || text.isBlank()) return NONE;
        Matcher m = ANY.matcher(text);
        int quorum = 1;
        String list = text;
        if (m.matches()) {
            quorum = Integer.parseInt(m.group(1));
            list = m.group(2);
        }
        List<String> names = new ArrayList<>();
        for (String part : list.split(",")) {
            String n = part.trim();
            if (n.startsWith("\"") && n.endsWith("\"") && n.length() >= 2) n = n.substring(1, n.length() - 1).replace("\"\"", "\"");
            if (!n.isEmpty()) names.add(n);
        }
        return new SyncNames(quorum, names);
    }
}
