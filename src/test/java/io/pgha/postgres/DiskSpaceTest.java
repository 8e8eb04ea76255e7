package io.pgha.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskSpaceTest {
    @TempDir
    Path dir;

    @Test
    void roomOwedOnTheDataFilesystemIsNotCountedAsFree() throws Exception {
        long usable = Files.getFileStore(dir).getUsableSpace();
        DiskSpace owedAll = DiskSpace.of(dir.resolve("data"), RoomOwed.on(dir, () -> usable + (1L << 30)));
        assertThat(owedAll.dataFreeBytes()).isZero();
        assertThat(owedAll.full()).as("a disk whose free space is all owed to the store is full").isTrue();

        DiskSpace owedNothing = DiskSpace.of(dir.resolve("data"), RoomOwed.on(dir, () -> 0));
        assertThat(owedNothing.full()).isFalse();
        assertThat(owedNothing.dataFreeBytes()).isGreaterThan(DiskSpace.FULL_BELOW);
    }

    @Test
    void roomOwedOnAnotherFilesystemChangesNothingHere() throws Exception {
        Path other = Path.of("/proc");
        assertThat(Files.getFileStore(other)).isNotEqualTo(Files.getFileStore(dir));
        DiskSpace space = DiskSpace.of(dir, RoomOwed.on(other, () -> Long.MAX_VALUE / 2));
        assertThat(space.full()).isFalse();
        assertThat(space.dataFreeBytes()).isGreaterThan(DiskSpace.FULL_BELOW);
    }
}
