package io.pgha.dcs;

/** An operator's order to promote {@code candidate} while no member holds the lease. */
public record FailoverRequest(String candidate, long requestedAtMillis) {}
