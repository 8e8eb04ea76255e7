package io.pgha.postgres;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;

/** Writes the files pgha owns into the data and run directories: the include file, pg_hba.conf, the password file. */
final class ManagedConfig {
    private final NodeConfig config;
    private final NodeConfig.Postgres pg;
    private final DataDirectory dir;
    private Upstream currentUpstream;

    ManagedConfig(NodeConfig config, DataDirectory dir) {
        this.config = config;
        this.pg = config.postgres();
        this.dir = dir;
    }

    /** The include file pointing at {@code upstream} (null: a primary), and pg_hba.conf when pgha does not own it yet. */
    void write(Upstream upstream) throws IOException {
        currentUpstream = upstream;
        dir.appendLineOnce(dir.path().resolve("postgresql.conf"), ManagedFiles.INCLUDE_LINE);
        dir.writePrivate(dir.path().resolve(ManagedFiles.INCLUDE_FILE), ManagedFiles.includeFile(pg,
                dir.runDir().toString(), upstream, config.name(), dir.passFile().toString()));
        Path hba = dir.path().resolve("pg_hba.conf");
        if (!Files.exists(hba) || !Files.readString(hba).startsWith("# Managed by pgha")) {
            dir.writePrivate(hba, ManagedFiles.hba(pg, agentAddress(), List.of(Addresses.resolve(config.host()))));
        }
    }

    /** pg_hba.conf for these member addresses; true when it changed (and needs a reload). */
    boolean writeHba(Collection<String> memberAddresses) throws IOException {
        return dir.writeIfChanged(dir.path().resolve("pg_hba.conf"), ManagedFiles.hba(pg, agentAddress(), memberAddresses));
    }

    void writePassFile() throws IOException {
        String superPw = escapePass(Files.readString(pg.superuserPasswordFile()).strip());
        String replPw = escapePass(Files.readString(pg.replicationPasswordFile()).strip());
        dir.writeIfChanged(dir.passFile(), "*:*:*:" + escapePass(pg.replicationUser()) + ":" + replPw + "\n"
                + "*:*:*:" + escapePass(pg.superuser()) + ":" + superPw + "\n");
    }

    /** A .pgpass field: backslash and colon escaped. */
    static String escapePass(String s) {
        return s.replace("\\", "\\\\").replace(":", "\\:");
    }

    String agentAddress() {
        return Addresses.agentAddress(pg.listen());
    }

    /** The member the include file last pointed at (null: none, or not written since start). */
    String following() {
        Upstream u = currentUpstream;
        return u == null ? null : u.name();
    }
}
