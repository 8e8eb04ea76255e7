package io.pgha.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard shipped in dashboards/: its panels and the metric names its PromQL queries use. */
public record Dashboard(List<String> panelTitles, List<String> queries) {
    private static final Pattern METRIC = Pattern.compile("\\bpgha_[a-z0-9_]+");

    /** Throws when the file is not JSON, or a panel's query names no pgha metric at all. */
    public static Dashboard read(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        if (root == null || !root.path("panels").isArray()) throw new IOException(file + " has no panels array");
        List<String> titles = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : root.path("panels")) {
            titles.add(panel.path("title").asText());
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText("");
                if (!METRIC.matcher(expr).find())
                    throw new IOException("panel '" + panel.path("title").asText() + "' has a query naming no pgha metric: " + expr);
                queries.add(expr);
            }
        }
        for (JsonNode variable : root.path("templating").path("list")) {
            String q = variable.path("query").isTextual() ? variable.path("query").asText() : variable.path("query").path("query").asText("");
            if (q.contains("pgha_")) queries.add(q);
        }
        return new Dashboard(List.copyOf(titles), List.copyOf(queries));
    }

    public Set<String> metricNames() {
        Set<String> names = new TreeSet<>();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) names.add(m.group());
        }
        return names;
    }
}
