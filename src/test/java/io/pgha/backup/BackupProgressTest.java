package io.pgha.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Lines captured from a real pgBackRest 2.45 full and incremental backup at --log-level-console=detail. */
class BackupProgressTest {
    static final List<String> FULL = List.of(
            "2026-11-30 15:30:14.329 P00   INFO: backup command begin 2.45: --config=/tmp/pgbr-capture/br.conf --exec-id=27106-d9a8ea95 --log-level-console=detail --stanza=s --type=full",
            "2026-11-30 15:30:15.648 P00   INFO: backup start archive = 000000010000000000000002, lsn = 0/2000028",
            "2026-11-30 15:30:17.344 P01 DETAIL: backup file /tmp/pgbr-capture/data/base/5/1255 (768KB, 3.42%) checksum adb7a4a7a6886be09982ada40de8e58a48dcb64a",
            "2026-11-30 15:30:17.406 P01 DETAIL: backup file /tmp/pgbr-capture/data/base/4/1255 (768KB, 6.84%) checksum adb7a4a7a6886be09982ada40de8e58a48dcb64a",
            "2026-11-30 15:30:17.536 P01 DETAIL: backup file /tmp/pgbr-capture/data/base/1/1255 (768KB, 10.26%) checksum adb7a4a7a6886be09982ada40de8e58a48dcb64a",
            "2026-11-30 15:31:27.142 P01 DETAIL: backup file /tmp/pgbr-capture/data/base/5/16384 (3.5MB, 71.56%) checksum f24a09e5218bfa8e1ef047f15b8ee0d072315efd",
            "2026-11-30 15:30:23.492 P00 DETAIL: wrote 'backup_label' file returned from backup stop function",
            "2026-11-30 15:31:27.307 P00 DETAIL: reference pg_data/base/1/1247 to 20261130-153014F",
            "2026-11-30 15:30:23.722 P00   INFO: new backup label = 20261130-153014F",
            "2026-11-30 15:30:23.833 P00   INFO: full backup size = 21.9MB, file total = 964");

    @Test
    void fileLinesGiveTheShareDoneAndOtherLinesNothing() {
        assertThat(BackupProgress.percent(FULL.get(2))).isEqualTo(OptionalDouble.of(3.42));
        assertThat(BackupProgress.percent(FULL.get(4))).isEqualTo(OptionalDouble.of(10.26));
        assertThat(BackupProgress.percent(FULL.get(5))).isEqualTo(OptionalDouble.of(71.56));
        for (int i : new int[] {0, 1, 6, 7, 8, 9}) assertThat(BackupProgress.percent(FULL.get(i))).as(FULL.get(i)).isEmpty();
    }

    @Test
    void theLabelComesFromTheNewBackupLabelLine() {
        assertThat(FULL.stream().map(BackupProgress::label).filter(l -> l != null).toList()).containsExactly("20261130-153014F");
        assertThat(BackupProgress.label("2026-11-30 15:31:28.001 P00   INFO: new backup label = 20261130-153014F_20261130-153024I"))
                .isEqualTo("20261130-153014F_20261130-153024I");
    }

    @Test
    void anErrorLineGivesPgBackRestsCodeAndMessage() {
        String line = "2026-11-30 16:00:01.002 P00  ERROR: [041]: unable to open file '/tmp/repo/backup/s/backup.info' for read: [13] Permission denied";
        assertThat(BackupProgress.error(line)).isEqualTo("[041]: unable to open file '/tmp/repo/backup/s/backup.info' for read: [13] Permission denied");
        assertThat(FULL.stream().map(BackupProgress::error).filter(e -> e != null)).isEmpty();
    }
}
