package io.pgha.harness;

/**
 * What Harness's chart reads under {@code global.database.postgres} and from the Secret it names: one endpoint,
 * the Secret and its two keys, and the role's credentials that go into that Secret.
 */
public record HarnessValues(String namespace, String secretName, String user, String password, HostPort endpoint,
                            String sslMode) {
    /** The chart's default key names; the values file names them explicitly anyway. */
    public static final String USER_KEY = "user";
    public static final String PASSWORD_KEY = "password";
    public static final String PROTOCOL = "postgres";
    /** Appended by the chart right after the host; empty keeps the URI as the services expect it. */
    public static final String EXTRA_ARGS = "";

    @Override
    public String toString() {
        return "HarnessValues[namespace=" + namespace + ", secretName=" + secretName + ", user=" + user
                + ", endpoint=" + endpoint + ", sslMode=" + sslMode + "]";
    }
}
