package io.pgha;

import io.pgha.cli.AgentCommand;
import io.pgha.cli.BackupCommand;
import io.pgha.cli.DemoCommand;
import io.pgha.cli.DumpCommand;
import io.pgha.cli.EditConfigCommand;
import io.pgha.cli.FailoverCommand;
import io.pgha.cli.HarnessCommand;
import io.pgha.cli.HaproxyConfigCommand;
import io.pgha.cli.HistoryCommand;
import io.pgha.cli.InitCommand;
import io.pgha.cli.ListCommand;
import io.pgha.cli.LoadCommand;
import io.pgha.cli.MigrateCommand;
import io.pgha.cli.PauseCommand;
import io.pgha.cli.ReinitCommand;
import io.pgha.cli.RemoveCommand;
import io.pgha.cli.RestartCommand;
import io.pgha.cli.RestoreCommand;
import io.pgha.cli.ResumeCommand;
import io.pgha.cli.ShowConfigCommand;
import io.pgha.cli.StoreCommand;
import io.pgha.cli.SwitchoverCommand;
import io.pgha.cli.UsageError;
import io.pgha.config.ConfigException;
import io.pgha.config.PghaVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

// INHERIT: every subcommand answers -h/--help and -V/--version too
@Command(name = "pgha", scope = ScopeType.INHERIT, mixinStandardHelpOptions = true, version = "pgha " + PghaVersion.VERSION,
        description = "High availability for self-managed PostgreSQL.",
        subcommands = {AgentCommand.class, StoreCommand.class, ListCommand.class, SwitchoverCommand.class, RemoveCommand.class,
                HaproxyConfigCommand.class, PauseCommand.class, ResumeCommand.class, HistoryCommand.class, FailoverCommand.class,
                ReinitCommand.class, RestartCommand.class, ShowConfigCommand.class, EditConfigCommand.class, DemoCommand.class,
                BackupCommand.class, RestoreCommand.class, DumpCommand.class, LoadCommand.class, MigrateCommand.class,
                InitCommand.class, HarnessCommand.class})
public final class Main {
    public static void main(String[] args) {
        boolean service = args.length > 0 && (args[0].equals("agent") || args[0].equals("store"));
        if (!service) {
            // commands print their own results on stdout; the library's chatter stays out of it
            System.setProperty("pgha.log.target", "System.err");
            System.setProperty("pgha.log.level", "WARN");
        }
        int code = commandLine().execute(args);
        if (code != 0 || !service) System.exit(code);
    }

    /** The whole command line, with the error reporting the commands rely on (exit 2: fix the command line). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            var err = line.getErr();
            if (e instanceof ConfigException ce) {
                err.println("pgha: configuration refused:");
                ce.problems().forEach(p -> err.println("  - " + p));
                return 2;
            }
            err.println("pgha: " + e.getMessage());
            return e instanceof UsageError ? 2 : 1;
        });
        return cl;
    }
}
