package io.pgha.admin;

import java.util.List;

/**
 * Archiving and backup health as the agent last read it (nulls: unknown, e.g. on a standby or before the first read).
 *
 * @param archiveFailedTotal          pg_stat_archiver's failed_count
 * @param archiveLastSuccessAgeSeconds seconds since pg_stat_archiver's last_archived_time
 * @param archiveFailing              the latest archive attempt failed (no success since)
 * @param backupLastSuccessAgeSeconds  seconds since the newest backup in the repository finished
 * @param repositoryBytes             what the repository stores for the backup sets (the WAL archive not counted)
 * @param running                     this agent is taking a backup
 * @param warnings                    what an operator should act on, in plain words
 */
public record BackupHealth(Long archiveFailedTotal, Long archiveLastSuccessAgeSeconds, boolean archiveFailing,
                           Long backupLastSuccessAgeSeconds, Long repositoryBytes, boolean running, List<String> warnings) {
    public static final BackupHealth UNKNOWN = new BackupHealth(null, null, false, null, null, false, List.of());
}
