package io.pgha.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.admin.BackupCheckReport;
import io.pgha.backup.BackupCheck;
import io.pgha.config.ConfigLoader;
import io.pgha.config.NodeConfig;
import io.pgha.postgres.BackRest;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "check", description = {"Check that backups can be trusted: archiving works now (pgbackrest check),"
        + " every backup and archived file matches its checksum (pgbackrest verify), and the archive holds every WAL"
        + " segment from the oldest backup to the newest archived one, across timeline switches.",
        "Runs on the primary's agent; with --local, on this node (-c NODE.yaml, which must be the primary)."})
public final class BackupCheckCommand implements Callable<Integer> {
    @Mixin
    StoreOptions store;

    @Option(names = "--local", description = "run pgBackRest here, as the node of -c, instead of on the primary's agent")
    boolean local;

    @Override
    public Integer call() throws Exception {
        if (local) return local();
        AgentClient agent = AgentClient.toPrimary(store);
        AgentClient.Answer a = agent.post("/backup/check", "{}", Duration.ofHours(2));
        if (a.status() != 200 || a.json() == null) {
            System.err.println("pgha: " + agent.member() + " could not run the check: " + a.body().strip());
            return 1;
        }
        boolean ok = a.json().path("ok").asBoolean();
        for (JsonNode f : a.json().path("findings")) System.out.println(f.asText());
        return print(ok);
    }

    private int local() throws Exception {
        if (store.config == null) throw new UsageError("--local needs -c NODE.yaml (the node to run pgBackRest as)");
        NodeConfig config = ConfigLoader.load(store.config);
        if (config.backup() == null) throw new UsageError(store.config + " has no backup section");
        BackupCheckReport report = new BackupCheck(new BackRest(config)).run();
        report.findings().forEach(System.out::println);
        return print(report.ok());
    }

    private static int print(boolean ok) {
        if (ok) System.out.println("OK");
        else System.err.println("pgha: backup check found problems (above)");
        return ok ? 0 : 1;
    }
}
