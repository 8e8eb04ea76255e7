package io.pgha.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files {@code pgha harness} writes: owner-only from their creation, replaced atomically. */
final class OutputFiles {
    private OutputFiles() {}

    /** Creates {@code dir} (0700) when it does not exist; refuses a path that is not a directory. */
    static void prepareDirectory(Path dir) throws HarnessException {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir))
                throw new HarnessException("--out " + dir + " exists and is not a directory: give a directory");
            if (!Files.exists(dir))
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new HarnessException("cannot create --out " + dir + ": " + e.getMessage() + " (check the path and its permissions)");
        }
    }

    static void writePrivate(Path file, String text) throws HarnessException {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, text);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HarnessException("cannot write " + file + ": " + e.getMessage() + " (check the directory's permissions)");
        } finally {
            try {
                if (tmp != null) Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing left to clean when the move happened
            }
        }
    }
}
