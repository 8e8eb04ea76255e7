package io.pgha.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the human units used in the config: durations ("500ms", "3s", "1m") and sizes ("16MB"). */
public final class Units {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb|tb)?");

    private Units() {}

    public static Duration duration(String text) {
        Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches())
            throw new IllegalArgumentException("'" + text + "' is not a duration (write e.g. 500ms, 3s, 1m)");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches())
            throw new IllegalArgumentException("'" + text + "' is not a size (write e.g. 0, 16MB, 1GB)");
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        return switch (unit) {
            case "kb" -> n << 10;
            case "mb" -> n << 20;
            case "gb" -> n << 30;
            case "tb" -> n << 40;
            default -> n;
        };
    }

    /** Formats a size the way PostgreSQL's GUCs accept it. */
    public static String pgSize(long bytes) {
        if (bytes % (1L << 30) == 0 && bytes > 0) return (bytes >> 30) + "GB";
        if (bytes % (1L << 20) == 0 && bytes > 0) return (bytes >> 20) + "MB";
        return Math.max(1, bytes >> 10) + "kB";
    }
}
