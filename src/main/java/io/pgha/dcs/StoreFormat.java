package io.pgha.dcs;

import io.pgha.config.PghaVersion;
import java.util.Collection;

/**
 * The layout of the cluster's keys in the store, and the pgha that recorded it. An agent acts only on a layout it
 * understands ({@link #CURRENT} or older); the leader raises the recorded format only once every member's agent
 * says it understands the new one, so a rolling upgrade never leaves an old agent facing a layout it cannot read.
 *
 * @param format    the layout's number: 1 is the layout from before formats were recorded
 * @param writtenBy the pgha version that recorded it
 */
public record StoreFormat(int format, String writtenBy) {
    /** The newest layout this pgha reads and writes. */
    public static final int CURRENT = 1;
    /** A store without the key was written before formats were recorded: its layout is format 1. */
    public static final StoreFormat UNRECORDED = new StoreFormat(1, "a version from before store formats");

    public static StoreFormat current() {
        return new StoreFormat(CURRENT, PghaVersion.VERSION);
    }

    /** A layout newer than this pgha understands: acting on it could undo what the newer agents do. */
    public boolean tooNew() {
        return format > CURRENT;
    }

    /** The one line an agent logs and reports when it refuses to act on a store it cannot read. */
    public String refusal() {
        return "the store was written by pgha " + writtenBy + " with format " + format + "; this pgha understands up to "
                + CURRENT + ": install pgha " + writtenBy + " or newer on this node";
    }

    /**
     * Whether the leader records {@link #current()} now: the store holds no format or an older one, and every member
     * record (alive or not: a stopped agent comes back) was published by an agent that understands it.
     *
     * @param recorded the store's format key, or null when there is none
     */
    public static boolean shouldRecordCurrent(StoreFormat recorded, Collection<Member> members) {
        return shouldRecord(CURRENT, recorded, members);
    }

    static boolean shouldRecord(int target, StoreFormat recorded, Collection<Member> members) {
        if (recorded != null && recorded.format() >= target) return false;
        return members.stream().allMatch(m -> understoodBy(m) >= target);
    }

    /** The newest format a member's agent understands; a record without it comes from before formats: 1. */
    static int understoodBy(Member m) {
        return Math.max(1, m.storeFormat());
    }
}
