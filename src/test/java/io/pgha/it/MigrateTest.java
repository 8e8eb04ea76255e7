package io.pgha.it;

import static io.pgha.testing.TestClusters.BOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pgha.Main;
import io.pgha.demo.LocalCluster;
import io.pgha.postgres.OsCommand;
import io.pgha.testing.TestClusters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 10 (dump, load, migrate): a standalone PostgreSQL with two databases, a role owning a table, a sequence and
 * a large object is migrated into a three-node cluster and checked table by table (after a first attempt that
 * fails partway was undone); dump files are owner-only; a load onto a database holding data and a migration with
 * a wrong password are refused and change nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrateTest {
    static final int PORT_BASE = 30432;
    static final int SOURCE_PORT = 30900;
    static final String SOURCE_PASSWORD = "source-secret";
    static final String ROLE_PASSWORD = "app-secret-1";
    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    record Run(int exit, String out, String err) {}

    LocalCluster cluster;
    Properties props;
    Path sourceDir;
    Path sourcePasswordFile;
    final OsCommand asPostgres = new OsCommand("postgres", null);

    @BeforeAll
    void start() throws Exception {
        sourceDir = Files.createTempDirectory(Path.of("/tmp"), "pgha-migrate-src-");
        Files.setOwner(sourceDir, sourceDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres"));
        Path initPw = sourceDir.resolve("initdb.pw");
        Files.writeString(initPw, SOURCE_PASSWORD + "\n");
        Files.setOwner(initPw, Files.getOwner(sourceDir));
        postgres(BIN.resolve("initdb") + " -D " + sourceDir.resolve("data") + " -U postgres --auth=scram-sha-256"
                + " --pwfile=" + initPw + " -E UTF8 --locale=C");
        postgres(BIN.resolve("pg_ctl") + " -D " + sourceDir.resolve("data") + " -l " + sourceDir.resolve("server.log") + " -w start"
                + " -o '-p " + SOURCE_PORT + " -k " + sourceDir + " -c listen_addresses=127.0.0.1'");
        sourcePasswordFile = Files.createTempFile("pgha-migrate-test-", ".pw",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(sourcePasswordFile, SOURCE_PASSWORD + "\n");
        fillSource();

        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-migrate-");
        cluster = new LocalCluster(dir, "migrate", 3, PORT_BASE, LocalCluster.defaultJavaCommand(), Map.of());
        cluster.writeConfigs();
        for (int i = 0; i < cluster.size(); i++) {
            Path config = cluster.configFile(i);
            // the read-only proxy ports (base+600) lie outside this test's port range
            Files.writeString(config, Files.readString(config).replace("proxy:\n", "proxy:\n  enabled: false\n"));
        }
        cluster.startAll();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        props = TestClusters.superuser(cluster);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            TestClusters.stop(cluster);
        } finally {
            if (sourceDir != null && Files.exists(sourceDir.resolve("data/postmaster.pid")))
                postgres(BIN.resolve("pg_ctl") + " -D " + sourceDir.resolve("data") + " -m fast -w stop");
            if (sourcePasswordFile != null) Files.deleteIfExists(sourcePasswordFile);
            deleteTree(sourceDir);
        }
    }

    @Test
    void aMigrationThatFailsPartwayIsUndoneAndOnceFixedCopiesEverythingWithEveryChecksumMatching() throws Exception {
        // zfail exists, empty, on the cluster and refuses DDL: it is restored into last, after shop and inventory were made
        String zfail = cluster.jdbcUrl().replace("/postgres?", "/zfail?");
        sql(cluster.jdbcUrl(), props, "CREATE DATABASE zfail");
        sql(zfail, props, "CREATE FUNCTION no_ddl() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'zfail refuses DDL'; END $$",
                "CREATE EVENT TRIGGER no_ddl ON ddl_command_start EXECUTE FUNCTION no_ddl()");
        List<String> before = databases();
        String[] migrate = {"migrate", "-c", cluster.configFile(0).toString(), "-j", "2",
                "--from", "postgresql://postgres@127.0.0.1:" + SOURCE_PORT + "/postgres",
                "--from-password-file", sourcePasswordFile.toString()};

        Run failed = pgha(migrate);
        assertThat(failed.exit()).as(failed.out() + failed.err()).isEqualTo(1);
        assertThat(failed.out()).contains("loading shop", "loading inventory", "undoing: dropping database shop",
                "undoing: dropping role app_owner");
        assertThat(failed.err()).contains("zfail refuses DDL", "nothing it created was kept").doesNotContain("Exception");
        assertThat(databases()).isEqualTo(before);
        assertThat(one(cluster.jdbcUrl(), props, "SELECT count(*) FROM pg_roles WHERE rolname = 'app_owner'")).isEqualTo("0");
        assertThat(one(zfail, props, "SELECT count(*) FROM pg_class WHERE relname = 'ztable'")).isEqualTo("0");

        sql(zfail, props, "DROP EVENT TRIGGER no_ddl");
        Run r = pgha(migrate);
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("dumping shop", "loading shop", "verifying inventory 1/1 tables", "verifying zfail 1/1 tables")
                .contains("migrated: all 7 tables match").doesNotContain(SOURCE_PASSWORD, cluster.superuserPassword());
        for (String rel : List.of("public.orders", "public.invoice_seq (sequence)", "public.docs", "(large objects)", "public.stock"))
            assertThat(r.out()).containsPattern("\\| " + java.util.regex.Pattern.quote(rel) + " +\\|.*\\| match +\\|");
        for (String check : List.of("SELECT count(*) || ':' || md5(string_agg(id || ':' || item || ':' || qty || ':' || price, ',' ORDER BY id)) FROM orders",
                "SELECT last_value || ':' || is_called FROM invoice_seq",
                "SELECT tableowner FROM pg_tables WHERE tablename = 'orders'",
                "SELECT encode(lo_get(body), 'hex') FROM docs WHERE id = 1"))
            assertThat(one(cluster.jdbcUrl().replace("/postgres?", "/shop?"), props, check)).as(check)
                    .isEqualTo(one(source("shop"), sourceProps(), check)).isNotNull();
        String stock = "SELECT count(*) || ':' || md5(string_agg(stock::text, ',' ORDER BY sku)) FROM stock";
        assertThat(one(cluster.jdbcUrl().replace("/postgres?", "/inventory?"), props, stock)).isEqualTo(one(source("inventory"), sourceProps(), stock));
        assertThat(one(cluster.jdbcUrl().replace("/postgres?", "/shop?"), props, "SELECT nextval('invoice_seq')")).isEqualTo("4243");

        Properties role = new Properties();
        role.setProperty("user", "app_owner");
        role.setProperty("password", ROLE_PASSWORD);
        assertThat(one(cluster.jdbcUrl().replace("/postgres?", "/shop?"), role, "SELECT current_user || ':' || count(*) FROM orders"))
                .isEqualTo("app_owner:4000");
    }

    @Test
    void aDumpIsOwnerOnlyAndALoadOntoADatabaseHoldingTablesIsRefusedChangingNothing() throws Exception {
        sql(cluster.jdbcUrl(), props, "CREATE DATABASE refuse_me");
        String url = cluster.jdbcUrl().replace("/postgres?", "/refuse_me?");
        sql(url, props, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 3) g");
        Path out = Files.createTempDirectory(Path.of("/tmp"), "pgha-dump-").resolve("dump");
        try {
            Run dump = pgha("dump", "-c", cluster.configFile(1).toString(), "--db", "refuse_me", "--out", out.toString());
            assertThat(dump.exit()).as(dump.out() + dump.err()).isZero();
            assertThat(Files.readString(out.resolve("pgha-dump.json"))).contains("\"name\" : \"refuse_me\"").contains("server_version");
            assertThat(Files.readString(out.resolve("globals.sql"))).contains("CREATE ROLE postgres");
            try (Stream<Path> all = Files.walk(out)) {
                for (Path p : all.toList())
                    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString())
                            .isEqualTo(Files.isDirectory(p) ? "rwx------" : "rw-------");
            }
            Run again = pgha("dump", "-c", cluster.configFile(1).toString(), "--out", out.toString());
            assertThat(again.exit()).isEqualTo(1);
            assertThat(again.err()).contains("is not empty").doesNotContain("Exception");

            List<String> before = databases();
            Run load = pgha("load", "-c", cluster.configFile(2).toString(), "--from", out.toString());
            assertThat(load.exit()).isEqualTo(1);
            assertThat(load.err()).contains("refuse_me", "--drop-existing", "nothing was changed").doesNotContain("Exception");
            assertThat(databases()).isEqualTo(before);
            assertThat(one(url, props, "SELECT count(*) FROM t")).isEqualTo("3");
        } finally {
            deleteTree(out.getParent());
        }
    }

    @Test
    void aMigrationWithAWrongPasswordFailsClearlyAndLeavesTheClusterAsItWas() throws Exception {
        Path wrong = Files.createTempFile("pgha-migrate-wrong-", ".pw",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(wrong, "not-the-password\n");
            List<String> before = databases();
            Run r = pgha("migrate", "-c", cluster.configFile(0).toString(),
                    "--from", "postgresql://postgres@127.0.0.1:" + SOURCE_PORT + "/postgres", "--from-password-file", wrong.toString());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("password authentication failed", "check the user and the password")
                    .doesNotContain("Exception", "not-the-password");
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(databases()).isEqualTo(before);
        } finally {
            Files.deleteIfExists(wrong);
        }
    }

    void fillSource() throws Exception {
        sql(source("postgres"), sourceProps(), "CREATE ROLE app_owner LOGIN PASSWORD '" + ROLE_PASSWORD + "'",
                "CREATE DATABASE shop OWNER app_owner", "CREATE DATABASE inventory");
        sql(source("shop"), sourceProps(),
                "CREATE TABLE orders (id serial PRIMARY KEY, item text, qty int, price numeric(10,2), placed timestamptz DEFAULT now())",
                "INSERT INTO orders (item, qty, price) SELECT 'item-' || g, g % 17, g * 1.25 FROM generate_series(1, 4000) g",
                "ALTER TABLE orders OWNER TO app_owner",
                "CREATE SEQUENCE invoice_seq", "SELECT setval('invoice_seq', 4242)",
                "CREATE TABLE docs (id int PRIMARY KEY, body oid)",
                "INSERT INTO docs VALUES (1, lo_from_bytea(0, decode(repeat('00ff13a7', 40000), 'hex')))");
        sql(source("inventory"), sourceProps(),
                "CREATE TABLE stock (sku text PRIMARY KEY, n int, weight float8, attrs jsonb)",
                "INSERT INTO stock SELECT 'sku-' || g, g, g / 3.0, jsonb_build_object('g', g) FROM generate_series(1, 3000) g");
        sql(source("postgres"), sourceProps(), "CREATE DATABASE zfail");
        sql(source("zfail"), sourceProps(), "CREATE TABLE ztable AS SELECT g AS id FROM generate_series(1, 10) g");
    }

    static String source(String db) {
        return "jdbc:postgresql://127.0.0.1:" + SOURCE_PORT + "/" + db;
    }

    static Properties sourceProps() {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", SOURCE_PASSWORD);
        return p;
    }

    List<String> databases() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), props); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT datname FROM pg_database ORDER BY datname")) {
            while (rs.next()) out.add(rs.getString(1));
        }
        return out;
    }

    static void sql(String url, Properties p, String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(url, p); Statement st = c.createStatement()) {
            for (String s : statements) st.execute(s);
        }
    }

    static String one(String url, Properties p, String query) throws Exception {
        try (Connection c = DriverManager.getConnection(url, p); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(query)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    static Run pgha(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    void postgres(String shellCommand) throws Exception {
        OsCommand.Result r = asPostgres.run(List.of("sh", "-c", shellCommand), 120_000);
        assertThat(r.ok()).as(shellCommand + ": " + r.output()).isTrue();
    }

    static void deleteTree(Path root) throws Exception {
        if (root == null || !Files.exists(root)) return;
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
