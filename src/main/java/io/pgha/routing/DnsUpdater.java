package io.pgha.routing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Points one DNS name at the primary with a TSIG-signed RFC 2136 update. A thin adapter: one update
 * per call, no retries (the caller retries), nothing cached but the parsed settings.
 */
public final class DnsUpdater {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(DnsUpdater.class);
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.?");
    private static final Pattern NUMERIC = Pattern.compile("[0-9.]+");

    private final DnsSettings settings;
    private final Duration timeout;
    private final Name zone;
    private final Name name;
    private final Name keyName;
    private final Name algorithm;

    public DnsUpdater(DnsSettings settings) {
        this(settings, DEFAULT_TIMEOUT);
    }

    public DnsUpdater(DnsSettings settings, Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("DNS update timeout must be positive, got " + timeout);
        }
        this.settings = settings;
        this.timeout = timeout;
        this.zone = parseName("zone", settings.zone(), Name.root);
        this.name = parseName("record", settings.record(), zone);
        if (!name.subdomain(zone)) {
            throw new IllegalArgumentException("DNS record " + name + " is not inside zone " + zone);
        }
        this.keyName = parseName("TSIG key name", settings.tsigKeyName(), Name.root);
        this.algorithm = parseAlgorithm(settings.tsigAlgorithm());
    }

    /** The absolute name this updater writes. */
    public Name name() {
        return name;
    }

    /**
     * Makes the name resolve to {@code target} alone: an A record for an IPv4 literal, AAAA for IPv6,
     * otherwise a CNAME to the host name (taken as fully qualified). The name's other A, AAAA and CNAME
     * records are deleted in the same update, which the server applies atomically.
     *
     * @throws IllegalArgumentException when {@code target} is neither an address nor a host name
     */
    public void pointAt(String target) throws DnsUpdateException {
        Objects.requireNonNull(target, "target");
        Record answer = recordFor(target);
        Update update = new Update(zone);
        update.delete(name, Type.A);
        update.delete(name, Type.AAAA);
        update.delete(name, Type.CNAME);
        update.add(answer);

        InetSocketAddress server = serverAddress();
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(timeout);
        resolver.setTSIGKey(tsig());
        String what = "DNS update of " + name + " to " + Type.string(answer.getType()) + " " + answer.rdataToString()
                + " at " + describe(server);
        check(send(resolver, update, server, what), what);
        log.info("DNS {} now {} {} (server {}, key {})", name, Type.string(answer.getType()),
                answer.rdataToString(), describe(server), keyName);
    }

    private Record recordFor(String target) {
        byte[] v4 = Address.toByteArray(target, Address.IPv4);
        if (v4 != null) {
            return new ARecord(name, DClass.IN, settings.ttlSeconds(), byAddress(v4));
        }
        if (target.indexOf(':') >= 0) {
            byte[] v6 = Address.toByteArray(target, Address.IPv6);
            if (v6 == null) {
                throw new IllegalArgumentException("DNS target '" + target + "' is not a valid IPv6 address");
            }
            return new AAAARecord(name, DClass.IN, settings.ttlSeconds(), byAddress(v6));
        }
        if (NUMERIC.matcher(target).matches() || !HOST_NAME.matcher(target).matches()) {
            throw new IllegalArgumentException(
                    "DNS target '" + target + "' is neither an IPv4 address, an IPv6 address nor a host name");
        }
        return new CNAMERecord(name, DClass.IN, settings.ttlSeconds(), parseName("target", target, Name.root));
    }

    private static InetAddress byAddress(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a 4- or 16-byte address was refused", e);
        }
    }

    /** Read on every call so a rotated secret is used at once; its content never reaches a message. */
    private TSIG tsig() throws DnsUpdateException {
        String text;
        try {
            text = new String(Files.readAllBytes(settings.tsigSecretFile()), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            String why = switch (e) {
                case NoSuchFileException x -> "no such file";
                case AccessDeniedException x -> "permission denied";
                default -> e.toString();
            };
            throw new DnsUpdateException("cannot read the TSIG secret file " + settings.tsigSecretFile() + ": " + why);
        }
        String base64 = text.replaceAll("\\s", "");
        if (base64.isEmpty()) {
            throw new DnsUpdateException("the TSIG secret file " + settings.tsigSecretFile() + " is empty");
        }
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            // the decoder's message quotes the offending character: part of the secret
            throw new DnsUpdateException("the TSIG secret file " + settings.tsigSecretFile()
                    + " does not hold a base64 secret: put only the secret from tsig-keygen's output in it");
        }
        try {
            return new TSIG(algorithm, keyName, secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    private InetSocketAddress serverAddress() throws DnsUpdateException {
        try {
            return new InetSocketAddress(InetAddress.getByName(settings.server()), settings.port());
        } catch (UnknownHostException e) {
            throw new DnsUpdateException("cannot resolve the DNS server name '" + settings.server() + "'", e);
        }
    }

    private Message send(SimpleResolver resolver, Update update, InetSocketAddress server, String what)
            throws DnsUpdateException {
        try {
            // dnsjava times out itself; the margin only guards against it not doing so
            return resolver.sendAsync(update).toCompletableFuture()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw timedOut(what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DnsUpdateException(what + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SocketTimeoutException) {
                throw timedOut(what);
            }
            if (cause instanceof PortUnreachableException) {
                throw new DnsUpdateException(what + " failed: nothing listens on " + describe(server)
                        + " (port unreachable): check the server address and port, and that named is running", cause);
            }
            throw new DnsUpdateException(what + " failed: " + cause, cause);
        }
    }

    private DnsUpdateException timedOut(String what) {
        return new DnsUpdateException(what + " timed out: no answer within " + timeout.toMillis()
                + " ms; check that the server runs and listens on that address and port, and that no firewall drops DNS");
    }

    private void check(Message response, String what) throws DnsUpdateException {
        int rcode = response.getRcode();
        TSIGRecord tsigRecord = response.getTSIG();
        int tsigError = tsigRecord == null ? Rcode.NOERROR : tsigRecord.getError();
        String answerName = Rcode.string(rcode) + (tsigError == Rcode.NOERROR ? "" : "/" + Rcode.TSIGstring(tsigError));
        if (rcode == Rcode.NOERROR) {
            if (!response.isVerified()) {
                throw new DnsUpdateException(what + " is unconfirmed: the server answered NOERROR without a valid signature"
                        + " of key " + keyName + ", so the answer cannot be trusted; check that the address is the zone's"
                        + " server itself, not a proxy that strips TSIG", "NOERROR/UNVERIFIED");
            }
            return;
        }
        throw new DnsUpdateException(what + " failed: the server answered " + answerName + ": "
                + hint(rcode, tsigError), answerName);
    }

    private String hint(int rcode, int tsigError) {
        String key = "key " + keyName + " (" + settings.tsigAlgorithm() + ")";
        if (tsigError == Rcode.BADKEY) {
            return "the server does not know " + key + "; check the key name and algorithm against the server's key clause";
        }
        if (tsigError == Rcode.BADSIG) {
            return "the signature with " + key + " did not verify; check that the secret in " + settings.tsigSecretFile()
                    + " and the algorithm match the server's key";
        }
        if (tsigError == Rcode.BADTIME) {
            return "this host's clock and the server's differ by more than the TSIG fudge; check NTP on both";
        }
        return switch (rcode) {
            case Rcode.REFUSED -> "the zone does not let " + key + " change " + name
                    + "; check the zone's update-policy (or allow-update) grants A, AAAA and CNAME there";
            case Rcode.NOTAUTH -> "the server is not authoritative for zone " + zone + "; check the zone name and server";
            case Rcode.NOTZONE -> name + " is outside zone " + zone + "; check the zone and record names";
            case Rcode.SERVFAIL -> "the server could not apply it; see its log (is the zone loaded and its journal writable?)";
            case Rcode.NOTIMP, Rcode.FORMERR -> "the server does not accept dynamic updates; send them to the zone's primary";
            default -> "see the server's log";
        };
    }

    private static String describe(InetSocketAddress server) {
        return server.getAddress().getHostAddress() + ":" + server.getPort();
    }

    private static Name parseName(String field, String text, Name origin) {
        try {
            return Name.fromString(text, origin);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("DNS " + field + " '" + text + "' is not a valid DNS name: " + e.getMessage());
        }
    }

    private static Name parseAlgorithm(String text) {
        try {
            return TSIG.algorithmToName(text.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("TSIG algorithm '" + text
                    + "' is not supported; use hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha224, hmac-sha1 or hmac-md5");
        }
    }
}
