package io.pgha.postgres;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a restore from the repository stops: the end of the archive ({@code latest}), a time, or an LSN;
 * optionally from a named backup set.
 */
public record RestoreTarget(String type, String value, String backupLabel) {
    public static final String LATEST = "latest";
    public static final String TIME = "time";
    public static final String LSN = "lsn";

    public RestoreTarget {
        if (!List.of(LATEST, TIME, LSN).contains(type)) throw new IllegalArgumentException("restore target " + type);
        if (!LATEST.equals(type) && (value == null || value.isBlank()))
            throw new IllegalArgumentException("a " + type + " restore needs a target value");
    }

    @Override
    public String toString() {
        String to = LATEST.equals(type) ? "the end of the archive" : type + " " + value;
        return to + (backupLabel == null ? "" : " from backup " + backupLabel);
    }

    /** pgBackRest restore's options: recovery stops at the target and the server is promoted there. */
    List<String> restoreArgs() {
        List<String> args = new ArrayList<>(List.of("restore"));
        if (!LATEST.equals(type)) {
            args.add("--type=" + type);
            args.add("--target=" + value);
            args.add("--target-action=promote");
        }
        if (backupLabel != null) args.add("--set=" + backupLabel);
        return args;
    }
}
