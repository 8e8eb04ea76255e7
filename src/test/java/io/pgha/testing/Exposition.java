package io.pgha.testing;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of Prometheus' text format 0.0.4: every line a HELP, a TYPE or a sample of a family declared
 * before it, labels well formed and unique per series, values numbers. Any deviation throws, naming the line.
 */
public final class Exposition {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(?:\\{(.*)})? (\\S+)(?: (-?\\d+))?");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

    public record Sample(String name, Map<String, String> labels, double value) {
        public String label(String key) {
            return labels.get(key);
        }
    }

    private final Map<String, String> types = new LinkedHashMap<>();
    private final List<Sample> samples = new ArrayList<>();

    private Exposition() {}

    public static Exposition parse(String text) {
        if (!text.isEmpty() && !text.endsWith("\n")) throw new IllegalArgumentException("the exposition does not end with a newline");
        Exposition e = new Exposition();
        Set<String> helped = new HashSet<>();
        Set<String> series = new HashSet<>();
        String family = null;
        Set<String> closed = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int n = 1; n < lines.length; n++) {
            String line = lines[n - 1];
            Matcher m;
            if ((m = HELP.matcher(line)).matches()) {
                if (!helped.add(m.group(1))) throw bad(n, line, "a second HELP for " + m.group(1));
                family = start(family, m.group(1), closed, n, line);
            } else if ((m = TYPE.matcher(line)).matches()) {
                if (e.types.put(m.group(1), m.group(2)) != null) throw bad(n, line, "a second TYPE for " + m.group(1));
                family = start(family, m.group(1), closed, n, line);
            } else if (line.startsWith("#")) {
                throw bad(n, line, "a comment that is neither HELP nor TYPE");
            } else if ((m = SAMPLE.matcher(line)).matches()) {
                String name = m.group(1);
                if (!name.equals(family)) throw bad(n, line, "a sample outside its family's block (family " + family + ")");
                if (!e.types.containsKey(name)) throw bad(n, line, "a sample before its TYPE");
                Map<String, String> labels = labels(m.group(2), n, line);
                if (!series.add(name + labels)) throw bad(n, line, "the same series twice");
                e.samples.add(new Sample(name, labels, value(m.group(3), n, line)));
            } else {
                throw bad(n, line, "not a HELP, TYPE or sample line");
            }
        }
        return e;
    }

    private static String start(String current, String name, Set<String> closed, int n, String line) {
        if (name.equals(current)) return current;
        if (current != null) closed.add(current);
        if (closed.contains(name)) throw bad(n, line, "family " + name + " continues after another family began");
        return name;
    }

    private static Map<String, String> labels(String text, int n, String line) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) return out;
        Matcher m = LABEL.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) throw bad(n, line, "malformed labels at: " + text.substring(at));
            if (out.put(m.group(1), m.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\")) != null)
                throw bad(n, line, "label " + m.group(1) + " twice");
            at = m.end();
        }
        return out;
    }

    private static double value(String text, int n, String line) {
        return switch (text) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> {
                if (!NUMBER.matcher(text).matches()) throw bad(n, line, "the value is not a number");
                yield Double.parseDouble(text);
            }
        };
    }

    private static IllegalArgumentException bad(int n, String line, String why) {
        return new IllegalArgumentException("line " + n + ": " + why + ": " + line);
    }

    public Map<String, String> types() {
        return types;
    }

    public List<Sample> samples() {
        return samples;
    }

    public List<Sample> samples(String name) {
        return samples.stream().filter(s -> s.name().equals(name)).toList();
    }

    /** The one sample of {@code name} whose labels include every given key and value. */
    public double value(String name, String... keyValues) {
        List<Sample> found = samples(name).stream().filter(s -> {
            for (int i = 0; i < keyValues.length; i += 2) if (!keyValues[i + 1].equals(s.label(keyValues[i]))) return false;
            return true;
        }).toList();
        if (found.size() != 1)
            throw new IllegalArgumentException(found.size() + " samples of " + name + " " + List.of(keyValues) + ", not one");
        return found.get(0).value();
    }
}
