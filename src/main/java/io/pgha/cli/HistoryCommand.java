package io.pgha.cli;

import io.pgha.dcs.HistoryEntry;
import io.pgha.dcs.Store;
import io.pgha.postgres.Lsn;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "history", description = "Show every promotion: the new timeline, where it forked, when, who, and why.")
public final class HistoryCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Override
    public Integer call() throws Exception {
        try (Store s = store.connect()) {
            System.out.printf("%-4s %-12s %-24s %-10s %s%n", "TL", "LSN", "Time", "Member", "Reason");
            for (HistoryEntry e : s.history()) {
                System.out.printf("%-4d %-12s %-24s %-10s %s%n", e.timeline(), Lsn.format(e.lsn()),
                        Instant.ofEpochMilli(e.atMillis()), e.member(), e.reason());
            }
        }
        return 0;
    }
}
