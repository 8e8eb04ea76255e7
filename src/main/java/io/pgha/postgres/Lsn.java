package io.pgha.postgres;

/** A WAL position ("16/B374D848" in PostgreSQL's text form) as an unsigned 64-bit number. */
public final class Lsn {
    private Lsn() {}

    public static long parse(String text) {
        if (text == null) return 0;
        int slash = text.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("not an LSN: " + text);
        long hi = Long.parseLong(text.substring(0, slash), 16);
        long lo = Long.parseLong(text.substring(slash + 1), 16);
        return (hi << 32) | lo;
    }

    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/" + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }

    /** Bytes by which {@code behind} trails {@code ahead}; zero when it does not trail. */
    public static long lag(long ahead, long behind) {
        return Long.compareUnsigned(ahead, behind) > 0 ? ahead - behind : 0;
    }
}
