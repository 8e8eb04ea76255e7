package io.pgha.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range in CIDR notation, parsed strictly (host bits must be zero). */
public record Cidr(InetAddress address, int prefix) {

    public static Cidr parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty CIDR");
        String s = text.trim();
        int slash = s.indexOf('/');
        if (slash < 0) throw new IllegalArgumentException("'" + s + "' has no prefix length (write e.g. 10.0.0.0/8 or 192.0.2.7/32)");
        String addr = s.substring(0, slash);
        int prefix;
        try {
            prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + s + "' has a prefix length that is not a number");
        }
        if (!addr.matches("[0-9.]+") && !addr.contains(":"))
            throw new IllegalArgumentException("'" + s + "' is not an IP address range");
        InetAddress ip;
        try {
            ip = InetAddress.getByName(addr);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address range");
        }
        if (addr.matches("[0-9.]+") && addr.split("\\.", -1).length != 4)
            throw new IllegalArgumentException("'" + s + "' is not an IPv4 address range");
        int bits = ip.getAddress().length * 8;
        if (prefix < 0 || prefix > bits)
            throw new IllegalArgumentException("'" + s + "' has a prefix length outside 0.." + bits);
        byte[] b = ip.getAddress();
        for (int i = prefix; i < bits; i++) {
            if ((b[i / 8] & (0x80 >>> (i % 8))) != 0)
                throw new IllegalArgumentException("'" + s + "' has host bits set after /" + prefix);
        }
        return new Cidr(ip, prefix);
    }

    public boolean isEverything() {
        return prefix == 0;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefix;
    }
}
