package io.pgha.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real BIND 9 on a loopback port, serving zone {@code pgha.test.} and accepting updates of names under
 * {@code db.pgha.test.} signed with a fresh TSIG key. Started and stopped (by PID) by the test.
 */
public final class BindServer implements AutoCloseable {
    public static final Path NAMED = Path.of("/usr/sbin/named");
    public static final String ZONE = "pgha.test";
    public static final String KEY = "pgha-key";

    private final int port;
    private final Path dir;
    private final Path secretFile;
    private final Process named;

    public BindServer(int port) throws Exception {
        if (!Files.isExecutable(NAMED)) throw new IllegalStateException("BIND 9 is missing (no " + NAMED + "); install it: apt-get install bind9 bind9-dnsutils");
        requireFree(port);
        this.port = port;
        this.dir = Files.createTempDirectory("pgha-dns-");
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        String secret = Base64.getEncoder().encodeToString(bytes);
        this.secretFile = dir.resolve("tsig.secret");
        Files.writeString(secretFile, secret + "\n");
        Files.writeString(dir.resolve("named.conf"), """
                options {
                  directory "%1$s";
                  listen-on port %2$d { 127.0.0.1; };
                  listen-on-v6 { none; };
                  pid-file none;
                  session-keyfile none;
                  recursion no;
                  dnssec-validation no;
                  notify no;
                };
                controls { };
                key "%3$s." { algorithm hmac-sha256; secret "%4$s"; };
                zone "pgha.test." {
                  type primary;
                  file "pgha.test.zone";
                  update-policy { grant %3$s. subdomain db.pgha.test. A AAAA CNAME; };
                };
                """.formatted(dir, port, KEY, secret));
        Files.writeString(dir.resolve("pgha.test.zone"), """
                $TTL 60
                @  IN SOA ns.pgha.test. admin.pgha.test. 1 60 60 600 60
                @  IN NS  ns.pgha.test.
                ns IN A   127.0.0.1
                """);
        List<String> command = new ArrayList<>(List.of(NAMED.toString(), "-g", "-4", "-c", dir.resolve("named.conf").toString()));
        if ("root".equals(System.getProperty("user.name"))) {
            // named drops to the bind user, which must read the config and write the zone's journal
            UserPrincipal bind = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("bind");
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) Files.setOwner(f, bind);
            }
            Files.setOwner(dir, bind);
            command.addAll(List.of("-u", "bind"));
        }
        this.named = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("named.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!answersSoa()) {
            if (!named.isAlive()) {
                close();
                throw new IllegalStateException("named exited with " + named.exitValue() + ":\n" + log());
            }
            if (System.nanoTime() > deadline) {
                String log = log();
                close();
                throw new IllegalStateException("named does not answer on 127.0.0.1:" + port + ":\n" + log);
            }
            Thread.sleep(100);
        }
    }

    public int port() {
        return port;
    }

    /** The TSIG secret's file; as root it belongs to bind, so tests that need it elsewhere copy it. */
    public Path secretFile() {
        return secretFile;
    }

    public String log() throws IOException {
        return Files.readString(dir.resolve("named.log"));
    }

    /** Every A, AAAA and CNAME answer for the name, as "TYPE rdata". */
    public Set<String> answers(String name) throws IOException {
        Set<String> found = new LinkedHashSet<>();
        for (int type : new int[] {Type.A, Type.AAAA, Type.CNAME}) {
            for (Record r : query(name, type)) {
                found.add(switch (r) {
                    case ARecord a -> "A " + a.getAddress().getHostAddress();
                    case AAAARecord a -> "AAAA " + a.getAddress().getHostAddress();
                    case CNAMERecord c -> "CNAME " + c.getTarget();
                    default -> Type.string(r.getType()) + " " + r.rdataToString();
                });
            }
        }
        return found;
    }

    public List<Record> query(String name, int type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        resolver.setTimeout(Duration.ofSeconds(2));
        Message response = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
        String rcode = Rcode.string(response.getRcode());
        if (!rcode.equals("NOERROR") && !rcode.equals("NXDOMAIN"))
            throw new IOException("rcode of " + name + " " + Type.string(type) + ": " + rcode);
        return response.getSection(Section.ANSWER);
    }

    private boolean answersSoa() {
        try {
            return query(ZONE + ".", Type.SOA).size() == 1;
        } catch (IOException e) {
            return false;
        }
    }

    public static void requireFree(int port) {
        try {
            new DatagramSocket(new InetSocketAddress("127.0.0.1", port)).close();
            new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1")).close();
        } catch (IOException e) {
            throw new IllegalStateException("127.0.0.1:" + port + " is in use (a named left from an earlier run?): " + e.getMessage());
        }
    }

    @Override
    public void close() throws Exception {
        named.destroy();
        if (!named.waitFor(10, TimeUnit.SECONDS)) {
            named.destroyForcibly();
            named.waitFor(10, TimeUnit.SECONDS);
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }
}
