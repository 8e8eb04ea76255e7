package io.pgha.config;

import static io.pgha.config.ConfigLoaderTest.parse;
import static io.pgha.config.ConfigLoaderTest.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code dcs.etcd} section: accepted with its TLS and authentication settings, every mistake named with the fix. */
class EtcdConfigTest {
    private static final String BASE = ConfigLoaderTest.GOOD.substring(0, ConfigLoaderTest.GOOD.indexOf("dcs:"));

    @Test
    void anEtcdSectionWithTlsAndAuthenticationIsAccepted() throws Exception {
        NodeConfig c = parse(BASE + """
                dcs:
                  etcd:
                    endpoints: [https://10.0.0.1:2379, https://10.0.0.2:2379]
                    username: pgha
                    password_file: /etc/pgha/etcd.pw
                    ca_file: /etc/pgha/etcd-ca.pem
                    cert_file: /etc/pgha/node1.pem
                    key_file: /etc/pgha/node1.key
                """);
        assertThat(c.dcs().zookeeper()).isNull();
        assertThat(c.dcs().etcd()).isEqualTo(new NodeConfig.Etcd(List.of("https://10.0.0.1:2379", "https://10.0.0.2:2379"),
                "pgha", Path.of("/etc/pgha/etcd.pw"), Path.of("/etc/pgha/etcd-ca.pem"), Path.of("/etc/pgha/node1.pem"),
                Path.of("/etc/pgha/node1.key")));
    }

    @Test
    void everyEtcdMistakeIsNamedWithTheFix() {
        assertThat(problems(BASE + "dcs:\n  etcd: {endpoints: []}\n"))
                .contains("dcs.etcd.endpoints: is required: the client URLs of the etcd members");
        assertThat(problems(BASE + "dcs:\n  etcd: {endpoints: [10.0.0.1:2379, 'http://10.0.0.2']}\n"))
                .contains("dcs.etcd.endpoints[0]: '10.0.0.1:2379' must be http://host:port or https://host:port")
                .contains("dcs.etcd.endpoints[1]: 'http://10.0.0.2' must be");
        assertThat(problems(BASE + "dcs:\n  etcd: {endpoints: ['http://a:2379', 'https://b:2379']}\n"))
                .contains("dcs.etcd.endpoints: mixes http:// and https://");
        assertThat(problems(BASE + "dcs:\n  etcd: {endpoints: ['http://a:2379'], username: pgha}\n"))
                .contains("dcs.etcd.username: dcs.etcd.username and dcs.etcd.password_file go together");
        assertThat(problems(BASE + "dcs:\n  etcd: {endpoints: ['http://a:2379'], ca_file: /ca.pem}\n"))
                .contains("dcs.etcd.endpoints: are http:// but TLS files are set");
        assertThat(problems(BASE + "dcs:\n  etcd: {endpoints: ['https://a:2379'], cert_file: /c.pem, ca_file: ca.pem}\n"))
                .contains("dcs.etcd.cert_file: dcs.etcd.cert_file and dcs.etcd.key_file go together")
                .contains("dcs.etcd.ca_file: 'ca.pem' must be an absolute path");
        assertThat(problems(BASE + "dcs:\n  etcd: {endpoints: ['http://a:2379']}\nha: {ttl: 3500ms}\n"))
                .contains("ha.ttl: 3500 ms is not a whole number of seconds, which etcd leases need");
        assertThat(problems(ConfigLoaderTest.GOOD + "  etcd: {endpoints: ['http://a:2379']}\n"))
                .contains("dcs: has both zookeeper and etcd: keep the one the cluster uses");
    }
}
