package io.pgha.migrate;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** {@code postgresql://user@host[:port][/dbname]} as {@code pgha migrate --from} takes it; a password in it is refused. */
public final class SourceUrl {
    private SourceUrl() {}

    /** The endpoint the URL names, without a password; dbname defaults to postgres, port to 5432. */
    public static Endpoint parse(String url) throws MigrateException {
        String fix = "write it as postgresql://user@host:port/dbname";
        URI u;
        try {
            u = new URI(url);
        } catch (URISyntaxException e) {
            throw new MigrateException("--from '" + url + "' is not a URL: " + fix);
        }
        if (!"postgresql".equals(u.getScheme()) && !"postgres".equals(u.getScheme()))
            throw new MigrateException("--from must start with postgresql://: " + fix);
        if (u.getHost() == null) throw new MigrateException("--from names no host: " + fix);
        String info = u.getRawUserInfo();
        if (info == null || info.isEmpty()) throw new MigrateException("--from names no user: " + fix);
        if (info.contains(":"))
            throw new MigrateException("--from holds a password: leave it out of the URL (it would show in ps and shell history)"
                    + " and give it with --from-password-file FILE (mode 0600) or a .pgpass entry");
        String path = u.getPath() == null ? "" : u.getPath().replaceFirst("^/", "");
        String host = u.getHost().startsWith("[") ? u.getHost().substring(1, u.getHost().length() - 1) : u.getHost();
        return new Endpoint(host, u.getPort() > 0 ? u.getPort() : 5432, decode(info), null,
                path.isEmpty() ? "postgres" : decode(path));
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
