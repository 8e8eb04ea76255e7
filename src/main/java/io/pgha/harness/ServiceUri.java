package io.pgha.harness;

import java.util.List;

/**
 * The connection URIs Harness's chart builds from the values and the Secret, reproduced so that the check pgha
 * prints (and the tests) use exactly what a service will use. User and password are pasted in unescaped, as the
 * chart does.
 */
public final class ServiceUri {
    private ServiceUri() {}

    /** The list builder: {@code protocol://user:password@host} plus extraArgs, once per host, joined by commas. */
    public static String hostList(String protocol, String user, String password, List<String> hosts, String extraArgs) {
        StringBuilder sb = new StringBuilder();
        for (String h : hosts) {
            if (!sb.isEmpty()) sb.append(',');
            sb.append(protocol).append("://").append(user).append(':').append(password).append('@').append(h).append(extraArgs);
        }
        return sb.toString();
    }

    /**
     * The single-host builder: {@code protocol://user:password@HOST:PORT/DATABASE?args&sslmode=...} from hosts[0]
     * split at the colon; TLS on means {@code sslmode=require}, whatever sslMode says. A null password leaves the
     * {@code :password} out, for clients that read it from PGPASSWORD.
     */
    public static String withDatabase(String protocol, String user, String password, List<String> hosts, String database,
                                      String args, String sslMode) {
        String[] hostPort = hosts.getFirst().split(":", 2);
        String ssl = "sslmode=" + ("disable".equals(sslMode) ? "disable" : "require");
        String userInfo = password == null ? user : user + ":" + password;
        return protocol + "://" + userInfo + "@" + hostPort[0] + ":" + hostPort[1] + "/" + database
                + "?" + (args == null || args.isEmpty() ? ssl : args + "&" + ssl);
    }

    /** The URI a service would use for {@code database}, built from {@code v}. */
    public static String of(HarnessValues v, String database, boolean withPassword) {
        return withDatabase(HarnessValues.PROTOCOL, v.user(), withPassword ? v.password() : null,
                List.of(v.endpoint().toString()), database, "", v.sslMode());
    }
}
