package io.pgha.routing;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how to send RFC 2136 updates for the primary's DNS name.
 *
 * @param server the zone's primary name server (address or host name)
 * @param port its DNS port, usually 53
 * @param zone the zone to update, e.g. {@code example.com}
 * @param record the name to point at the primary: relative to {@code zone}, or absolute when it ends with a dot
 * @param ttlSeconds the TTL of the record written; short, so clients follow a failover quickly
 * @param tsigKeyName the TSIG key's name as the server knows it
 * @param tsigAlgorithm the key's algorithm, e.g. {@code hmac-sha256}
 * @param tsigSecretFile a file holding only the key's base64 secret; read on every update
 */
public record DnsSettings(
        String server,
        int port,
        String zone,
        String record,
        long ttlSeconds,
        String tsigKeyName,
        String tsigAlgorithm,
        Path tsigSecretFile) {

    public DnsSettings {
        requireText("server", server);
        requireText("zone", zone);
        requireText("record", record);
        requireText("tsigKeyName", tsigKeyName);
        requireText("tsigAlgorithm", tsigAlgorithm);
        Objects.requireNonNull(tsigSecretFile, "tsigSecretFile");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("DNS port must be 1-65535, got " + port);
        }
        if (ttlSeconds < 0 || ttlSeconds > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("DNS ttl must be 0-" + Integer.MAX_VALUE + " seconds, got " + ttlSeconds);
        }
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("DNS " + field + " must not be empty");
        }
    }
}
