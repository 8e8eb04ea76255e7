package io.pgha.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the repository holds for this node's stanza, read from {@code pgbackrest info --output=json}: the backup
 * sets (oldest first) and the range of archived WAL.
 *
 * @param status     pgBackRest's status code for the stanza (0 ok, 1 missing stanza path, 2 no valid backups, ...)
 * @param message    its words for it
 * @param archiveMin the oldest archived WAL segment of the current database, or null
 * @param archiveMax the newest, or null
 */
public record BackupInventory(int status, String message, List<BackupSet> backups, String archiveMin, String archiveMax) {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int MISSING_STANZA_PATH = 1;

    /**
     * One backup set. Times are epoch seconds; {@code walStart}/{@code walStop} are the WAL segments it needs to be
     * consistent; sizes are of the database and of what the repository stores for it.
     */
    public record BackupSet(String label, String type, long startEpoch, long stopEpoch, String lsnStart, String lsnStop,
                            String walStart, String walStop, long databaseBytes, long repositoryBytes) {
        /** The timeline the backup was taken on (the first 8 hex digits of its WAL segment names). */
        public long timeline() {
            return walStart == null || walStart.length() < 8 ? 0 : Long.parseLong(walStart.substring(0, 8), 16);
        }
    }

    public static BackupInventory parse(String json) throws IOException {
        JsonNode all = JSON.readTree(json);
        if (!all.isArray() || all.isEmpty()) throw new IOException("pgbackrest info printed no stanza: " + json);
        JsonNode stanza = all.get(0);
        List<BackupSet> sets = new ArrayList<>();
        for (JsonNode b : stanza.path("backup")) {
            sets.add(new BackupSet(b.path("label").asText(), b.path("type").asText(),
                    b.path("timestamp").path("start").asLong(), b.path("timestamp").path("stop").asLong(),
                    text(b.path("lsn").path("start")), text(b.path("lsn").path("stop")),
                    text(b.path("archive").path("start")), text(b.path("archive").path("stop")),
                    b.path("info").path("size").asLong(), b.path("info").path("repository").path("delta").asLong()));
        }
        String min = null;
        String max = null;
        for (JsonNode a : stanza.path("archive")) {
            if (a.hasNonNull("min") && (min == null || a.get("min").asText().compareTo(min) < 0)) min = a.get("min").asText();
            if (a.hasNonNull("max") && (max == null || a.get("max").asText().compareTo(max) > 0)) max = a.get("max").asText();
        }
        JsonNode status = stanza.path("status");
        return new BackupInventory(status.path("code").asInt(), status.path("message").asText(), List.copyOf(sets), min, max);
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }

    public boolean stanzaExists() {
        return status != MISSING_STANZA_PATH;
    }

    public BackupSet oldest() {
        return backups.isEmpty() ? null : backups.get(0);
    }

    public BackupSet newest() {
        return backups.isEmpty() ? null : backups.get(backups.size() - 1);
    }

    public BackupSet byLabel(String label) {
        return backups.stream().filter(b -> b.label().equals(label)).findFirst().orElse(null);
    }
}
