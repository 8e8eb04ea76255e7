package io.pgha.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.pgha.config.Cidr;
import io.pgha.config.NodeConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LsnAndFilesTest {
    @Test
    void lsnRoundTripsAndSubtracts() {
        assertThat(Lsn.parse("16/B374D848")).isEqualTo(0x16B374D848L);
        assertThat(Lsn.format(0x16B374D848L)).isEqualTo("16/B374D848");
        assertThat(Lsn.lag(Lsn.parse("1/0"), Lsn.parse("0/FFFFFF00"))).isEqualTo(256);
        assertThat(Lsn.lag(5, 9)).isZero();
        assertThat(Lsn.parse(null)).isZero();
    }

    static NodeConfig.Postgres pg(List<Cidr> cidrs) {
        return new NodeConfig.Postgres(Path.of("/bin"), Path.of("/data"), "10.0.0.1", 5433, "postgres", "postgres",
                Path.of("/su"), "replicator", Path.of("/repl"), cidrs, 1L << 30, 10L << 20, 10,
                Map.of("work_mem", "8MB"));
    }

    @Test
    void hbaIsScramOnlyAndReplicationOnlyFromMembers() {
        String hba = ManagedFiles.hba(pg(List.of(Cidr.parse("192.168.0.0/16"))), "10.0.0.1", List.of("10.0.0.2", "10.0.0.3"));
        assertThat(hba.lines().filter(l -> !l.startsWith("#"))).allMatch(l -> l.endsWith("scram-sha-256"));
        assertThat(hba).contains("replication  replicator    10.0.0.2/32")
                .contains("replication  replicator    10.0.0.3/32")
                .contains("all          all           192.168.0.0/16")
                .doesNotContain("0.0.0.0/0").doesNotContain("trust");
    }

    @Test
    void includeFileCarriesReplicationSettingsAndTheUpstream() {
        String conf = ManagedFiles.includeFile(pg(List.of()), "/run", new Upstream("node-2", "10.0.0.2", 5432), "node-3", "/run/pgpass");
        assertThat(conf).contains("wal_level = replica").contains("hot_standby = on").contains("wal_log_hints = on")
                .contains("max_slot_wal_keep_size = '1GB'").contains("port = 5433")
                .contains("primary_conninfo = 'host=10.0.0.2 port=5432 user=replicator passfile=/run/pgpass")
                .contains("primary_slot_name = 'node_3'").contains("work_mem = '8MB'")
                .doesNotContain("password=");
        assertThat(ManagedFiles.includeFile(pg(List.of()), "/run", null, "n", "/p")).doesNotContain("primary_conninfo");
    }

    @Test
    void slotNamesAreValidPostgresIdentifiers() {
        assertThat(ManagedFiles.slotName("DB-West.1")).isEqualTo("db_west_1");
    }
}
