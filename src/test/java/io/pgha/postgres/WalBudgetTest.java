package io.pgha.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WalBudgetTest {
    static final long MB = 1L << 20;

    @Test
    void aSmallFilesystemCapsSlotRetentionAndTheWalBetweenCheckpoints() {
        WalBudget small = new WalBudget(300 * MB);
        assertThat(small.slotKeepBytes(1024 * MB)).isEqualTo((300 - 64) * MB / 2);
        assertThat(small.maxWalSizeBytes()).hasValue((300 - 64) * MB / 4);
        String conf = ManagedFiles.includeFile(LsnAndFilesTest.pg(List.of()), "/run", null, "n", "/p", small);
        assertThat(conf).contains("max_slot_wal_keep_size = '118MB'").contains("max_wal_size = '59MB'");
    }

    @Test
    void aLargeFilesystemKeepsTheConfiguredValuesAndPostgresDefaults() {
        WalBudget large = new WalBudget(100L * 1024 * MB);
        assertThat(large.slotKeepBytes(1024 * MB)).isEqualTo(1024 * MB);
        assertThat(large.maxWalSizeBytes()).isEmpty();
        String conf = ManagedFiles.includeFile(LsnAndFilesTest.pg(List.of()), "/run", null, "n", "/p", large);
        assertThat(conf).contains("max_slot_wal_keep_size = '1GB'").doesNotContain("max_wal_size");
    }

    @Test
    void aTinyFilesystemStillGetsPostgresMinimums() {
        WalBudget tiny = new WalBudget(50 * MB);
        assertThat(tiny.slotKeepBytes(1024 * MB)).isEqualTo(16 * MB);
        assertThat(tiny.maxWalSizeBytes()).hasValue(32 * MB);
    }
}
