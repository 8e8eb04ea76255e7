package io.pgha.migrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code pgha-dump.json}: what a {@code pgha dump} directory holds. Each database is in {@code dir}, a
 * directory-format pg_dump; the roles and other globals are in {@code globals}.
 */
public record DumpManifest(int format, String serverVersion, String createdAt, String globals, List<Database> databases) {
    public static final String FILE = "pgha-dump.json";
    public static final String GLOBALS = "globals.sql";

    public record Database(String name, String dir) {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    public void write(Path dumpDir) throws IOException {
        Files.writeString(dumpDir.resolve(FILE), JSON.writeValueAsString(this) + "\n");
    }

    public static DumpManifest read(Path dumpDir) throws MigrateException {
        Path f = dumpDir.resolve(FILE);
        try {
            DumpManifest m = JSON.readValue(Files.readString(f), DumpManifest.class);
            if (m.databases() == null || m.globals() == null) throw new IOException("databases or globals missing");
            for (Database d : m.databases()) {
                if (!Files.isDirectory(dumpDir.resolve(d.dir())))
                    throw new MigrateException(dumpDir + " lacks " + d.dir() + "/, the dump of database " + d.name()
                            + ": copy the whole dump directory, or make a new one with pgha dump");
            }
            return m;
        } catch (NoSuchFileException e) {
            throw new MigrateException(dumpDir + " holds no " + FILE + ": give --from the directory pgha dump --out wrote");
        } catch (IOException e) {
            throw new MigrateException(f + " cannot be read (" + Endpoint.firstLine(e.getMessage())
                    + "): give --from a directory pgha dump wrote");
        }
    }
}
