package io.pgha.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    static final String GOOD = """
            cluster: prod
            name: node1
            host: 10.0.0.11
            postgres:
              data_dir: /var/lib/pgha/data
              port: 5432
              superuser_password_file: /etc/pgha/su.pw
              replication_password_file: /etc/pgha/repl.pw
              allowed_client_cidrs: [10.0.0.0/8]
            dcs:
              zookeeper:
                embedded: true
                peers:
                  - {name: node1, host: 10.0.0.11}
                  - {name: node2, host: 10.0.0.12}
                  - {name: node3, host: 10.0.0.13}
            """;

    static NodeConfig parse(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, Path.of("/test.yaml"));
    }

    static String problems(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("config was accepted:\n" + yaml);
    }

    @Test
    void aGoodConfigGetsDefaults() throws Exception {
        NodeConfig c = parse(GOOD);
        assertThat(c.postgres().binDir()).isEqualTo(Path.of("/usr/lib/postgresql/15/bin"));
        assertThat(c.postgres().osUser()).isEqualTo("postgres");
        assertThat(c.postgres().replicationUser()).isEqualTo("replicator");
        assertThat(c.postgres().listen()).isEqualTo("10.0.0.11");
        assertThat(c.dcs().zookeeper().connectString()).isEqualTo("10.0.0.11:2181,10.0.0.12:2181,10.0.0.13:2181");
        assertThat(c.dcs().zookeeper().dataDir()).isEqualTo(Path.of("/var/lib/pgha/data-zookeeper"));
        assertThat(c.ha()).isEqualTo(HaSettings.defaults());
        assertThat(c.api().url()).isEqualTo("http://10.0.0.11:8008");
    }

    @Test
    void misspelledKeyIsNamedWithASuggestion() {
        String msg = problems(GOOD.replace("  port: 5432", "  prot: 5432"));
        assertThat(msg).contains("unknown config key 'postgres.prot'").contains("did you mean 'port'");
    }

    @Test
    void unknownTopLevelKeyIsRefused() {
        assertThat(problems(GOOD + "replicas: 2\n")).contains("unknown config key 'replicas'");
    }

    @Test
    void invalidCidrsAreNamedByIndex() {
        String msg = problems(GOOD.replace("[10.0.0.0/8]", "[10.0.0.0/8, 10.0.0.300/8, 10.0.0.1/8, 10.0.0.0]"));
        assertThat(msg).contains("postgres.allowed_client_cidrs[1]")
                .contains("postgres.allowed_client_cidrs[2]: '10.0.0.1/8' has host bits set")
                .contains("postgres.allowed_client_cidrs[3]: '10.0.0.0' has no prefix length");
    }

    @Test
    void missingRequiredFieldsAreAllListed() {
        String msg = problems("cluster: x\nname: n\nhost: h\ndcs: {zookeeper: {embedded: false, connect: 'a:1'}}\n");
        assertThat(msg).contains("postgres.data_dir: is required")
                .contains("postgres.superuser_password_file: is required")
                .contains("postgres.replication_password_file: is required");
    }

    @Test
    void portOutOfRangeIsRefused() {
        assertThat(problems(GOOD.replace("port: 5432", "port: 70000"))).contains("postgres.port: 70000 is not a TCP port");
    }

    @Test
    void wrongTypeIsNamed() {
        assertThat(problems(GOOD.replace("port: 5432", "port: five"))).contains("postgres.port");
    }

    @Test
    void timingThatBreaksFencingIsRefusedWithTheFix() {
        String msg = problems(GOOD + "ha:\n  ttl: 1s\n  loop_wait: 500ms\n  fence_margin: 600ms\n");
        assertThat(msg).contains("ha.fence_margin: 600ms is more than half of ha.ttl (1000ms)")
                .contains("raise ha.ttl to at least 1200ms");
    }

    @Test
    void loopWaitMustBeShorterThanTtl() {
        assertThat(problems(GOOD + "ha:\n  loop_wait: 5s\n")).contains("ha.loop_wait");
    }

    @Test
    void badDurationIsNamed() {
        assertThat(problems(GOOD + "ha:\n  ttl: soon\n")).contains("ha.ttl: 'soon' is not a duration");
    }

    @Test
    void managedParametersCannotBeOverridden() {
        String yaml = GOOD.replace("  allowed_client_cidrs: [10.0.0.0/8]",
                "  allowed_client_cidrs: [10.0.0.0/8]\n  parameters: {wal_level: minimal, work_mem: 8MB}");
        assertThat(problems(yaml)).contains("postgres.parameters.wal_level: is managed by pgha");
    }

    @Test
    void evenNumberOfPeersIsRefused() {
        String yaml = GOOD.replace("      - {name: node3, host: 10.0.0.13}\n", "");
        assertThat(problems(yaml)).contains("dcs.zookeeper.peers: has 2 peers");
    }

    @Test
    void externalZookeeperNeedsAConnectString() {
        String yaml = GOOD.replace("embedded: true", "embedded: false");
        assertThat(problems(yaml)).contains("dcs.zookeeper.connect: is required");
    }

    @Test
    void emptyFileIsRefused() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(ConfigException.class).hasMessageContaining("empty");
    }

    @Test
    void unitsParse() {
        assertThat(Units.bytes("16MB")).isEqualTo(16L << 20);
        assertThat(Units.bytes("0")).isZero();
        assertThat(Units.duration("250ms").toMillis()).isEqualTo(250);
        assertThat(Units.pgSize(1L << 30)).isEqualTo("1GB");
        assertThatThrownBy(() -> Units.bytes("12 apples")).hasMessageContaining("not a size");
    }

    @Test
    void logsAreCappedByDefaultAndTheAgentLogsToStandardOutput() throws Exception {
        NodeConfig c = parse(GOOD);
        assertThat(c.postgres().logFileSizeBytes()).isEqualTo(10L << 20);
        assertThat(c.postgres().logFiles()).isEqualTo(10);
        assertThat(c.agentLog()).isEqualTo(NodeConfig.AgentLog.STDOUT);
        assertThat(c.agentLog().file()).isNull();
    }

    @Test
    void logSizesTakeUnitsAndTheAgentLogFileIsOptIn() throws Exception {
        NodeConfig c = parse(GOOD.replace("  port: 5432", "  port: 5432\n  log_file_size: 50MB\n  log_files: 4")
                + "agent_log: {file: /var/log/pgha/agent.log, file_size: 5MB, files: 3}\n");
        assertThat(c.postgres().logFileSizeBytes()).isEqualTo(50L << 20);
        assertThat(c.postgres().logFiles()).isEqualTo(4);
        assertThat(c.agentLog()).isEqualTo(new NodeConfig.AgentLog(Path.of("/var/log/pgha/agent.log"), 5L << 20, 3));
    }

    @Test
    void badLogSettingsAreNamedWithTheFix() {
        String msg = problems(GOOD.replace("  port: 5432", "  port: 5432\n  log_file_size: huge\n  log_files: 1")
                + "agent_log: {file: agent.log, file_size: 100, files: 50}\n");
        assertThat(msg).contains("postgres.log_file_size: 'huge' is not a size (write e.g. 0, 16MB, 1GB)")
                .contains("postgres.log_files: 1 must be at least 2")
                .contains("agent_log.file: 'agent.log' must be an absolute path")
                .contains("agent_log.file_size: '100' must be between 1kB and 1GB, e.g. 10MB")
                .contains("agent_log.files: 50 must be at least 2 (the file being written and one before it) and at most 20");
        assertThat(problems(GOOD + "agent_log: {files: 3}\n")).contains("agent_log.file: is required");
        assertThat(problems(GOOD.replace("  port: 5432", "  port: 5432\n  log_size: 1MB")))
                .contains("unknown config key 'postgres.log_size'");
        assertThat(problems(GOOD.replace("[10.0.0.0/8]", "[10.0.0.0/8]\n  parameters: {log_filename: x.log}")))
                .contains("postgres.parameters.log_filename: is managed by pgha");
    }

    @Test
    void aBackupSectionGetsDefaults() throws Exception {
        NodeConfig.Backup b = parse(GOOD + "backup:\n  repository: {path: /mnt/backup/pgha}\n").backup();
        assertThat(b.stanza()).isEqualTo("prod");
        assertThat(b.repoType()).isEqualTo("posix");
        assertThat(b.repoPath()).isEqualTo(Path.of("/mnt/backup/pgha"));
        assertThat(b.retentionFull()).isEqualTo(2);
        assertThat(b.schedule()).isNull();
        assertThat(b.archiveTimeout()).isEqualTo(java.time.Duration.ofSeconds(60));
        assertThat(parse(GOOD).backup()).as("no section: no backups").isNull();
    }

    @Test
    void everyBackupMistakeIsNamedWithTheFix() {
        String p = problems(GOOD + """
                backup:
                  repository:
                    type: s3
                    path: relative/dir
                    options: {type: posix}
                    secret_files: {s3-key-secret: secret.txt}
                  retention_full: 0
                  schedule: "every night"
                  archive_timeout: 2h
                """);
        assertThat(p).contains("backup.repository.path: 'relative/dir' must be an absolute path")
                .contains("backup.repository.options.type: is set by pgha")
                .contains("backup.repository.secret_files.s3-key-secret: must be the absolute path")
                .contains("a s3 repository needs its pgBackRest options")
                .contains("backup.retention_full: 0 must be at least 1")
                .contains("backup.schedule: 'every night' is not a cron schedule")
                .contains("backup.archive_timeout: 7200s must be between 1s and 1h");
        assertThat(problems(GOOD + "backup:\n  retention_full: 2\n")).contains("backup.repository: is required");
        assertThat(problems(GOOD + "backup:\n  repository: {path: /b, type: tape}\n"))
                .contains("backup.repository.type: 'tape' must be one of");
    }

    @Test
    void archiveSettingsBelongToTheBackupSection() {
        assertThat(problems(GOOD.replace("allowed_client_cidrs: [10.0.0.0/8]",
                "allowed_client_cidrs: [10.0.0.0/8]\n  parameters: {archive_command: 'cp %p /x'}")))
                .contains("postgres.parameters.archive_command: is managed by pgha");
    }
}
