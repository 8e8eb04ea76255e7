package io.pgha.postgres;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** PostgreSQL's own programs (initdb, pg_ctl, pg_basebackup, pg_rewind, pg_controldata) run as the OS user. */
final class PgTools {
    private final Path binDir;
    private final OsCommand os;

    PgTools(Path binDir, OsCommand os) {
        this.binDir = binDir;
        this.os = os;
    }

    String bin(String tool) {
        return binDir.resolve(tool).toString();
    }

    ProcessBuilder builder(List<String> command, boolean newSession) {
        return os.builder(command, newSession);
    }

    /** Runs the command; a non-zero exit is the caller's to judge. */
    OsCommand.Result exec(List<String> cmd, long timeoutMs) throws PostgresException {
        try {
            return os.run(cmd, timeoutMs);
        } catch (IOException e) {
            throw new PostgresException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** Runs the command; a non-zero exit is a failure of {@code what}. */
    void run(String what, List<String> cmd, long timeoutMs) throws PostgresException {
        OsCommand.Result r = exec(cmd, timeoutMs);
        if (!r.ok()) throw new PostgresException(what + " failed (exit " + r.exitCode() + "): " + r.output());
    }

    String controlData(Path dataDir, String field) throws PostgresException {
        OsCommand.Result r = exec(List.of(bin("pg_controldata"), "-D", dataDir.toString()), 30_000);
        if (!r.ok()) throw new PostgresException("pg_controldata failed: " + r.output());
        return controlField(r.output(), field)
                .orElseThrow(() -> new PostgresException("pg_controldata printed no " + field));
    }

    /** The value of {@code field} in pg_controldata's output ("Field:   value"). */
    static java.util.Optional<String> controlField(String output, String field) {
        return output.lines().filter(l -> l.startsWith(field + ":"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
    }

    static String lastLine(String s) {
        String[] lines = s.split("\n");
        return lines[lines.length - 1];
    }
}
