package io.pgha.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.pgha.config.Units;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "backup", description = {"Take a base backup with pgBackRest now, through the primary's agent, and"
        + " show its progress; retention (backup.retention_full) is applied when it ends.",
        "It is taken from the primary: pgBackRest's backup-standby needs the primary reachable through its own"
        + " protocol (SSH or its TLS server), which pgha does not set up."},
        subcommands = {BackupListCommand.class, BackupCheckCommand.class})
public final class BackupCommand implements Callable<Integer> {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration UNREACHABLE_FOR = Duration.ofSeconds(60);

    @Mixin
    StoreOptions store;

    @Option(names = "--type", defaultValue = "full", description = "full, diff or incr (default ${DEFAULT-VALUE})")
    String type;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "24h", description = "how long to wait for it (default ${DEFAULT-VALUE})")
    String timeout;

    @Override
    public Integer call() throws Exception {
        if (!type.equals("full") && !type.equals("diff") && !type.equals("incr"))
            throw new UsageError("--type must be full, diff or incr, not '" + type + "'");
        Duration wait = Units.duration(timeout);
        AgentClient agent = AgentClient.toPrimary(store);
        AgentClient.Answer started = agent.post("/backup", "{\"type\":\"" + type + "\"}", Duration.ofSeconds(30));
        if (started.status() != 202) {
            System.err.println("pgha: backup refused by " + agent.member() + ": " + message(started));
            return 1;
        }
        System.out.println(message(started));
        return follow(agent, started.json().path("job").path("started_at").asText(), wait);
    }

    /** Polls GET /backup until the job that started at {@code startedAt} ends; prints every 10 % passed. */
    private static int follow(AgentClient agent, String startedAt, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        long reachedAt = System.nanoTime();
        int printed = -1;
        while (System.nanoTime() < deadline) {
            JsonNode job;
            try {
                job = agent.get("/backup", Duration.ofSeconds(10)).json().path("job");
                reachedAt = System.nanoTime();
            } catch (java.io.IOException e) {
                if (System.nanoTime() - reachedAt > UNREACHABLE_FOR.toNanos()) {
                    System.err.println("pgha: lost the primary's agent while the backup ran: " + e.getMessage());
                    return 1;
                }
                Thread.sleep(POLL.toMillis());
                continue;
            }
            if (!startedAt.equals(job.path("started_at").asText())) {
                System.err.println("pgha: " + agent.member() + "'s agent no longer reports this backup (did it restart?)");
                return 1;
            }
            int tens = (int) (job.path("percent").asDouble() / 10);
            if (tens > printed && tens < 10) {
                System.out.printf("%3d%% %s%n", tens * 10, job.path("label").isTextual() ? job.path("label").asText() : "");
                printed = tens;
            }
            switch (job.path("state").asText()) {
                case "succeeded" -> {
                    System.out.printf("100%% backup %s (%s) done on %s: %s of data, %s in the repository%n",
                            job.path("label").asText(), job.path("type").asText(), job.path("node").asText(),
                            BackupTable.size(job.path("size_bytes").asLong()), BackupTable.size(job.path("repository_bytes").asLong()));
                    return 0;
                }
                case "failed" -> {
                    System.err.println("pgha: backup failed: " + job.path("error").asText());
                    return 1;
                }
                default -> Thread.sleep(POLL.toMillis());
            }
        }
        System.err.println("pgha: the backup was still running after " + wait.toSeconds() + " s; GET /backup on the primary follows it");
        return 1;
    }

    static String message(AgentClient.Answer a) {
        return a.json() != null && a.json().has("message") ? a.json().get("message").asText() : a.body().strip();
    }
}
