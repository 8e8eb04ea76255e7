package io.pgha.harness;

/** One {@code host:port} the way Harness's chart lists it: the templates split it at the colon. */
public record HostPort(String host, int port) {
    public static HostPort parse(String text, String flag) throws HarnessException {
        int colon = text == null ? -1 : text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1)
            throw new HarnessException(flag + " '" + text + "' is not HOST:PORT (e.g. pg.example.com:5000)");
        String host = text.substring(0, colon);
        if (host.contains(":") || host.contains("[") || host.contains(","))
            throw new HarnessException(flag + " '" + text + "': Harness's chart splits hosts at the first colon and"
                    + " takes one host, so give a DNS name or an IPv4 address, one HOST:PORT");
        if (!host.matches("[A-Za-z0-9.-]+"))
            throw new HarnessException(flag + " '" + text + "': '" + host + "' is not a host name or IPv4 address");
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535)
            throw new HarnessException(flag + " '" + text + "': the port must be a number from 1 to 65535");
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
