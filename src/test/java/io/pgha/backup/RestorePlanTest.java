package io.pgha.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgha.postgres.BackupInventory;
import io.pgha.postgres.RestoreTarget;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A restore target is checked against what the repository holds before anything changes. */
class RestorePlanTest {
    /** pgbackrest info --output=json of a real repository: one full backup, finished at epoch 1796053969. */
    static BackupInventory real() throws Exception {
        try (InputStream in = RestorePlanTest.class.getResourceAsStream("/io/pgha/postgres/pgbackrest-info.json")) {
            return BackupInventory.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static final Instant NOW = Instant.ofEpochSecond(1796060000L);

    @Test
    void theInventoryOfARealRepositoryIsRead() throws Exception {
        BackupInventory inv = real();
        assertThat(inv.stanzaExists()).isTrue();
        assertThat(inv.backups()).hasSize(1);
        BackupInventory.BackupSet b = inv.oldest();
        assertThat(b.label()).isEqualTo("20261130-155246F");
        assertThat(b.type()).isEqualTo("full");
        assertThat(b.stopEpoch()).isEqualTo(1796053969L);
        assertThat(b.lsnStop()).isEqualTo("0/6000050");
        assertThat(b.timeline()).isEqualTo(1);
        assertThat(inv.archiveMax()).isEqualTo("000000050000000000000011");
    }

    @Test
    void aMissingStanzaIsNoBackupToRestoreFrom() throws Exception {
        BackupInventory none = BackupInventory.parse("[{\"archive\":[],\"backup\":[],\"name\":\"pitr\",\"status\":"
                + "{\"code\":1,\"message\":\"missing stanza path\"}}]");
        assertThat(none.stanzaExists()).isFalse();
        assertThatThrownBy(() -> RestorePlan.check(none, RestoreTarget.LATEST, null, null, NOW))
                .hasMessageContaining("holds no backup").hasMessageContaining("pgha backup");
    }

    @Test
    void aTimeAfterTheBackupIsTakenAsPostgresReadsIt() throws Exception {
        RestoreTarget t = RestorePlan.check(real(), RestoreTarget.TIME, "2026-11-30T15:55:00Z", null, NOW);
        assertThat(t.value()).isEqualTo("2026-11-30 15:55:00.000000+00:00");
        assertThat(RestorePlan.check(real(), RestoreTarget.TIME, "2026-11-30 16:55:00+01", null, NOW).value())
                .isEqualTo("2026-11-30 15:55:00.000000+00:00");
    }

    @Test
    void aTimeBeforeTheOldestBackupIsRefusedWithTheRangeCovered() {
        assertThatThrownBy(() -> RestorePlan.check(real(), RestoreTarget.TIME, "2026-11-30T15:00:00Z", null, NOW))
                .hasMessageContaining("before the oldest backup").hasMessageContaining("20261130-155246F")
                .hasMessageContaining(Instant.ofEpochSecond(1796053969L).toString());
    }

    @Test
    void aTimeInTheFutureOrNotATimeIsRefused() {
        assertThatThrownBy(() -> RestorePlan.check(real(), RestoreTarget.TIME, "2030-01-01T00:00:00Z", null, NOW))
                .hasMessageContaining("in the future").hasMessageContaining("--latest");
        assertThatThrownBy(() -> RestorePlan.check(real(), RestoreTarget.TIME, "yesterday", null, NOW))
                .hasMessageContaining("is not a time");
    }

    @Test
    void anLsnBeforeTheBackupsEndIsRefused() throws Exception {
        assertThatThrownBy(() -> RestorePlan.check(real(), RestoreTarget.LSN, "0/5000000", null, NOW))
                .hasMessageContaining("before the end of backup");
        assertThat(RestorePlan.check(real(), RestoreTarget.LSN, "0/7000000", null, NOW).value()).isEqualTo("0/7000000");
        assertThatThrownBy(() -> RestorePlan.check(real(), RestoreTarget.LSN, "seven", null, NOW))
                .hasMessageContaining("is not an LSN");
    }

    @Test
    void anUnknownBackupLabelIsRefused() {
        assertThatThrownBy(() -> RestorePlan.check(real(), RestoreTarget.LATEST, null, "20200101-000000F", NOW))
                .hasMessageContaining("no backup labelled 20200101-000000F");
    }
}
