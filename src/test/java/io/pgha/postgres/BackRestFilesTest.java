package io.pgha.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What pgha writes for pgBackRest, and what it tells PostgreSQL and pgBackRest to do. */
class BackRestFilesTest {
    static final NodeConfig.Backup S3 = new NodeConfig.Backup("main", "s3", Path.of("/pgha"),
            Map.of("s3-bucket", "backups", "s3-region", "eu-west-1"), Map.of("s3-key-secret", Path.of("/etc/pgha/s3")), 3,
            "0 3 * * *", Duration.ofSeconds(30), 4);

    @Test
    void theConfigurationNamesTheRepositoryTheSecretsAndThisNodesServer() {
        String conf = BackRestFiles.config(S3, LsnAndFilesTest.pg(List.of()), Path.of("/run/pg"),
                Map.of("s3-key-secret", "hush"), 512L << 20);
        assertThat(conf).contains("repo1-type=s3\n", "repo1-path=/pgha\n", "repo1-retention-full=3\n",
                "repo1-s3-bucket=backups\n", "repo1-s3-key-secret=hush\n", "process-max=4\n", "archive-async=y\n",
                "archive-push-queue-max=512MiB\n", "spool-path=/run/pg/pgbackrest-spool\n", "[main]\n", "pg1-socket-path=/run/pg\n");
        assertThat(BackRestFiles.config(S3, LsnAndFilesTest.pg(List.of()), Path.of("/run/pg"), Map.of(), 0))
                .as("no queue limit when the WAL budget is unknown").doesNotContain("archive-push-queue-max");
    }

    @Test
    void postgresArchivesAsynchronouslyAndFetchesFromTheArchive() {
        List<String> lines = BackRestFiles.postgresSettings(S3, Path.of("/usr/bin/pgbackrest"), Path.of("/run/pg"));
        assertThat(lines).containsExactly(
                "archive_mode = 'on'",
                "archive_command = '/usr/bin/pgbackrest --config=/run/pg/pgbackrest.conf --stanza=main archive-push %p'",
                "archive_timeout = '30s'",
                "restore_command = '/usr/bin/pgbackrest --config=/run/pg/pgbackrest.conf --stanza=main archive-get %f \"%p\"'");
    }

    @Test
    void aRestoreStopsAtItsTargetAndPromotesThere() {
        assertThat(new RestoreTarget(RestoreTarget.TIME, "2026-11-30 15:55:00+00", "L").restoreArgs())
                .containsExactly("restore", "--type=time", "--target=2026-11-30 15:55:00+00", "--target-action=promote", "--set=L");
        assertThat(new RestoreTarget(RestoreTarget.LATEST, null, null).restoreArgs()).containsExactly("restore");
        assertThat(new RestoreTarget(RestoreTarget.LSN, "0/7000000", null).toString()).isEqualTo("lsn 0/7000000");
    }

    @Test
    void streamedSegmentsAreHandedToTheArchiverAndNothingElse(@TempDir Path data) throws Exception {
        Path status = Files.createDirectories(data.resolve("pg_wal/archive_status"));
        for (String seg : List.of("000000010000000000000003", "000000010000000000000004")) {
            Files.createFile(data.resolve("pg_wal").resolve(seg));
            Files.createFile(status.resolve(seg + ".done"));
        }
        Files.createFile(status.resolve("000000010000000000000005.done"));
        Files.createFile(status.resolve("00000002.history.done"));
        Files.createFile(data.resolve("pg_wal/000000010000000000000006"));
        Files.createFile(status.resolve("000000010000000000000006.ready"));

        assertThat(ArchiveStatus.markStreamedForArchive(data)).isEqualTo(2);
        assertThat(status.resolve("000000010000000000000003.ready")).exists();
        assertThat(status.resolve("000000010000000000000004.ready")).exists();
        assertThat(status.resolve("000000010000000000000003.done")).doesNotExist();
        assertThat(status.resolve("000000010000000000000005.done")).as("its segment is gone").exists();
        assertThat(status.resolve("00000002.history.done")).as("a history file is not a streamed segment").exists();
        assertThat(ArchiveStatus.markStreamedForArchive(data)).as("a second time: nothing left").isZero();
    }
}
