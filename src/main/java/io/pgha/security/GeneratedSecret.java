package io.pgha.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Generated secrets (passwords, tokens, TSIG keys), {@value #BYTES} bytes from SecureRandom each, kept in 0600 files. */
public final class GeneratedSecret {
    public static final int BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private GeneratedSecret() {}

    /** A password or token: hex, so that no pgpass, conninfo or shell quoting rule can bite. */
    public static String hex() {
        return HexFormat.of().formatHex(randomBytes());
    }

    /** A key in the base64 form DNS servers take (TSIG). */
    public static String base64() {
        return Base64.getEncoder().encodeToString(randomBytes());
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[BYTES];
        RANDOM.nextBytes(b);
        return b;
    }

    /** The secret in {@code file} (its first line, trimmed). */
    public static String read(Path file) throws IOException {
        String text = Files.readString(file).strip();
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline).strip();
    }

    /** Writes {@code secret} on one line to {@code file}, owner-only from its creation; replaces the file atomically. */
    public static void write(Path file, String secret) throws IOException {
        writeOwnerOnly(file, secret + "\n");
    }

    /** Any text that holds a secret (a DNS server's key stanza), owner-only from its creation. */
    public static void writeOwnerOnly(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
