package io.pgha.migrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Reads passwords the way libpq does: a pgpass file's first matching line, or a file holding the password alone. */
public final class PgPass {
    private PgPass() {}

    /** The password in {@code file} (its first line); the file must be readable by its owner only. */
    public static String passwordFile(Path file, String flag) throws MigrateException {
        requireOwnerOnly(file, flag);
        try {
            return Files.readString(file).lines().findFirst().orElse("").strip();
        } catch (IOException e) {
            throw new MigrateException("cannot read " + flag + " " + file + ": " + e.getMessage());
        }
    }

    /** The password for the endpoint from PGPASSFILE, else ~/.pgpass; empty when neither has a matching line. */
    public static Optional<String> lookup(Endpoint e, String env, Path home) throws MigrateException {
        Path file = env != null && !env.isBlank() ? Path.of(env) : home.resolve(".pgpass");
        if (!Files.isRegularFile(file)) return Optional.empty();
        requireOwnerOnly(file, env != null && !env.isBlank() ? "PGPASSFILE" : "~/.pgpass");
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#")) continue;
                List<String> f = fields(line);
                if (f.size() < 5) continue;
                if (matches(f.get(0), e.host()) && matches(f.get(1), String.valueOf(e.port()))
                        && matches(f.get(2), e.database()) && matches(f.get(3), e.user())) return Optional.of(f.get(4));
            }
            return Optional.empty();
        } catch (IOException ex) {
            throw new MigrateException("cannot read " + file + ": " + ex.getMessage());
        }
    }

    private static boolean matches(String pattern, String value) {
        return pattern.equals("*") || pattern.equals(value);
    }

    /** Splits at unescaped colons, undoing {@code \:} and {@code \\}. */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) cur.append(line.charAt(++i));
            else if (c == ':' && out.size() < 4) {
                out.add(cur.toString());
                cur.setLength(0);
            } else cur.append(c);
        }
        out.add(cur.toString());
        return out;
    }

    private static void requireOwnerOnly(Path file, String what) throws MigrateException {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            for (PosixFilePermission x : p) {
                if (x.name().startsWith("GROUP") || x.name().startsWith("OTHERS"))
                    throw new MigrateException(what + " " + file + " is readable by others: chmod 600 " + file);
            }
        } catch (IOException e) {
            throw new MigrateException("cannot read " + what + " " + file + ": " + e.getMessage()
                    + " (check the path)");
        }
    }
}
