package io.pgha.postgres;

/** The primary a standby streams from. */
public record Upstream(String name, String host, int port) {}
