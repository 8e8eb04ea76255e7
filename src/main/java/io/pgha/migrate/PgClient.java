package io.pgha.migrate;

import io.pgha.postgres.OsCommand;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL's client programs (pg_dump, pg_dumpall, pg_restore, psql) from the config's bin_dir, run as the
 * invoking user with a clean environment; passwords reach them only through {@link PassFile} ({@code PGPASSFILE}).
 */
public final class PgClient {
    private static final long TIMEOUT_HOURS = 24;

    private final Path binDir;
    private final PassFile passFile;

    public PgClient(Path binDir, PassFile passFile) {
        this.binDir = binDir;
        this.passFile = passFile;
    }

    /** Refuses at once when a program is not there, naming it and the fix. */
    public static void requireTools(Path binDir, String... tools) throws MigrateException {
        for (String t : tools) {
            if (!Files.isExecutable(binDir.resolve(t)))
                throw new MigrateException(t + " not found in " + binDir + ": install the PostgreSQL client programs"
                        + " of the cluster's major version there, or point postgres.bin_dir in the node config at them");
        }
    }

    /** The connection arguments for {@code e}, password excluded (it is in the passfile). */
    static List<String> connection(Endpoint e) {
        return List.of("-h", e.host(), "-p", String.valueOf(e.port()), "-U", e.user());
    }

    /** Runs {@code tool} with {@code args}; a non-zero exit is a failure of {@code what}, told in one line. */
    public String run(String what, String tool, List<String> args) throws MigrateException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binDir.resolve(tool).toString());
        cmd.addAll(args);
        ProcessBuilder pb = new OsCommand(System.getProperty("user.name"), null).builder(cmd, false);
        pb.environment().put("PGPASSFILE", passFile.path().toString());
        pb.environment().put("PGCONNECT_TIMEOUT", "10");
        pb.environment().put("PGSSLMODE", "prefer");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    p.getInputStream().transferTo(buffer);
                } catch (IOException ignored) {
                    // the process went away; what was read is kept
                }
            });
            if (!p.waitFor(TIMEOUT_HOURS, TimeUnit.HOURS)) {
                p.destroyForcibly();
                throw new MigrateException(what + " did not finish in " + TIMEOUT_HOURS + " hours: stopped");
            }
            reader.join(2000);
            String out = buffer.toString(StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) throw new MigrateException(what + " failed: " + gist(out));
            return out;
        } catch (IOException e) {
            throw new MigrateException("cannot run " + cmd.get(0) + ": " + e.getMessage() + " (check postgres.bin_dir)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MigrateException(what + " interrupted");
        }
    }

    /** The line of a program's output that says what went wrong. */
    static String gist(String output) {
        List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        if (lines.isEmpty()) return "no message";
        for (String l : lines) if (l.contains("error:") || l.contains("FATAL:") || l.contains("ERROR:")) return l;
        return lines.getLast();
    }
}
