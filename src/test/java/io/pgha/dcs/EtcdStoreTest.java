package io.pgha.dcs;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.config.NodeConfig;
import io.pgha.testing.LocalEtcd;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input at start, against real etcd servers: each refused with one line naming the setting and the fix */
class EtcdStoreTest {
    private static final Duration TTL = Duration.ofSeconds(3);
    private static final Duration WAIT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    /** The refusal of a start; a store that opened after all is closed, so that a failed test leaks nothing. */
    private static Throwable refusal(NodeConfig.Dcs dcs, Duration ttl) {
        try (Store opened = Stores.openForAgent(dcs, "c", ttl, WAIT)) {
            throw new AssertionError("the store opened: " + opened.sessionId());
        } catch (StoreException e) {
            return e;
        }
    }

    private static NodeConfig.Dcs etcd(List<String> endpoints, String user, Path password, Path ca) {
        return new NodeConfig.Dcs(null, new NodeConfig.Etcd(endpoints, user, password, ca, null, null));
    }

    @Test
    void anUnreachableEtcdIsRefusedNamingTheEndpoints() {
        long start = System.nanoTime();
        assertThat(refusal(etcd(List.of("http://127.0.0.1:19199"), null, null, null), TTL))
                .isInstanceOf(StoreUnavailableException.class)
                .hasMessageStartingWith("dcs.etcd.endpoints: no etcd member answered at http://127.0.0.1:19199")
                .hasMessageContaining("check that etcd runs there")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(WAIT.plusSeconds(5));
    }

    @Test
    void wrongCredentialsAndALeaseTtlEtcdWillNotGrantAreRefusedNamingTheField() throws Exception {
        try (LocalEtcd server = LocalEtcd.start(19120, 1)) {
            List<String> endpoints = server.endpoints();
            assertThat(refusal(etcd(endpoints, null, null, null), Duration.ofSeconds(1)))
                    .hasMessageStartingWith("ha.ttl: etcd granted a lease of 2 s, not the 1 s asked for")
                    .hasMessageContaining("raise ha.ttl to at least 2s");
            enableAuth(endpoints, "s3cret");
            Path right = secret("right", "s3cret");
            Path wrong = secret("wrong", "guess");
            assertThat(refusal(etcd(endpoints, "root", wrong, null), TTL))
                    .hasMessageStartingWith("dcs.etcd.password_file: etcd at " + endpoints.getFirst() + " refused user 'root'")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            assertThat(refusal(etcd(endpoints, null, null, null), TTL))
                    .hasMessageStartingWith("dcs.etcd.username: etcd at " + endpoints.getFirst() + " requires authentication");
            try (Store store = Stores.openForAgent(etcd(endpoints, "root", right, null), "c", TTL, WAIT)) {
                assertThat(store.acquireLease("a")).isTrue();
            }
        }
    }

    @Test
    void aCaThatDidNotSignTheServersCertificateIsRefusedNamingCaFile() throws Exception {
        Path goodCa = certificates("good");
        Path otherCa = certificates("other");
        Path server = dir.resolve("good");
        try (LocalEtcd tls = LocalEtcd.start(19130, 1, "--cert-file=" + server.resolve("server.pem"),
                "--key-file=" + server.resolve("server.key"))) {
            assertThat(refusal(etcd(tls.endpoints(), null, null, otherCa), TTL))
                    .hasMessageStartingWith("dcs.etcd.ca_file: the TLS handshake with etcd at " + tls.endpoints().getFirst())
                    .hasMessageContaining("set ca_file to the CA that signed the etcd servers' certificates")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            try (Store store = Stores.openForAgent(etcd(tls.endpoints(), null, null, goodCa), "c", TTL, WAIT)) {
                assertThat(store.claimInitialize("a")).isTrue();
            }
        }
    }

    @Test
    void aClientCertificateFromPemFilesIsPresentedWhenEtcdRequiresOne() throws Exception {
        Path ca = certificates("mtls");
        Path d = dir.resolve("mtls");
        run(d, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=pgha");
        run(d, "openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "client.pem", "-days", "2");
        try (LocalEtcd tls = LocalEtcd.start(19140, 1, "--cert-file=" + d.resolve("server.pem"), "--key-file=" + d.resolve("server.key"),
                "--client-cert-auth", "--trusted-ca-file=" + ca)) {
            assertThat(refusal(etcd(tls.endpoints(), null, null, ca), TTL)).as("no client certificate")
                    .hasMessageStartingWith("dcs.etcd.");
            NodeConfig.Dcs withCertificate = new NodeConfig.Dcs(null, new NodeConfig.Etcd(tls.endpoints(), null, null, ca,
                    d.resolve("client.pem"), d.resolve("client.key")));
            try (Store store = Stores.openForAgent(withCertificate, "c", TTL, WAIT)) {
                assertThat(store.claimInitialize("a")).isTrue();
            }
        }
    }

    /** Through the gateway (etcd 3.4 serves it on the client port): a root user with a password, then authentication on. */
    private static void enableAuth(List<String> endpoints, String password) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String[] call : List.of(new String[] {"user/add", "{\"name\":\"root\",\"password\":\"" + password + "\"}"},
                new String[] {"role/add", "{\"name\":\"root\"}"},
                new String[] {"user/grant", "{\"user\":\"root\",\"role\":\"root\"}"},
                new String[] {"enable", "{}"})) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(endpoints.getFirst() + "/v3/auth/" + call[0]))
                    .POST(HttpRequest.BodyPublishers.ofString(call[1])).build();
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode() == 200 || answer.body().contains("already exists")).as(call[0] + ": " + answer.body()).isTrue();
        }
    }

    private Path secret(String name, String value) throws IOException {
        return Files.writeString(dir.resolve(name), value + "\n");
    }

    /** A CA and a server certificate for 127.0.0.1 signed by it; returns the CA's certificate. */
    private Path certificates(String name) throws IOException, InterruptedException {
        Path d = Files.createDirectories(dir.resolve(name));
        Files.writeString(d.resolve("ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(d, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=pgha-test-ca-" + name);
        run(d, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=127.0.0.1");
        run(d, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "ext");
        return d.resolve("ca.pem");
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }
}
