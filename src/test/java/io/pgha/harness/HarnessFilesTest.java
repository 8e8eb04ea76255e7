package io.pgha.harness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pgha.config.ConfigLoader;
import io.pgha.config.NodeConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated Secret and values, read back the way Harness's chart and kubectl read them. */
class HarnessFilesTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path KUBECTL = Path.of("/usr/bin/kubectl");

    @TempDir
    Path dir;

    private HarnessValues values() {
        return new HarnessValues("harness", "postgres-secret", "harness", RolePassword.generate(),
                new HostPort("pg.db.example.com", 5000), "disable");
    }

    @Test
    void valuesAreNestedWhereTheChartReadsThemWithOneHost() throws Exception {
        HarnessValues v = values();
        HarnessFiles.write(dir, v);
        JsonNode root = YAML.readTree(dir.resolve(HarnessFiles.VALUES_FILE).toFile());
        assertThat(root.properties()).extracting(e -> e.getKey()).containsExactly("global");
        assertThat(root.path("global").properties()).extracting(e -> e.getKey()).containsExactly("database");
        JsonNode pg = root.at("/global/database/postgres");
        assertThat(pg.path("installed").isBoolean()).as("installed is a boolean, not the string 'false'").isTrue();
        assertThat(pg.path("installed").booleanValue()).isFalse();
        assertThat(pg.path("protocol").textValue()).isEqualTo("postgres");
        assertThat(pg.path("hosts").isArray()).isTrue();
        assertThat(pg.path("hosts")).hasSize(1);
        assertThat(pg.path("hosts").get(0).textValue()).isEqualTo("pg.db.example.com:5000");
        assertThat(pg.path("secretName").textValue()).isEqualTo("postgres-secret");
        assertThat(pg.path("userKey").textValue()).isEqualTo("user");
        assertThat(pg.path("passwordKey").textValue()).isEqualTo("password");
        assertThat(pg.path("extraArgs").isTextual()).isTrue();
        assertThat(pg.path("extraArgs").textValue()).isEmpty();
        assertThat(pg.path("sslMode").textValue()).isEqualTo("disable");
        assertThat(pg.properties()).extracting(e -> e.getKey()).containsExactlyInAnyOrder("installed", "protocol", "hosts",
                "secretName", "userKey", "passwordKey", "extraArgs", "sslMode");
        assertThat(Files.readString(dir.resolve(HarnessFiles.VALUES_FILE))).doesNotContain(v.password());
    }

    @Test
    void secretDecodesToTheCredentialsUnderTheKeysTheValuesName() throws Exception {
        HarnessValues v = values();
        HarnessFiles.write(dir, v);
        JsonNode values = YAML.readTree(dir.resolve(HarnessFiles.VALUES_FILE).toFile()).at("/global/database/postgres");
        JsonNode s = YAML.readTree(dir.resolve(HarnessFiles.SECRET_FILE).toFile());
        assertThat(s.path("apiVersion").textValue()).isEqualTo("v1");
        assertThat(s.path("kind").textValue()).isEqualTo("Secret");
        assertThat(s.path("type").textValue()).isEqualTo("Opaque");
        assertThat(s.at("/metadata/name").textValue()).isEqualTo(values.path("secretName").textValue());
        assertThat(s.at("/metadata/namespace").textValue()).isEqualTo("harness");
        String user = decode(s.path("data").path(values.path("userKey").textValue()).textValue());
        String password = decode(s.path("data").path(values.path("passwordKey").textValue()).textValue());
        assertThat(user).isEqualTo("harness");
        assertThat(password).isEqualTo(v.password()).doesNotContain("\n");
    }

    @Test
    void everyFileIsOwnerOnly() throws Exception {
        HarnessFiles.write(dir, values());
        RolePassword.reuseOrCreate(dir.resolve("harness.password"), false);
        for (String f : List.of(HarnessFiles.SECRET_FILE, HarnessFiles.VALUES_FILE, "harness.password"))
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).as(f).isEqualTo("rw-------");
    }

    @Test
    void kubectlMakesTheSameDataFromTheSameValues() throws Exception {
        assertThat(Files.isExecutable(KUBECTL)).as("kubectl (Debian package kubernetes-client) at " + KUBECTL).isTrue();
        HarnessValues v = values();
        HarnessFiles.write(dir, v);
        // the literals go through files, so the password is on no command line
        Path userFile = Files.createFile(dir.resolve("u"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Path passwordFile = Files.createFile(dir.resolve("p"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(userFile, v.user());
        Files.writeString(passwordFile, v.password());
        List<String> cmd = new ArrayList<>(List.of(KUBECTL.toString(), "create", "secret", "generic", v.secretName(),
                "-n", v.namespace(), "--from-file=user=" + userFile, "--from-file=password=" + passwordFile,
                "--dry-run=client", "-o", "yaml"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        JsonNode theirs = YAML.readTree(out);
        JsonNode ours = YAML.readTree(dir.resolve(HarnessFiles.SECRET_FILE).toFile());
        assertThat(ours.path("data")).isEqualTo(theirs.path("data"));
        for (String path : List.of("/apiVersion", "/kind", "/metadata/name", "/metadata/namespace"))
            assertThat(ours.at(path)).as(path).isEqualTo(theirs.at(path));
        // newer kubectl leaves the type out, and the API server fills in its default, Opaque
        JsonNode type = theirs.at("/type");
        assertThat(type.isMissingNode() ? "Opaque" : type.textValue()).isEqualTo(ours.at("/type").textValue());
    }

    @Test
    void theServicesUriCarriesTheCredentialsUnescapedAndParses() throws Exception {
        HarnessValues v = values();
        String list = ServiceUri.hostList("postgres", v.user(), v.password(), List.of(v.endpoint().toString()), "");
        assertThat(list).doesNotContain(",").isEqualTo("postgres://harness:" + v.password() + "@pg.db.example.com:5000");
        URI uri = URI.create(ServiceUri.of(v, "harness_ng", true));
        assertThat(uri.getScheme()).isEqualTo("postgres");
        assertThat(uri.getRawUserInfo()).isEqualTo("harness:" + v.password());
        assertThat(uri.getHost()).isEqualTo("pg.db.example.com");
        assertThat(uri.getPort()).isEqualTo(5000);
        assertThat(uri.getPath()).isEqualTo("/harness_ng");
        assertThat(uri.getQuery()).isEqualTo("sslmode=disable");
        assertThat(ServiceUri.of(v, "postgres", false)).isEqualTo("postgres://harness@pg.db.example.com:5000/postgres?sslmode=disable");
        assertThat(ServiceUri.withDatabase("postgres", "u", "p", List.of("h:1"), "d", "a=b", "require"))
                .isEqualTo("postgres://u:p@h:1/d?a=b&sslmode=require");
    }

    @Test
    void passwordsAreLongLettersAndDigitsAndKeptUnlessRotated() throws Exception {
        String a = RolePassword.generate();
        assertThat(a).hasSize(RolePassword.LENGTH).matches("[A-Za-z0-9]+");
        assertThat(RolePassword.generate()).isNotEqualTo(a);
        Path f = dir.resolve("harness.password");
        String first = RolePassword.reuseOrCreate(f, false);
        assertThat(RolePassword.reuseOrCreate(f, false)).isEqualTo(first);
        String rotated = RolePassword.reuseOrCreate(f, true);
        assertThat(rotated).isNotEqualTo(first);
        assertThat(RolePassword.reuseOrCreate(f, false)).isEqualTo(rotated);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> RolePassword.reuseOrCreate(f, false)).hasMessageContaining("readable by others")
                .hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(f, "short:pw\n");
        assertThatThrownBy(() -> RolePassword.reuseOrCreate(f, false)).hasMessageContaining("--rotate");
    }

    @Test
    void badNamesAreRefusedWithTheFix() {
        for (String ns : List.of("Harness", "-harness", "harness-", "har_ness", "a".repeat(64), ""))
            assertThatThrownBy(() -> HarnessNames.namespace(ns)).as(ns).hasMessageContaining("--namespace")
                    .hasMessageContaining("not a valid Kubernetes namespace");
        for (String s : List.of("Postgres-Secret", "postgres_secret", "a..b", ".a", "a".repeat(254)))
            assertThatThrownBy(() -> HarnessNames.secretName(s)).as(s).hasMessageContaining("not a valid Kubernetes Secret name");
        for (String r : List.of("Harness", "1harness", "har-ness", "har ness", "a\"b", "a".repeat(64)))
            assertThatThrownBy(() -> HarnessNames.role(r, "postgres", "replicator")).as(r).hasMessageContaining("not a valid role name");
        assertThatThrownBy(() -> HarnessNames.role("pg_harness", "postgres", "replicator")).hasMessageContaining("reserved");
        for (String r : List.of("postgres", "replicator", "admin_su"))
            assertThatThrownBy(() -> HarnessNames.role(r, "admin_su", "replicator")).as(r).hasMessageContaining("the cluster itself uses");
    }

    @Test
    void goodNamesPass() throws Exception {
        assertThat(HarnessNames.namespace("harness-prod")).isEqualTo("harness-prod");
        assertThat(HarnessNames.secretName("postgres-secret.v2")).isEqualTo("postgres-secret.v2");
        assertThat(HarnessNames.role("harness_app2", "postgres", "replicator")).isEqualTo("harness_app2");
    }

    @Test
    void endpointsAreOneHostAndPort() throws Exception {
        assertThat(HostPort.parse("pg.example.com:5000", "--endpoint")).isEqualTo(new HostPort("pg.example.com", 5000));
        assertThatThrownBy(() -> HostPort.parse("pg.example.com", "--endpoint")).hasMessageContaining("is not HOST:PORT");
        assertThatThrownBy(() -> HostPort.parse("a:5432,b:5432", "--endpoint")).hasMessageContaining("one HOST:PORT");
        assertThatThrownBy(() -> HostPort.parse("::1:5432", "--endpoint")).hasMessageContaining("DNS name or an IPv4 address");
        assertThatThrownBy(() -> HostPort.parse("pg:70000", "--endpoint")).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> HostPort.parse("pg/x:5432", "--endpoint")).hasMessageContaining("not a host name");
    }

    @Test
    void withoutEndpointOrDnsTheRefusalNamesTheChoices() throws Exception {
        NodeConfig config = ConfigLoader.parse(config(""), dir.resolve("node.yaml"));
        assertThatThrownBy(() -> HarnessSetup.plan(config, new HarnessSetup.Request("harness", "postgres-secret", "harness",
                null, false, dir, List.of())))
                .hasMessageContaining("--endpoint HOST:PORT").hasMessageContaining("dns:")
                .hasMessageContaining("proxy (port 5000").hasMessageContaining("haproxy-config")
                .hasMessageContaining("Not a list of nodes");
    }

    @Test
    void withDnsTheRecordAndThePostgresPortAreTheEndpoint() throws Exception {
        NodeConfig config = ConfigLoader.parse(config("""
                dns:
                  server: 127.0.0.1
                  zone: db.example.com
                  record: primary
                  tsig_key_name: k
                  tsig_secret_file: /tmp/none
                """), dir.resolve("node.yaml"));
        HarnessSetup.Plan plan = HarnessSetup.plan(config, new HarnessSetup.Request("harness", "postgres-secret", "harness",
                null, false, dir, List.of()));
        assertThat(plan.endpoint()).isEqualTo(new HostPort("primary.db.example.com", 5432));
        assertThat(HarnessSetup.recordName("pg.other.org.", "db.example.com.")).isEqualTo("pg.other.org");
    }

    private static String config(String extra) {
        return """
                cluster: c1
                name: node1
                host: 127.0.0.1
                postgres:
                  data_dir: /tmp/pgha-harness-test/data
                  port: 5432
                  superuser_password_file: /tmp/pgha-harness-test/su.pw
                  replication_password_file: /tmp/pgha-harness-test/repl.pw
                  allowed_client_cidrs: [127.0.0.0/8]
                dcs:
                  zookeeper:
                    embedded: false
                    connect: '127.0.0.1:1'
                """ + extra;
    }

    private static String decode(String b64) {
        return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    }
}
