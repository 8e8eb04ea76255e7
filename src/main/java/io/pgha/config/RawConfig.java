package io.pgha.config;

import java.util.List;
import java.util.Map;

/** The YAML file as written, before validation. Key names are snake_case versions of these. */
record RawConfig(
        String cluster,
        String name,
        String host,
        RawPostgres postgres,
        RawApi api,
        RawDcs dcs,
        RawHa ha,
        RawTags tags,
        RawProxy proxy,
        RawDns dns,
        RawCallbacks callbacks,
        RawAgentLog agentLog,
        RawBackup backup) {

    record RawBackup(RawRepository repository, Integer retentionFull, String schedule, String archiveTimeout,
                     Integer processMax, String stanza) {}

    record RawRepository(String type, String path, Map<String, String> options, Map<String, String> secretFiles) {}

    record RawPostgres(
            String binDir,
            String dataDir,
            String listen,
            Integer port,
            String osUser,
            String superuser,
            String superuserPasswordFile,
            String replicationUser,
            String replicationPasswordFile,
            List<String> allowedClientCidrs,
            String maxSlotWalKeepSize,
            String logFileSize,
            Integer logFiles,
            Map<String, Object> parameters) {}

    record RawAgentLog(String file, String fileSize, Integer files) {}

    record RawApi(String listen, String tokenFile, String username, String passwordFile) {}

    record RawProxy(Boolean enabled, String listen, Integer readWritePort, Integer readOnlyPort) {}

    record RawDns(String server, Integer port, String zone, String record, Integer ttl, String tsigKeyName,
                  String tsigAlgorithm, String tsigSecretFile, String target, String reassertInterval) {}

    record RawCallbacks(List<String> onStart, List<String> onStop, List<String> onRoleChange, String timeout) {}

    record RawDcs(RawZookeeper zookeeper, RawEtcd etcd) {}

    record RawEtcd(List<String> endpoints, String username, String passwordFile, String caFile, String certFile,
                   String keyFile) {}

    record RawZookeeper(Boolean embedded, String dataDir, List<RawPeer> peers, String connect) {}

    record RawPeer(String name, String host, Integer clientPort, Integer quorumPort, Integer electionPort) {}

    record RawHa(
            String ttl,
            String loopWait,
            String fenceMargin,
            String postgresRestartTimeout,
            String maximumLagOnFailover,
            String standbyStreamTimeout,
            String failoverWait,
            String synchronousMode,
            Integer synchronousNodeCount,
            Boolean synchronousStrict) {}

    record RawTags(Boolean nofailover, Integer priority) {}
}
