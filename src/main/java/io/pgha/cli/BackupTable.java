package io.pgha.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** The repository's backup sets (GET /backups) as the table {@code pgha backup list} prints. */
final class BackupTable {
    private static final String[] HEAD = {"Label", "Type", "Start", "Stop", "Duration", "TL", "WAL range", "Size", "Repo size"};
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private BackupTable() {}

    static String render(JsonNode inventory) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEAD);
        for (JsonNode b : inventory.path("backups")) {
            long start = b.path("start_epoch").asLong();
            long stop = b.path("stop_epoch").asLong();
            String walStart = b.path("wal_start").asText("");
            rows.add(new String[] {b.path("label").asText(), b.path("type").asText(), time(start), time(stop),
                    Duration.ofSeconds(stop - start).toString().substring(2).toLowerCase(),
                    walStart.length() >= 8 ? String.valueOf(Long.parseLong(walStart.substring(0, 8), 16)) : "",
                    walStart + " - " + b.path("wal_stop").asText(""), size(b.path("database_bytes").asLong()),
                    size(b.path("repository_bytes").asLong())});
        }
        int[] w = new int[HEAD.length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) sb.append(i == 0 ? "" : "  ").append(r[i]).append(" ".repeat(w[i] - r[i].length()));
            sb.append('\n');
        }
        if (rows.size() == 1) sb.append("(no backup yet: pgha backup --type full)\n");
        String min = inventory.path("archive_min").asText(null);
        if (min != null) sb.append("WAL archive: ").append(min).append(" - ").append(inventory.path("archive_max").asText()).append('\n');
        return sb.toString();
    }

    private static String time(long epoch) {
        return TIME.format(Instant.ofEpochSecond(epoch));
    }

    static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String units = "KMGTPE";
        int u = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
        return String.format("%.1f %siB", bytes / Math.pow(1024, u), units.charAt(u - 1));
    }
}
