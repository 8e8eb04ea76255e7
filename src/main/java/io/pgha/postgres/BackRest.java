package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs pgBackRest for this node, as PostgreSQL's OS user, with the configuration pgha wrote. Passwords reach it
 * through the node's 0600 pgpass file (the PGPASSFILE variable), never through arguments.
 */
public final class BackRest {
    private final NodeConfig.Backup backup;
    private final Path runDir;
    private final Path passFile;
    private final OsCommand os;

    public BackRest(NodeConfig config) {
        this.backup = config.backup();
        DataDirectory dir = new DataDirectory(config.postgres().dataDir(), config.postgres().osUser());
        this.runDir = dir.runDir();
        this.passFile = dir.passFile();
        this.os = new OsCommand(config.postgres().osUser(), Path.of("/"));
    }

    public NodeConfig.Backup settings() {
        return backup;
    }

    /** One command; every line of its output goes to {@code lines} as it comes. */
    public OsCommand.Result run(List<String> args, long timeoutMillis, Consumer<String> lines) throws IOException {
        Path binary = BackRestFiles.binary();
        if (binary == null) throw new IOException("pgbackrest is not installed: apt-get install pgbackrest");
        List<String> command = new ArrayList<>(BackRestFiles.command(binary, runDir, backup.stanza()));
        command.addAll(args);
        ProcessBuilder pb = os.builder(command, true);
        pb.environment().put("PGPASSFILE", passFile.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                    lines.accept(line);
                }
            } catch (IOException ignored) {
                // the process went away; what was read is kept
            }
        });
        try {
            if (!p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new OsCommand.Result(-1, "pgbackrest " + args.get(0) + " timed out after " + timeoutMillis / 1000 + " s");
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: pgbackrest " + args.get(0), e);
        }
        synchronized (out) {
            return new OsCommand.Result(p.exitValue(), out.toString().strip());
        }
    }

    public OsCommand.Result run(List<String> args, long timeoutMillis) throws IOException {
        return run(args, timeoutMillis, line -> { });
    }

    /** Creates the stanza, or confirms it matches this cluster's database (pgBackRest's stanza-create is idempotent). */
    public OsCommand.Result stanzaCreate() throws IOException {
        return run(List.of("stanza-create"), 120_000);
    }

    public OsCommand.Result info() throws IOException {
        return run(List.of("info", "--output=json"), 60_000);
    }
}
