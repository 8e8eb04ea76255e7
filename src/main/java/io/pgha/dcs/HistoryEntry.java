package io.pgha.dcs;

/** One promotion: the new timeline, where it forked, when, and which member promoted. */
public record HistoryEntry(long timeline, long lsn, long atMillis, String member, String reason) {}
