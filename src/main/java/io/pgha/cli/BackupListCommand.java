package io.pgha.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "list", description = "Show the repository's backup sets: label, type, start, stop, duration,"
        + " timeline, WAL range, size and size in the repository.")
public final class BackupListCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = {"-o", "--output"}, description = "table (default) or json", defaultValue = "table")
    String output;

    @Override
    public Integer call() throws Exception {
        if (!output.equals("table") && !output.equals("json"))
            throw new UsageError("-o must be table or json, not '" + output + "'");
        AgentClient agent = AgentClient.toPrimary(store, false);
        AgentClient.Answer a = agent.get("/backups", Duration.ofSeconds(120));
        if (a.status() != 200 || a.json() == null) {
            System.err.println("pgha: " + agent.member() + " cannot list the backups: " + a.body().strip());
            return 1;
        }
        System.out.print(output.equals("json") ? a.body() : BackupTable.render(a.json()));
        return 0;
    }
}
