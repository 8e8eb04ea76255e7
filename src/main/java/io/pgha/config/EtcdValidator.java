package io.pgha.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The {@code dcs.etcd:} section: client URLs, authentication and TLS files of an external etcd v3 cluster. */
final class EtcdValidator {
    private static final String FIELD = "dcs.etcd";

    private final List<String> problems;

    EtcdValidator(List<String> problems) {
        this.problems = problems;
    }

    NodeConfig.Etcd validate(RawConfig.RawEtcd raw) {
        List<String> endpoints = new ArrayList<>();
        if (raw.endpoints() == null || raw.endpoints().isEmpty())
            problem(FIELD + ".endpoints", "is required: the client URLs of the etcd members, e.g. [http://10.0.0.1:2379, ...]");
        else for (int i = 0; i < raw.endpoints().size(); i++) {
            String url = raw.endpoints().get(i);
            if (endpoint(FIELD + ".endpoints[" + i + "]", url)) endpoints.add(url.trim());
        }
        boolean tls = endpoints.stream().anyMatch(e -> e.startsWith("https://"));
        if (tls && endpoints.stream().anyMatch(e -> e.startsWith("http://")))
            problem(FIELD + ".endpoints", "mixes http:// and https://: every member is reached the same way");
        if ((raw.username() == null) != (raw.passwordFile() == null))
            problem(FIELD + ".username", FIELD + ".username and " + FIELD + ".password_file go together: set both, or neither");
        Path ca = file(FIELD + ".ca_file", raw.caFile());
        Path cert = file(FIELD + ".cert_file", raw.certFile());
        Path key = file(FIELD + ".key_file", raw.keyFile());
        if ((cert == null) != (key == null))
            problem(FIELD + ".cert_file", FIELD + ".cert_file and " + FIELD + ".key_file go together: set both, or neither");
        if (!tls && (ca != null || cert != null))
            problem(FIELD + ".endpoints", "are http:// but TLS files are set: use https:// endpoints, or remove the files");
        return new NodeConfig.Etcd(List.copyOf(endpoints), blankToNull(raw.username()),
                file(FIELD + ".password_file", raw.passwordFile()), ca, cert, key);
    }

    /** etcd leases count whole seconds: a fractional ttl would be rounded, and fencing would count the wrong time. */
    void checkTtl(Duration ttl) {
        if (ttl != null && ttl.toMillis() % 1000 != 0)
            problem("ha.ttl", ttl.toMillis() + " ms is not a whole number of seconds, which etcd leases need: e.g. 3s");
    }

    private boolean endpoint(String field, String url) {
        try {
            URI uri = new URI(url == null ? "" : url.trim());
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getPort() > 0 && (uri.getPath() == null || uri.getPath().isEmpty() || uri.getPath().equals("/")))
                return true;
        } catch (URISyntaxException e) {
            // reported below
        }
        problem(field, "'" + url + "' must be http://host:port or https://host:port (an etcd client URL)");
        return false;
    }

    private Path file(String field, String value) {
        if (value == null || value.isBlank()) return null;
        Path p = Path.of(value.trim());
        if (!p.isAbsolute()) problem(field, "'" + value + "' must be an absolute path");
        return p;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private void problem(String field, String message) {
        problems.add(field + ": " + message);
    }
}
