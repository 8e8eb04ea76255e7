package io.pgha.it;

import static io.pgha.testing.TestClusters.BOUND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pgha.Main;
import io.pgha.demo.LocalCluster;
import io.pgha.harness.ServiceUri;
import io.pgha.testing.AckedWriter;
import io.pgha.testing.TestClusters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 15: {@code pgha harness} against a real three-node cluster, its endpoint one node's read-write proxy. A
 * "service" connects with the URI the chart builds from the generated files, creates its database and table, and
 * keeps writing while the primary is killed: nothing acknowledged is lost. The role has no rights beyond that;
 * running again keeps one role and its password; bad input and a missing primary are refused with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HarnessTest {
    // ports 12400..12902 and the read-only proxies moved to 12450.. : all inside this test's range 12400-12999
    static final int PORT_BASE = 12400;
    static final int NOTHING_LISTENS = 12998;
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    record Run(int exit, String out, String err) {}

    /** What a service gets from the chart: the URI with the Secret's credentials pasted in, for one database. */
    record ServiceConnection(String uri, String user, String password) {
        String jdbcUrl() {
            URI u = URI.create(uri);
            return "jdbc:postgresql://" + u.getHost() + ":" + u.getPort() + u.getPath() + "?" + u.getQuery();
        }

        Properties props() {
            Properties p = new Properties();
            p.setProperty("user", user);
            p.setProperty("password", password);
            p.setProperty("connectTimeout", "2");
            p.setProperty("socketTimeout", "10");
            return p;
        }

        Connection open() throws SQLException {
            return DriverManager.getConnection(jdbcUrl(), props());
        }
    }

    LocalCluster cluster;
    Path out;
    int endpointNode;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "pgha-harness-");
        cluster = new LocalCluster(dir, "harness", 3, PORT_BASE, LocalCluster.defaultJavaCommand(), Map.of());
        cluster.writeConfigs();
        for (int i = 0; i < cluster.size(); i++) {
            Path config = cluster.configFile(i);
            Files.writeString(config, Files.readString(config).replace("read_only_port: " + cluster.readOnlyProxyPort(i),
                    "read_only_port: " + (PORT_BASE + 50 + i)));
        }
        cluster.startAll();
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
        out = dir.resolve("harness-out");
        endpointNode = (cluster.leader().orElseThrow() + 1) % cluster.size();
    }

    @AfterAll
    void stop() throws Exception {
        TestClusters.stop(cluster);
    }

    String endpoint() {
        return LocalCluster.HOST + ":" + cluster.proxyPort(endpointNode);
    }

    Run harness(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("harness", "-c", cluster.configFile(0).toString(),
                "--namespace", "harness", "--out", out.toString()));
        args.addAll(List.of(extra));
        return pgha(args.toArray(String[]::new));
    }

    @Test
    @Order(1)
    void aServiceUsingTheGeneratedValuesMigratesAndWritesThroughAFailoverLosingNothing() throws Exception {
        Run r = harness("--endpoint", endpoint());
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        String password = Files.readString(out.resolve("harness.password")).strip();
        assertThat(r.out()).contains("role harness created", "kubectl apply -n harness -f " + out.resolve("postgres-secret.yaml"),
                "helm upgrade", "-f " + out.resolve("override-prod.yaml"), "psql")
                .doesNotContain(password).doesNotContain(cluster.superuserPassword());

        // the printed check, run as printed: the URI a service builds, the password read from the file
        String check = r.out().lines().filter(l -> l.contains("psql '")).findFirst().orElseThrow().strip();
        assertThat(check).doesNotContain(password);
        String checked = bash(check);
        assertThat(checked).contains("harness").contains(" f");

        ServiceConnection admin = service("postgres");
        try (Connection c = admin.open(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE harness_svc");
        }
        ServiceConnection svc = service("harness_svc");
        try (Connection c = svc.open(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE schema_version (version int PRIMARY KEY, applied_at timestamptz DEFAULT now())");
            st.execute("INSERT INTO schema_version (version) VALUES (1)");
            st.execute("CREATE TABLE acked (id int PRIMARY KEY)");
            assertThat(one(c, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()")).isEqualTo("harness");
        }

        int old = cluster.leader().orElseThrow();
        assertThat(old).as("the endpoint's node is not the one killed").isNotEqualTo(endpointNode);
        try (AckedWriter writer = new AckedWriter(svc.jdbcUrl(), svc.props(), 0)) {
            await().atMost(BOUND).until(() -> writer.count() >= 50);
            cluster.killNode(old);
            int atKill = writer.count();
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200))
                    .until(() -> cluster.leader().filter(l -> l != old).isPresent() && writer.count() >= atKill + 100);
            writer.close();
            Set<Integer> present = new HashSet<>();
            try (Connection c = svc.open(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM acked")) {
                while (rs.next()) present.add(rs.getInt(1));
            }
            assertThat(writer.acknowledged().stream().filter(id -> !present.contains(id)).toList()).as("acknowledged, then lost").isEmpty();
            assertThat(writer.count()).isGreaterThanOrEqualTo(150);
        }
        cluster.start(old);
        await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(cluster::healthy);
    }

    @Test
    @Order(2)
    void theRoleCannotDoWhatHarnessDoesNotNeed() throws Exception {
        try (Connection c = service("postgres").open(); Statement st = c.createStatement()) {
            assertThat(one(c, "SELECT rolsuper::text || rolcreaterole || rolreplication || rolbypassrls || rolcreatedb"
                    + " FROM pg_roles WHERE rolname = current_user")).isEqualTo("falsefalsefalsefalsetrue");
            assertThatThrownBy(() -> st.execute("ALTER SYSTEM SET work_mem = '64MB'")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            assertThatThrownBy(() -> st.executeQuery("SELECT rolpassword FROM pg_authid")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
            assertThatThrownBy(() -> st.execute("CREATE ROLE sneaky LOGIN")).isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("42501"));
        }
    }

    @Test
    @Order(3)
    void runningAgainKeepsOneRoleAndItsPasswordUnlessRotated() throws Exception {
        String password = Files.readString(out.resolve("harness.password"));
        String secret = Files.readString(out.resolve("postgres-secret.yaml"));
        Run again = harness("--endpoint", endpoint());
        assertThat(again.exit()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("role harness kept", "password unchanged");
        assertThat(Files.readString(out.resolve("harness.password"))).isEqualTo(password);
        assertThat(Files.readString(out.resolve("postgres-secret.yaml"))).isEqualTo(secret);
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), TestClusters.superuser(cluster))) {
            assertThat(one(c, "SELECT count(*) FROM pg_roles WHERE rolname = 'harness'")).isEqualTo("1");
        }
        ServiceConnection before = service("postgres");
        try (Connection c = before.open()) {
            assertThat(one(c, "SELECT current_user")).isEqualTo("harness");
        }

        Run rotated = harness("--endpoint", endpoint(), "--rotate");
        assertThat(rotated.exit()).as(rotated.out() + rotated.err()).isZero();
        assertThat(rotated.out()).contains("role harness kept", "new password");
        assertThat(Files.readString(out.resolve("harness.password"))).isNotEqualTo(password);
        assertThatThrownBy(before::open).isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
        try (Connection c = service("postgres").open()) {
            assertThat(one(c, "SELECT current_user")).isEqualTo("harness");
        }
    }

    @Test
    @Order(4)
    void aMigratedDatabaseIsHandedToTheRoleWithEverythingInItSoMigrationsCanAlterIt() throws Exception {
        Properties su = TestClusters.superuser(cluster);
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), su); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE bundled_ng");
        }
        // what pgha migrate leaves: the copy owned by the bundled database's superuser, here the cluster's
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl().replace("/postgres?", "/bundled_ng?"), su);
             Statement st = c.createStatement()) {
            for (String sql : List.of("CREATE SCHEMA app", "CREATE TYPE app.state AS ENUM ('a', 'b')",
                    "CREATE TABLE app.pipelines (id serial PRIMARY KEY, name text, state app.state)",
                    "CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz DEFAULT now())",
                    "CREATE SEQUENCE ticket_seq", "CREATE VIEW app.pipeline_names AS SELECT name FROM app.pipelines",
                    "CREATE MATERIALIZED VIEW app.pipeline_count AS SELECT count(*) FROM app.pipelines",
                    "CREATE FUNCTION app.next_ticket() RETURNS bigint LANGUAGE sql AS 'SELECT nextval(''public.ticket_seq'')'",
                    "SELECT lo_from_bytea(0, 'x'::bytea)", "INSERT INTO app.pipelines (name, state) VALUES ('p1', 'a')"))
                st.execute(sql);
        }
        Run r = harness("--endpoint", endpoint(), "--own-database", "bundled_ng");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("database bundled_ng (", "owners changed)");
        try (Connection c = service("bundled_ng").open(); Statement st = c.createStatement()) {
            for (String sql : List.of("INSERT INTO app.pipelines (name, state) VALUES ('p2', 'b')", "INSERT INTO events DEFAULT VALUES",
                    "SELECT app.next_ticket()", "REFRESH MATERIALIZED VIEW app.pipeline_count",
                    "ALTER TABLE app.pipelines ADD COLUMN created_at timestamptz", "ALTER TYPE app.state ADD VALUE 'c'",
                    "CREATE TABLE app.added_by_a_migration (x int)", "SELECT lo_get(oid) FROM pg_largeobject_metadata"))
                st.execute(sql);
            assertThat(one(c, "SELECT count(*) FROM app.pipeline_names")).isEqualTo("2");
            assertThat(one(c, "SELECT string_agg(c.oid::regclass::text, ', ') FROM pg_class c JOIN pg_namespace n ON n.oid ="
                    + " c.relnamespace WHERE n.nspname IN ('app', 'public') AND c.relowner <> 'harness'::regrole")).isNull();
            assertThat(one(c, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'bundled_ng'")).isEqualTo("harness");
            assertThat(one(c, "SELECT count(*) FROM pg_largeobject_metadata WHERE lomowner <> 'harness'::regrole")).isEqualTo("0");
        }
    }

    @Test
    @Order(5)
    void badInputIsRefusedWithTheReasonAndChangesNothing() throws Exception {
        Path fresh = out.resolveSibling("refused-out");
        int standby = (cluster.leader().orElseThrow() + 1) % cluster.size();
        record Case(List<String> args, String message) {}
        List<Case> cases = List.of(
                new Case(List.of("--namespace", "Harness_NS", "--endpoint", endpoint()), "not a valid Kubernetes namespace"),
                new Case(List.of("--secret-name", "Postgres_Secret", "--endpoint", endpoint()), "not a valid Kubernetes Secret name"),
                new Case(List.of("--user", "Harness-App", "--endpoint", endpoint()), "not a valid role name"),
                new Case(List.of("--user", "postgres", "--endpoint", endpoint()), "a role the cluster itself uses"),
                new Case(List.of("--endpoint", "127.0.0.1:" + cluster.pgPort(standby)), "reaches a standby"),
                new Case(List.of("--endpoint", "127.0.0.1:" + NOTHING_LISTENS), "cannot connect"),
                new Case(List.of("--endpoint", "127.0.0.1:5000,127.0.0.2:5000"), "one HOST:PORT"),
                new Case(List.of(), "no stable endpoint to give Harness"),
                new Case(List.of("--endpoint", endpoint(), "--own-database", "no_such_db"), "no such database on the cluster"),
                new Case(List.of("--endpoint", endpoint(), "--own-database", "template1"), "that is a system database"));
        for (Case c : cases) {
            List<String> args = new java.util.ArrayList<>(List.of("harness", "-c", cluster.configFile(0).toString(),
                    "--out", fresh.toString()));
            args.addAll(c.args());
            Run r = pgha(args.toArray(String[]::new));
            assertThat(r.exit()).as(c.args() + ": " + r.out() + r.err()).isNotZero();
            assertThat(r.err()).as(c.args().toString()).startsWith("pgha: ").contains(c.message()).doesNotContain("Exception");
            assertThat(fresh).as(c.args() + " wrote nothing").doesNotExist();
        }
        try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(), TestClusters.superuser(cluster))) {
            assertThat(one(c, "SELECT count(*) FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%'")).isEqualTo("3");
        }
    }

    @Test
    @Order(6)
    void withNoPrimaryItRefusesAndSaysToWait() throws Exception {
        for (int i = 0; i < cluster.size(); i++) cluster.stopAgent(i);
        await().atMost(BOUND).until(() -> cluster.snapshot().leader() == null);
        Run r = harness("--endpoint", endpoint());
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("has no primary now").contains("pgha list");
    }

    ServiceConnection service(String database) throws Exception {
        JsonNode values = YAML.readTree(out.resolve("override-prod.yaml").toFile()).at("/global/database/postgres");
        JsonNode secret = YAML.readTree(out.resolve("postgres-secret.yaml").toFile());
        assertThat(secret.at("/metadata/name").textValue()).isEqualTo(values.path("secretName").textValue());
        String user = decode(secret.path("data").path(values.path("userKey").textValue()).textValue());
        String password = decode(secret.path("data").path(values.path("passwordKey").textValue()).textValue());
        String protocol = values.path("protocol").textValue();
        assertThat(values.path("hosts")).hasSize(1);
        String host = values.path("hosts").get(0).textValue();
        // the list builder: protocol://user:password@host + extraArgs per host; one host, so one URI
        String listUri = protocol + "://" + user + ":" + password + "@" + host + values.path("extraArgs").textValue();
        assertThat(listUri).doesNotContain(",");
        // the single-host builder: hosts[0] split at the colon, the database, sslmode from sslMode
        String[] hostPort = host.split(":");
        String uri = protocol + "://" + user + ":" + password + "@" + hostPort[0] + ":" + hostPort[1] + "/" + database
                + "?sslmode=" + ("disable".equals(values.path("sslMode").textValue()) ? "disable" : "require");
        assertThat(ServiceUri.withDatabase(protocol, user, password, List.of(host), database, "", values.path("sslMode").textValue()))
                .isEqualTo(uri);
        URI parsed = URI.create(uri);
        assertThat(parsed.getRawUserInfo()).as("credentials that need no escaping").isEqualTo(user + ":" + password);
        return new ServiceConnection(uri, user, password);
    }

    static String bash(String line) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", line).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(line + ": " + text).isZero();
        return text;
    }

    static String one(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }

    static Run pgha(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        int exit = cl.execute(args);
        return new Run(exit, o.toString(), e.toString());
    }
}
