package io.pgha.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgha.admin.BackupCheckReport;
import io.pgha.postgres.BackRest;
import io.pgha.postgres.BackupInventory;
import io.pgha.postgres.OsCommand;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code pgha backup check}: pgBackRest's {@code check} (this primary's WAL reaches the archive now), its
 * {@code verify} (every backup and archived file against its checksum), and {@link ArchiveContinuity} from the
 * oldest backup's first segment to the archive's newest.
 */
public final class BackupCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SEGMENT_FILE = Pattern.compile("([0-9A-F]{24})-[0-9a-f]{40}(\\.\\w+)?");
    private static final long TIMEOUT_MILLIS = 3_600_000;

    private final BackRest backRest;

    public BackupCheck(BackRest backRest) {
        this.backRest = backRest;
    }

    public BackupCheckReport run() throws IOException {
        List<String> findings = new ArrayList<>();
        boolean ok = step(findings, "archiving (pgbackrest check)", backRest.run(List.of("check"), 600_000));
        ok &= step(findings, "checksums (pgbackrest verify)", backRest.run(List.of("verify"), TIMEOUT_MILLIS));
        ok &= continuity(findings);
        return new BackupCheckReport(ok, List.copyOf(findings));
    }

    private static boolean step(List<String> findings, String what, OsCommand.Result r) {
        String out = r.output().strip();
        boolean ok = r.ok() && !out.contains("ERROR:");
        findings.add((ok ? "OK " : "FAILED ") + what + (out.isEmpty() ? "" : ": " + out.replace("\n", "; ")));
        return ok;
    }

    private boolean continuity(List<String> findings) throws IOException {
        OsCommand.Result info = backRest.info();
        if (!info.ok()) return fail(findings, "cannot read the repository: " + info.output());
        BackupInventory inv = BackupInventory.parse(info.output());
        if (inv.oldest() == null) return fail(findings, "no backup in the repository yet: pgha backup --type full");
        String start = inv.oldest().walStart();
        String end = inv.archiveMax();
        String id = archiveId(info.output());
        if (start == null || end == null || id == null) return fail(findings, "the repository lists no archived WAL");
        String dir = "archive/" + backRest.settings().stanza() + "/" + id;
        OsCommand.Result ls = backRest.run(List.of("repo-ls", dir, "--recurse", "--output=json"), 600_000);
        if (!ls.ok()) return fail(findings, "cannot list " + dir + ": " + ls.output());
        Set<String> segments = segments(ls.output());
        List<ArchiveContinuity.Fork> forks = List.of();
        long timeline = ArchiveContinuity.timeline(end);
        if (timeline > 1) {
            String history = String.format("%08X.history", timeline);
            OsCommand.Result h = backRest.run(List.of("repo-get", dir + "/" + history), 60_000);
            if (!h.ok()) return fail(findings, "timeline " + timeline + "'s history file " + history + " is not in the archive: " + h.output());
            forks = ArchiveContinuity.parseHistory(h.output());
        }
        List<ArchiveContinuity.Gap> gaps = ArchiveContinuity.gaps(start, end, segments, forks,
                ArchiveContinuity.DEFAULT_SEGMENT_BYTES);
        if (gaps.isEmpty()) {
            findings.add("OK archive continuity: every segment from " + start + " (backup " + inv.oldest().label()
                    + ") to " + end + " is archived" + (forks.isEmpty() ? "" : ", across " + forks.size() + " timeline switch(es)"));
            return true;
        }
        gaps.forEach(g -> findings.add("FAILED archive continuity: " + g));
        return false;
    }

    private static boolean fail(List<String> findings, String why) {
        findings.add("FAILED archive continuity: " + why);
        return false;
    }

    /** The current database's archive id (e.g. 16-1): the last one {@code info} lists. */
    static String archiveId(String infoJson) throws IOException {
        String id = null;
        for (JsonNode a : JSON.readTree(infoJson).path(0).path("archive")) id = a.path("id").asText(null);
        return id;
    }

    /** Complete segments in a {@code repo-ls --recurse --output=json} listing (not .partial, not .backup files). */
    static Set<String> segments(String lsJson) throws IOException {
        Set<String> out = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = JSON.readTree(lsJson).fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String file = e.getKey().substring(e.getKey().lastIndexOf('/') + 1);
            Matcher m = SEGMENT_FILE.matcher(file);
            if ("file".equals(e.getValue().path("type").asText()) && m.matches()) out.add(m.group(1));
        }
        return out;
    }
}
