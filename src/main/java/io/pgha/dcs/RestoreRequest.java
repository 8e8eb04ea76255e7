package io.pgha.dcs;

/**
 * An operator's order to bring the cluster back from the backup repository: the member that bootstraps restores
 * instead of running initdb, every member holding data moves it aside first (never deletes it).
 *
 * @param target      latest, time or lsn
 * @param value       the time (as pgBackRest reads it, e.g. 2026-11-30 15:04:05.123+00) or the LSN; null for latest
 * @param backupLabel the backup set to start from, or null to let pgBackRest pick the newest one before the target
 */
public record RestoreRequest(String target, String value, String backupLabel, long requestedAtMillis) {
    public static final String LATEST = "latest";
    public static final String TIME = "time";
    public static final String LSN = "lsn";

    public String describe() {
        String to = LATEST.equals(target) ? "the latest archived WAL" : target + " " + value;
        return to + (backupLabel == null ? "" : " from backup " + backupLabel);
    }
}
