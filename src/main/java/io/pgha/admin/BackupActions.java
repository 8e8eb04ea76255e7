package io.pgha.admin;

import io.pgha.postgres.BackupInventory;
import java.io.IOException;

/** The backup use cases of one node's REST API; carried out by the node's agent (only the primary's takes backups). */
public interface BackupActions {
    /** Starts a base backup of {@code type} (full, diff or incr) now; refused while one runs or on a standby. */
    Outcome start(String type);

    /** The running or the latest backup this agent took; null when it took none since it started. */
    BackupJobStatus job();

    /** What the agent last read about archiving and backups (at most every few seconds, never on a request). */
    BackupHealth health();

    /** The repository's backup sets and archive range, read now. */
    BackupInventory inventory() throws IOException;

    /** pgBackRest's check and verify, and the archive's continuity from the oldest backup, run now. */
    BackupCheckReport check() throws IOException;

    /** For an agent without a backup section: every answer says so. */
    BackupActions NONE = new BackupActions() {
        static final String WHY = "backups are not configured on this node: add a backup section to its YAML";

        @Override
        public Outcome start(String type) {
            return Outcome.refused(WHY);
        }

        @Override
        public BackupJobStatus job() {
            return null;
        }

        @Override
        public BackupHealth health() {
            return BackupHealth.UNKNOWN;
        }

        @Override
        public BackupInventory inventory() throws IOException {
            throw new IOException(WHY);
        }

        @Override
        public BackupCheckReport check() throws IOException {
            throw new IOException(WHY);
        }
    };
}
