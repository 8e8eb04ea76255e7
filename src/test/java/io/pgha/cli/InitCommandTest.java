package io.pgha.cli;

import static io.pgha.cli.CliTest.pgha;
import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.config.ConfigLoader;
import io.pgha.config.NodeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InitCommandTest {
    private static final List<String> SECRETS = List.of("superuser.password", "replication.password", "application.password", "api.token");

    @TempDir
    Path tmp;

    private CliTest.Run init(String... extra) {
        List<String> args = new ArrayList<>(List.of("init", "--cluster", "harness", "--allow", "10.0.0.0/16", "--out", tmp.resolve("out").toString()));
        args.addAll(List.of(extra));
        return pgha(args.toArray(String[]::new));
    }

    private static final String[] THREE = {"--node", "db1=10.0.0.11", "--node", "db2=10.0.0.12", "--node", "db3=10.0.0.13"};

    private Path out() {
        return tmp.resolve("out");
    }

    @Test
    void writesOneFolderPerNodeWhoseConfigTheAgentLoads() throws Exception {
        CliTest.Run r = init(THREE);
        assertThat(r.exit()).as(r.err()).isZero();
        for (int i = 1; i <= 3; i++) {
            Path dir = out().resolve("db" + i);
            assertThat(mode(dir)).isEqualTo("rwx------");
            NodeConfig c = ConfigLoader.load(dir.resolve("pgha.yaml"));
            assertThat(c.cluster()).isEqualTo("harness");
            assertThat(c.name()).isEqualTo("db" + i);
            assertThat(c.host()).isEqualTo("10.0.0.1" + i);
            assertThat(c.postgres().dataDir()).isEqualTo(Path.of("/var/lib/pgha/data"));
            assertThat(c.postgres().binDir()).isEqualTo(Path.of("/usr/lib/postgresql/15/bin"));
            assertThat(c.postgres().superuserPasswordFile()).isEqualTo(Path.of("/etc/pgha/superuser.password"));
            assertThat(c.postgres().replicationPasswordFile()).isEqualTo(Path.of("/etc/pgha/replication.password"));
            assertThat(c.api().tokenFile()).isEqualTo(Path.of("/etc/pgha/api.token"));
            assertThat(c.api().url()).isEqualTo("http://10.0.0.1" + i + ":8008");
            assertThat(c.postgres().allowedClientCidrs()).extracting(Object::toString).containsExactly("10.0.0.0/16");
            assertThat(c.dcs().zookeeper().embedded()).isTrue();
            assertThat(c.dcs().zookeeper().peers()).extracting(NodeConfig.ZkPeer::name).containsExactly("db1", "db2", "db3");
            assertThat(c.dcs().zookeeper().peers().get(1).host()).isEqualTo("10.0.0.12");
            assertThat(mode(dir.resolve("pgha.yaml"))).isEqualTo("rw-------");
            for (String s : SECRETS) {
                Path file = dir.resolve(s);
                assertThat(mode(file)).as(file.toString()).isEqualTo("rw-------");
                // 32 random bytes, hex
                assertThat(Files.readString(file)).matches("[0-9a-f]{64}\n");
                assertThat(Files.readString(file)).isEqualTo(Files.readString(out().resolve("secrets").resolve(s)));
            }
        }
        assertThat(SECRETS.stream().map(s -> read(out().resolve("db1").resolve(s))).distinct()).hasSize(SECRETS.size());
        assertThat(mode(out().resolve("secrets"))).isEqualTo("rwx------");
        assertThat(r.out()).contains("secrets generated: superuser.password, replication.password, application.password, api.token")
                .contains("store: ZooKeeper peers on db1, db2, db3")
                .contains("apt-get install -y ./pgha_*_amd64.deb")
                .contains("scp -rp " + out().resolve("db2") + " root@10.0.0.12:pgha-db2")
                .contains("ssh root@10.0.0.12 'install -m 0600 -o postgres -g postgres pgha-db2/* /etc/pgha/ && rm -r pgha-db2"
                        + " && systemctl enable --now pgha-store pgha-agent'")
                .contains("pgha list -c /etc/pgha/pgha.yaml");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void rerunningKeepsEverySecretAndRotationReplacesThemAll() throws Exception {
        assertThat(init(THREE).exit()).isZero();
        List<String> first = SECRETS.stream().map(s -> read(out().resolve("db3").resolve(s))).toList();
        CliTest.Run again = init(THREE);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("secrets kept from the earlier run: superuser.password, replication.password,"
                + " application.password, api.token").doesNotContain("secrets generated");
        assertThat(SECRETS.stream().map(s -> read(out().resolve("db3").resolve(s))).toList()).isEqualTo(first);

        CliTest.Run rotated = init(Stream.concat(Stream.of(THREE), Stream.of("--rotate-secrets")).toArray(String[]::new));
        assertThat(rotated.exit()).as(rotated.err()).isZero();
        List<String> now = SECRETS.stream().map(s -> read(out().resolve("db3").resolve(s))).toList();
        for (int i = 0; i < SECRETS.size(); i++) assertThat(now.get(i)).as(SECRETS.get(i)).isNotEqualTo(first.get(i));
        assertThat(read(out().resolve("db1").resolve("api.token"))).isEqualTo(now.get(3));
    }

    @Test
    void aNodesSecretChangedByHandIsNeverOverwrittenSilently() throws Exception {
        assertThat(init(THREE).exit()).isZero();
        Path token = out().resolve("db2").resolve("api.token");
        Files.writeString(token, "changed-by-hand\n");
        CliTest.Run r = init(THREE);
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(token + " differs from " + out().resolve("secrets").resolve("api.token")
                + " (the cluster's): copy the one the cluster uses over the other, or pass --rotate-secrets");
        assertThat(read(token)).isEqualTo("changed-by-hand");
    }

    @Test
    void fiveNodesRunStorePeersOnTheFirstThreeAndSaySo() throws Exception {
        CliTest.Run r = init(Stream.concat(Stream.of(THREE), Stream.of("--node", "db4=10.0.0.14", "--node", "db5=10.0.0.15"))
                .toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("store: ZooKeeper peers on db1, db2, db3 (pgha-store runs there; --store-peers chooses others)")
                .contains("ssh root@10.0.0.14 'install -m 0600 -o postgres -g postgres pgha-db4/* /etc/pgha/ && rm -r pgha-db4"
                        + " && systemctl enable --now pgha-agent'");
        assertThat(Files.readString(out().resolve("db4").resolve("pgha.yaml"))).contains("this node hosts no peer: run only pgha-agent here");
        assertThat(ConfigLoader.load(out().resolve("db5").resolve("pgha.yaml")).dcs().zookeeper().peers()).hasSize(3);

        Path five = tmp.resolve("five");
        CliTest.Run all = pgha("init", "--cluster", "harness", "--allow", "10.0.0.0/16", "--out", five.toString(),
                "--node", "a=10.0.0.1", "--node", "b=10.0.0.2", "--node", "c=10.0.0.3", "--node", "d=10.0.0.4", "--node", "e=10.0.0.5",
                "--store-peers", "a,b,c,d,e");
        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(ConfigLoader.load(five.resolve("e").resolve("pgha.yaml")).dcs().zookeeper().peers()).hasSize(5);
    }

    @Test
    void anExternalEtcdReplacesTheStorePeers() throws Exception {
        CliTest.Run r = init(Stream.concat(Stream.of(THREE), Stream.of("--etcd", "http://10.0.0.21:2379,http://10.0.0.22:2379"))
                .toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        NodeConfig c = ConfigLoader.load(out().resolve("db1").resolve("pgha.yaml"));
        assertThat(c.dcs().zookeeper()).isNull();
        assertThat(c.dcs().etcd().endpoints()).containsExactly("http://10.0.0.21:2379", "http://10.0.0.22:2379");
        assertThat(r.out()).contains("the external etcd at http://10.0.0.21:2379, http://10.0.0.22:2379")
                .contains("&& systemctl enable --now pgha-agent'").doesNotContain("enable --now pgha-store");
    }

    @Test
    void dnsGetsItsOwnTsigKeyAndTheStanzaForTheServer() throws Exception {
        CliTest.Run r = init(Stream.concat(Stream.of(THREE), Stream.of("--dns-server", "10.0.0.2", "--dns-zone", "db.example.com"))
                .toArray(String[]::new));
        assertThat(r.exit()).as(r.err()).isZero();
        NodeConfig c = ConfigLoader.load(out().resolve("db2").resolve("pgha.yaml"));
        assertThat(c.dns().server()).isEqualTo("10.0.0.2");
        assertThat(c.dns().zone()).isEqualTo("db.example.com");
        assertThat(c.dns().record()).isEqualTo("primary");
        assertThat(c.dns().target()).isEqualTo("10.0.0.12");
        assertThat(c.dns().tsigKeyName()).isEqualTo("pgha-harness");
        assertThat(c.dns().tsigSecretFile()).isEqualTo(Path.of("/etc/pgha/tsig.secret"));
        String secret = read(out().resolve("db2").resolve("tsig.secret"));
        assertThat(Base64.getDecoder().decode(secret)).hasSize(32);
        Path stanza = out().resolve("secrets").resolve("named-key.conf");
        assertThat(mode(stanza)).isEqualTo("rw-------");
        assertThat(Files.readString(stanza)).contains("key \"pgha-harness\" {\n    algorithm hmac-sha256;\n    secret \"" + secret + "\";\n};")
                .contains("update-policy { grant pgha-harness name primary.db.example.com. A AAAA CNAME; }");
    }

    @Test
    void refusesDuplicateNames() {
        refused(new String[] {"--node", "db1=10.0.0.11", "--node", "db1=10.0.0.12", "--node", "db3=10.0.0.13"},
                "--node db1=10.0.0.12: the name db1 is already used by --node db1=10.0.0.11; every node needs its own name");
    }

    @Test
    void refusesDuplicateAddresses() {
        refused(new String[] {"--node", "db1=10.0.0.11", "--node", "db2=10.0.0.11", "--node", "db3=10.0.0.13"},
                "--node db2=10.0.0.11: the address 10.0.0.11 is already used by --node db1=10.0.0.11; every node needs its own address");
    }

    @Test
    void refusesAnEvenNumberOfStorePeers() {
        refused(new String[] {"--node", "db1=10.0.0.11", "--node", "db2=10.0.0.12"},
                "an even number of store peers (2: db1, db2) survives no more failures than one fewer:"
                        + " list an odd number with --store-peers (1, 3 or 5), or add a node");
        refused(new String[] {"--node", "a=10.0.0.1", "--node", "b=10.0.0.2", "--node", "c=10.0.0.3", "--node", "d=10.0.0.4",
                        "--store-peers", "a,b,c,d"},
                "an even number of store peers (4: a, b, c, d)");
    }

    @Test
    void refusesAddressesOutsideTheAllowedRanges() {
        refused(new String[] {"--node", "db1=10.0.0.11", "--node", "db2=10.0.0.12", "--node", "db3=192.168.1.13"},
                "--node db3=192.168.1.13: 192.168.1.13 is outside every --allow range (10.0.0.0/16): clients and the other nodes"
                        + " could not reach it; widen --allow or fix the address");
    }

    @Test
    void refusesBadNames() {
        refused(new String[] {"--node", "db 1=10.0.0.11"},
                "--node db 1=10.0.0.11: 'db 1' is not a valid node name: use letters, digits, '_' and '-' (at most 63)");
        refused(new String[] {"--node", "secrets=10.0.0.11"},
                "--node secrets=10.0.0.11: 'secrets' is reserved for the folder of the cluster's secrets; choose another name");
        CliTest.Run r = pgha("init", "--cluster", "my.cluster", "--allow", "10.0.0.0/16", "--out", out().toString(), "--node", "db1=10.0.0.11");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--cluster 'my.cluster' is not a valid name: use letters, digits, '_' and '-' (at most 63), e.g. --cluster harness");
    }

    @Test
    void refusesMalformedNodesRangesAndOptions() {
        refused(new String[] {"--node", "db1"}, "--node db1 must be NAME=ADDRESS, e.g. --node db1=10.0.0.11");
        refused(new String[] {"--node", "db1=db1.example.com"},
                "--node db1=db1.example.com: 'db1.example.com' is not an IP address; give the address the other nodes and the clients reach this node at");
        refused(new String[] {"--node", "db1=10.0.0.300"}, "'10.0.0.300' is not an IP address");
        refused(new String[] {"--node", "db1=10.0.0.11", "--store-peers", "db9"}, "--store-peers db9 is not one of the --node names");
        refused(new String[] {"--node", "db1=10.0.0.11", "--etcd", "10.0.0.21:2379"},
                "--etcd 10.0.0.21:2379 is not an etcd client URL: write http://host:2379 or https://host:2379");
        refused(new String[] {"--node", "db1=10.0.0.11", "--etcd", "http://10.0.0.21:2379", "--store-peers", "db1"},
                "--store-peers and --etcd exclude each other");
        refused(new String[] {"--node", "db1=10.0.0.11", "--dns-server", "10.0.0.2"},
                "--dns-server and --dns-zone go together: give both");
        refused(new String[] {"--node", "db1=10.0.0.11", "--postgres-version", "12"},
                "--postgres-version 12 is not supported: use one of 14, 15, 16 or 17");
        CliTest.Run r = pgha("init", "--cluster", "harness", "--allow", "10.0.0.1/16", "--out", out().toString(), "--node", "db1=10.0.0.11");
        assertThat(r.err()).contains("--allow '10.0.0.1/16' has host bits set after /16");
        assertThat(out()).doesNotExist();
    }

    private void refused(String[] nodes, String message) {
        CliTest.Run r = init(nodes);
        assertThat(r.exit()).as(r.out()).isEqualTo(2);
        assertThat(r.err()).startsWith("pgha: ").contains(message);
        assertThat(out()).as("nothing is written when refused").doesNotExist();
    }

    private static String mode(Path p) throws java.io.IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
