package io.pgha.dcs;

/** The leader key: who holds it and its fencing token (grows with every new holder). */
public record Lease(String holder, long token) {}
