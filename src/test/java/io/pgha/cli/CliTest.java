package io.pgha.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.Main;
import io.pgha.admin.Outcome;
import io.pgha.config.HaSettings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    record Run(int exit, String out, String err) {}

    static Run pgha(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String config(String clusterName, String haSection) {
        return """
                cluster: %s
                name: node1
                host: 127.0.0.1
                postgres:
                  data_dir: /tmp/pgha-cli-test/data
                  port: 5432
                  superuser_password_file: /tmp/pgha-cli-test/su.pw
                  replication_password_file: /tmp/pgha-cli-test/repl.pw
                  allowed_client_cidrs: [127.0.0.0/8]
                dcs:
                  zookeeper:
                    embedded: false
                    connect: '127.0.0.1:1'
                %s""".formatted(clusterName, haSection);
    }

    @Test
    void everySubcommandAnswersHelpWithItsUsage() {
        var subcommands = Main.commandLine().getSubcommands();
        assertThat(subcommands).hasSizeGreaterThan(10);
        for (var e : subcommands.entrySet()) {
            Run r = pgha(e.getKey(), "--help");
            String description = e.getValue().getCommandSpec().usageMessage().description()[0];
            assertThat(r.exit()).as(e.getKey() + " --help exit code").isZero();
            assertThat(r.out()).as(e.getKey() + " --help").startsWith("Usage: pgha " + e.getKey())
                    .contains("-h, --help").contains(description.substring(0, Math.min(40, description.length())));
            assertThat(r.err()).as(e.getKey() + " --help stderr").isEmpty();
        }
    }

    @Test
    void aSucceededOutcomeGoesToStdoutAndAFailedOneToStderrWithThePrefix() {
        for (Outcome o : new Outcome[] {Outcome.done("done it"), Outcome.accepted("on its way")}) {
            Printed p = report(o);
            assertThat(p.succeeded()).isTrue();
            assertThat(p.out()).isEqualTo(o.message() + "\n");
            assertThat(p.err()).isEmpty();
        }
        for (Outcome o : new Outcome[] {Outcome.invalid("no member x"), Outcome.refused("x leads"), Outcome.unavailable("store down")}) {
            Printed p = report(o);
            assertThat(p.succeeded()).isFalse();
            assertThat(p.out()).isEmpty();
            assertThat(p.err()).isEqualTo("pgha: " + o.message() + "\n");
        }
    }

    @Test
    void settingsComeFromTheNodeConfigWithDashC(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("node1.yaml"), config("prod", "ha:\n  synchronous_mode: 'off'\n"));
        StoreOptions withConfig = new StoreOptions();
        withConfig.config = file;
        assertThat(withConfig.haSettings().synchronous()).isFalse();
        assertThat(new StoreOptions().haSettings()).isEqualTo(HaSettings.defaults());
    }

    @Test
    void anUnreachableStoreIsNamedWithTheFix(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("node1.yaml"), config("prod", ""));
        Run r = pgha("reinit", "-c", file.toString(), "node2");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("cannot reach the store of cluster prod").contains("ZooKeeper at 127.0.0.1:1")
                .contains("the dcs section of " + file);
    }

    @Test
    void aCommandWithoutAClusterSaysHowToNameOne() {
        Run r = pgha("list");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("say which cluster: -c node.yaml, or --dcs host:port,... (etcd://host:port,...) --cluster NAME");
    }

    @Test
    void listWatchRefusesAnIntervalThatIsNotAPositiveNumberOfSeconds() {
        for (String bad : new String[] {"0", "-3"}) {
            Run r = pgha("list", "--watch", bad, "--dcs", "127.0.0.1:1", "--cluster", "x");
            assertThat(r.exit()).as("--watch " + bad).isEqualTo(2);
            assertThat(r.err()).contains("--watch needs a whole number of seconds above 0 between refreshes, not " + bad);
        }
        Run words = pgha("list", "--watch", "soon", "--dcs", "127.0.0.1:1", "--cluster", "x");
        assertThat(words.exit()).isEqualTo(2);
        assertThat(words.err()).contains("--watch").contains("soon");
        assertThat(pgha("list", "--help").out()).contains("--watch[=SECONDS]");
    }

    record Printed(boolean succeeded, String out, String err) {}

    static Printed report(Outcome o) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        boolean ok = AdminRequests.report(o, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Printed(ok, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
