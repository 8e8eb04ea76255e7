package io.pgha.routing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * Who may call the REST API's mutating endpoints: holders of a bearer token, or of a basic-auth user
 * and password, or both. Only SHA-256 digests of the secrets are kept, and they are compared in
 * constant time. {@link #none()} refuses everyone: a mutating endpoint is never open.
 */
public final class ApiAuth {
    /** Whether a request's {@code Authorization} header lets it through. */
    public enum Verdict { ALLOWED, DENIED, NOT_CONFIGURED }

    private static final ApiAuth NONE = new ApiAuth(null, null, null);

    private final byte[] tokenDigest;
    private final byte[] userDigest;
    private final byte[] passwordDigest;

    private ApiAuth(byte[] tokenDigest, byte[] userDigest, byte[] passwordDigest) {
        this.tokenDigest = tokenDigest;
        this.userDigest = userDigest;
        this.passwordDigest = passwordDigest;
    }

    public static ApiAuth none() {
        return NONE;
    }

    /**
     * @param token    bearer token, or null/blank for none
     * @param user     basic-auth user, or null/blank for none; needs {@code password}
     * @param password basic-auth password, or null/empty for none; needs {@code user}
     */
    public static ApiAuth of(String token, String user, String password) {
        boolean hasToken = token != null && !token.isBlank();
        boolean hasUser = user != null && !user.isBlank();
        boolean hasPassword = password != null && !password.isEmpty();
        if (hasUser != hasPassword)
            throw new IllegalArgumentException(hasUser ? "the REST API user '" + user + "' has no password"
                    : "the REST API password is set but no user is");
        if (hasUser && user.contains(":"))
            throw new IllegalArgumentException("the REST API user must not contain ':' (basic auth cannot carry it)");
        if (!hasToken && !hasUser) return NONE;
        return new ApiAuth(hasToken ? digest(token) : null, hasUser ? digest(user) : null,
                hasUser ? digest(password) : null);
    }

    public boolean configured() {
        return tokenDigest != null || userDigest != null;
    }

    /** @param authorization the request's {@code Authorization} header, or null */
    public Verdict check(String authorization) {
        if (!configured()) return Verdict.NOT_CONFIGURED;
        if (authorization == null) return Verdict.DENIED;
        String header = authorization.strip();
        int space = header.indexOf(' ');
        if (space < 0) return Verdict.DENIED;
        String scheme = header.substring(0, space);
        String credentials = header.substring(space + 1).strip();
        boolean ok = switch (scheme.toLowerCase(Locale.ROOT)) {
            case "bearer" -> tokenDigest != null && MessageDigest.isEqual(tokenDigest, digest(credentials));
            case "basic" -> userDigest != null && basicMatches(credentials);
            default -> false;
        };
        return ok ? Verdict.ALLOWED : Verdict.DENIED;
    }

    private boolean basicMatches(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) return false;
        boolean userOk = MessageDigest.isEqual(userDigest, digest(decoded.substring(0, colon)));
        boolean passwordOk = MessageDigest.isEqual(passwordDigest, digest(decoded.substring(colon + 1)));
        return userOk & passwordOk; // both compared whatever the first says: no timing hint which one was wrong
    }

    // Comparing fixed-length digests keeps the comparison's time independent of the secret's length too.
    private static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "ApiAuth[token=" + (tokenDigest != null) + ", basic=" + (userDigest != null) + "]";
    }
}
