package io.pgha.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inputs of dump, load and migrate that are checked before any server is reached. */
class MigrateInputsTest {
    static final String GLOBALS = """
            CREATE ROLE app;
            ALTER ROLE app WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:aaa';
            CREATE ROLE postgres;
            ALTER ROLE postgres WITH SUPERUSER LOGIN PASSWORD 'SCRAM-SHA-256$4096:bbb';
            CREATE ROLE "Odd \"\"One\"\"";
            COMMENT ON ROLE postgres IS 'theirs';
            CREATE TABLESPACE fast OWNER postgres LOCATION '/ssd';
            GRANT app TO "Odd \"\"One\"\"" GRANTED BY postgres;
            """;

    @Test
    void theGlobalsKeepTheClusterOwnRolesUntouchedAndLeaveTablespacesOut() {
        GlobalsFilter.Result r = GlobalsFilter.filter(GLOBALS, Set.of("postgres", "replicator"));
        assertThat(r.script()).doesNotContain("ROLE postgres", "bbb", "TABLESPACE")
                .contains("CREATE ROLE app;", "'SCRAM-SHA-256$4096:aaa'", "GRANT app TO");
        assertThat(r.creates()).containsExactly("app", "Odd \"One\"");
        assertThat(r.kept()).containsExactly("postgres");
        assertThat(r.tablespaceLines()).isEqualTo(1);
    }

    @Test
    void aSourceUrlIsReadWithDefaultsAndAPasswordInItIsRefused() throws Exception {
        assertThat(SourceUrl.parse("postgresql://harness@db.example:5433/app"))
                .isEqualTo(new Endpoint("db.example", 5433, "harness", null, "app"));
        assertThat(SourceUrl.parse("postgres://u@[::1]")).isEqualTo(new Endpoint("::1", 5432, "u", null, "postgres"));
        assertThatThrownBy(() -> SourceUrl.parse("postgresql://u:secret@h/db")).hasMessageContaining("--from-password-file")
                .message().doesNotContain("secret");
        assertThatThrownBy(() -> SourceUrl.parse("mysql://u@h/db")).hasMessageContaining("postgresql://user@host:port/dbname");
        assertThatThrownBy(() -> SourceUrl.parse("postgresql://h/db")).hasMessageContaining("no user");
    }

    @Test
    void passwordsComeFromOwnerOnlyFilesAndPgpassLinesMatchLikeLibpq(@TempDir Path dir) throws Exception {
        Path pgpass = dir.resolve("pgpass");
        Files.writeString(pgpass, "# comment\nother:5432:*:u:no\nh:5432:*:u:pa\\:ss\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        assertThat(PgPass.lookup(new Endpoint("h", 5432, "u", null, "db"), pgpass.toString(), dir)).contains("pa:ss");
        assertThat(PgPass.lookup(new Endpoint("h", 5433, "u", null, "db"), pgpass.toString(), dir)).isEmpty();
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> PgPass.passwordFile(pgpass, "--from-password-file")).hasMessageContaining("chmod 600");
        assertThat(PassFile.escape("a:b\\c")).isEqualTo("a\\:b\\\\c");
    }

    @Test
    void aNonEmptyOutputDirectoryAndAMissingProgramAreRefusedNamingTheFix(@TempDir Path dir) throws Exception {
        Dumper.requireNewOrEmpty(dir.resolve("new"));
        Dumper.requireNewOrEmpty(dir);
        Files.writeString(dir.resolve("x"), "x");
        assertThatThrownBy(() -> Dumper.requireNewOrEmpty(dir)).hasMessageContaining("is not empty: give a new or empty directory");
        assertThatThrownBy(() -> PgClient.requireTools(dir, "pg_dump")).hasMessageContaining("pg_dump not found in " + dir)
                .hasMessageContaining("postgres.bin_dir");
        assertThat(PgClient.gist("pg_dump: detail\npg_dump: error: connection failed\nmore")).isEqualTo("pg_dump: error: connection failed");
        assertThat(List.of(TableCheck.render(List.of(new TableCheck("d", "t", new TableChecksums.Sum("t", 2, "x"), null))).split("\n")))
                .anyMatch(l -> l.contains("| MISSING"));
    }
}
