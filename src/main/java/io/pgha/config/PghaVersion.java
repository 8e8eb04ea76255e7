package io.pgha.config;

/** The version of this pgha, as {@code pgha --version} prints it and the store's format key records it. */
public final class PghaVersion {
    public static final String VERSION = "0.1.0";

    private PghaVersion() {}
}
