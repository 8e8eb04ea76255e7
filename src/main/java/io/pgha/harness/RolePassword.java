package io.pgha.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.Set;

/**
 * The application role's password, kept in a 0600 file of the output directory so that running again reuses it.
 * Letters and digits only: Harness pastes it into connection URIs unescaped.
 */
public final class RolePassword {
    static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    /** 48 characters of 62: about 286 bits, more than 32 random bytes. */
    static final int LENGTH = 48;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RolePassword() {}

    /** A fresh password, each character drawn uniformly (rejection sampling: no modulo bias). */
    public static String generate() {
        StringBuilder sb = new StringBuilder(LENGTH);
        byte[] one = new byte[1];
        while (sb.length() < LENGTH) {
            RANDOM.nextBytes(one);
            int v = one[0] & 0xff;
            if (v < 248) sb.append(ALPHABET.charAt(v % 62));
        }
        return sb.toString();
    }

    /** The password in {@code file} when it exists (and is sound), else (or with {@code rotate}) a new one written there. */
    public static String reuseOrCreate(Path file, boolean rotate) throws HarnessException {
        if (Files.exists(file) && !rotate) return read(file);
        String password = generate();
        OutputFiles.writePrivate(file, password + "\n");
        return password;
    }

    static String read(Path file) throws HarnessException {
        try {
            Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.stream().anyMatch(x -> x.name().startsWith("GROUP") || x.name().startsWith("OTHERS")))
                throw new HarnessException(file + " is readable by others: chmod 600 " + file + " (or --rotate to replace it)");
            String password = Files.readString(file).strip();
            if (password.length() < 32 || !password.chars().allMatch(c -> ALPHABET.indexOf(c) >= 0))
                throw new HarnessException(file + " does not hold a password pgha generated (32 or more letters and"
                        + " digits): remove it or run with --rotate");
            return password;
        } catch (IOException e) {
            throw new HarnessException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
