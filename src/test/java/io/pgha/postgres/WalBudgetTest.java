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

    @Test
    void diskSpaceIsLowUnderATenthAndFullUnderOneWalSegment() {
        assertThat(new DiskSpace(29 * MB, 300 * MB, 29 * MB, 300 * MB).low()).isTrue();
        assertThat(new DiskSpace(29 * MB, 300 * MB, 29 * MB, 300 * MB).full()).isFalse();
        assertThat(new DiskSpace(200 * MB, 300 * MB, 8 * MB, 100 * MB).full()).isTrue();
        assertThat(new DiskSpace(200 * MB, 300 * MB, 200 * MB, 300 * MB).low()).isFalse();
        assertThat(DiskSpace.UNKNOWN.low()).isFalse();
        assertThat(DiskSpace.UNKNOWN.full()).isFalse();
    }
}
