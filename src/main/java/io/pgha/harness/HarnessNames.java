package io.pgha.harness;

import java.util.regex.Pattern;

/** The names {@code pgha harness} writes into Kubernetes objects and PostgreSQL, checked before anything changes. */
public final class HarnessNames {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    // lower case, no quoting needed in SQL, and nothing a URI's user part would have to escape
    private static final Pattern ROLE = Pattern.compile("[a-z_][a-z0-9_]*");

    private HarnessNames() {}

    /** A Kubernetes namespace: an RFC 1123 label. */
    public static String namespace(String ns) throws HarnessException {
        if (ns == null || ns.length() > 63 || !DNS_LABEL.matcher(ns).matches())
            throw new HarnessException("--namespace '" + ns + "' is not a valid Kubernetes namespace: use at most 63"
                    + " lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. harness)");
        return ns;
    }

    /** A Secret's name: an RFC 1123 subdomain (labels joined by dots, 253 characters at most). */
    public static String secretName(String name) throws HarnessException {
        boolean ok = name != null && !name.isEmpty() && name.length() <= 253;
        if (ok) for (String label : name.split("\\.", -1)) ok &= label.length() <= 63 && DNS_LABEL.matcher(label).matches();
        if (!ok)
            throw new HarnessException("--secret-name '" + name + "' is not a valid Kubernetes Secret name: use lower-case"
                    + " letters, digits, '-' and '.', starting and ending with a letter or digit (e.g. postgres-secret)");
        return name;
    }

    /** The application role: a plain lower-case PostgreSQL identifier that is not a reserved or cluster-owned role. */
    public static String role(String role, String superuser, String replicationUser) throws HarnessException {
        if (role == null || role.length() > 63 || !ROLE.matcher(role).matches())
            throw new HarnessException("--user '" + role + "' is not a valid role name here: use at most 63 lower-case"
                    + " letters, digits and '_', not starting with a digit (e.g. harness); Harness pastes it into"
                    + " connection URIs unescaped");
        if (role.startsWith("pg_"))
            throw new HarnessException("--user '" + role + "': names starting with pg_ are reserved by PostgreSQL; choose another");
        if (role.equals(superuser) || role.equals(replicationUser) || role.equals("public") || role.equals("postgres"))
            throw new HarnessException("--user '" + role + "' is a role the cluster itself uses (or a reserved name):"
                    + " Harness needs a role of its own without superuser rights, e.g. --user harness");
        return role;
    }
}
