package io.pgha.routing;

import io.pgha.testing.BindServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.DatagramPacket;
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
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Against a real BIND 9 started by the test on 127.0.0.1:18053 with its own zone and TSIG key. */
class DnsUpdaterTest {
    static final int PORT = 18053;
    static final int SILENT_PORT = 18054;
    static final int BLACK_HOLE_PORT = 18055;
    static final int FORGER_PORT = 18056;
    static final String KEY = "pgha-key";
    static final long TTL = 30;

    static Path dir;
    static String secret;
    static Path secretFile;

    static BindServer bind;

    @BeforeAll
    static void startNamed() throws Exception {
        bind = new BindServer(PORT);
        secretFile = bind.secretFile();
        dir = secretFile.getParent();
        secret = Files.readString(secretFile).strip();
    }

    @AfterAll
    static void stopNamed() throws Exception {
        if (bind != null) bind.close();
    }

    @Test
    void anARecordIsSetThenMovedToAnotherAddress() throws Exception {
        DnsUpdater updater = new DnsUpdater(settings("primary.db", KEY, secretFile));

        updater.pointAt("10.0.0.11");
        assertThat(answers("primary.db.pgha.test.")).containsExactly("A 10.0.0.11");
        assertThat(query("primary.db.pgha.test.", Type.A).get(0).getTTL()).isEqualTo(TTL);

        updater.pointAt("10.0.0.12");
        assertThat(answers("primary.db.pgha.test.")).containsExactly("A 10.0.0.12");
    }

    @Test
    void aHostNameBecomesTheOnlyCnameAndAnAddressReplacesIt() throws Exception {
        DnsUpdater updater = new DnsUpdater(settings("alias.db", KEY, secretFile));
        updater.pointAt("10.0.0.21");

        updater.pointAt("db2.example.net");
        assertThat(answers("alias.db.pgha.test.")).containsExactly("CNAME db2.example.net.");

        updater.pointAt("10.0.0.23");
        assertThat(answers("alias.db.pgha.test.")).containsExactly("A 10.0.0.23");
    }

    @Test
    void anIpv6AddressBecomesTheOnlyAaaaRecordOfAnAbsoluteName() throws Exception {
        DnsUpdater updater = new DnsUpdater(settings("six.db.pgha.test.", KEY, secretFile));
        updater.pointAt("10.0.0.31");

        updater.pointAt("2001:db8::5");
        assertThat(answers("six.db.pgha.test.")).containsExactly("AAAA " + InetAddress.getByName("2001:db8::5").getHostAddress());
    }

    @Test
    void aWrongSecretIsReportedWithTheServersAnswerAndWithoutTheSecret() throws Exception {
        new DnsUpdater(settings("fenced.db", KEY, secretFile)).pointAt("10.0.0.41");
        String wrong = randomSecret();
        Path wrongFile = dir.resolve("wrong.secret");
        Files.writeString(wrongFile, wrong);
        DnsUpdater updater = new DnsUpdater(settings("fenced.db", KEY, wrongFile));

        DnsUpdateException e = catchThrowableOfType(DnsUpdateException.class, () -> updater.pointAt("10.0.0.42"));

        assertThat(e.getMessage()).contains("NOTAUTH").contains("BADSIG").contains("secret").contains(wrongFile.toString())
                .doesNotContain(wrong).doesNotContain(secret);
        assertThat(e.serverAnswer()).contains("NOTAUTH/BADSIG");
        assertThat(answers("fenced.db.pgha.test.")).containsExactly("A 10.0.0.41");

        Files.writeString(wrongFile, secret);
        updater.pointAt("10.0.0.42");
        assertThat(answers("fenced.db.pgha.test.")).containsExactly("A 10.0.0.42");
    }

    @Test
    void anUnknownKeyNameIsReportedAsSuch() {
        DnsUpdater updater = new DnsUpdater(settings("x.db", "nobody", secretFile));

        DnsUpdateException e = catchThrowableOfType(DnsUpdateException.class, () -> updater.pointAt("10.0.0.51"));

        assertThat(e.getMessage()).contains("NOTAUTH/BADKEY").contains("nobody.").contains("key name and algorithm")
                .doesNotContain(secret);
    }

    @Test
    void aNameTheUpdatePolicyDoesNotGrantIsRefused() throws Exception {
        DnsUpdater updater = new DnsUpdater(settings("elsewhere", KEY, secretFile));

        DnsUpdateException e = catchThrowableOfType(DnsUpdateException.class, () -> updater.pointAt("10.0.0.61"));

        assertThat(e.getMessage()).contains("REFUSED").contains("update-policy").contains("elsewhere.pgha.test.");
        assertThat(e.serverAnswer()).contains("REFUSED");
        assertThat(answers("elsewhere.pgha.test.")).isEmpty();
    }

    @Test
    void aServerThatDoesNotListenIsReportedAsSuch() {
        DnsSettings silent = new DnsSettings("127.0.0.1", SILENT_PORT, "pgha.test", "primary.db", TTL, KEY, "hmac-sha256", secretFile);
        DnsUpdater updater = new DnsUpdater(silent, Duration.ofMillis(500));

        DnsUpdateException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> catchThrowableOfType(DnsUpdateException.class, () -> updater.pointAt("10.0.0.71")));

        assertThat(e.getMessage()).contains("127.0.0.1:" + SILENT_PORT).containsAnyOf("timed out", "nothing listens");
        assertThat(e.serverAnswer()).isEmpty();
    }

    @Test
    void aServerThatDoesNotAnswerIsReportedAsATimeout() throws Exception {
        DnsSettings blackHole = new DnsSettings("127.0.0.1", BLACK_HOLE_PORT, "pgha.test", "primary.db", TTL, KEY, "hmac-sha256", secretFile);
        DnsUpdater updater = new DnsUpdater(blackHole, Duration.ofMillis(500));

        // bound, so no ICMP "port unreachable" comes back, and never read: the update goes unanswered
        DatagramSocket swallowsEverything = new DatagramSocket(new InetSocketAddress("127.0.0.1", BLACK_HOLE_PORT));
        try {
            DnsUpdateException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> catchThrowableOfType(DnsUpdateException.class, () -> updater.pointAt("10.0.0.75")));

            assertThat(e.getMessage()).contains("127.0.0.1:" + BLACK_HOLE_PORT).contains("timed out").contains("500 ms");
            assertThat(e.serverAnswer()).isEmpty();
        } finally {
            swallowsEverything.close();
        }
    }

    @Test
    void anUnsignedSuccessIsNotTrusted() throws Exception {
        DnsSettings forged = new DnsSettings("127.0.0.1", FORGER_PORT, "pgha.test", "primary.db", TTL, KEY, "hmac-sha256", secretFile);
        DnsUpdater updater = new DnsUpdater(forged, Duration.ofSeconds(5));

        try (DatagramSocket forger = new DatagramSocket(new InetSocketAddress("127.0.0.1", FORGER_PORT))) {
            Thread.ofVirtual().start(() -> answerNoErrorUnsigned(forger));
            DnsUpdateException e = catchThrowableOfType(DnsUpdateException.class, () -> updater.pointAt("10.0.0.77"));

            assertThat(e.getMessage()).contains("NOERROR without a valid signature").contains("pgha-key.");
        }
    }

    /** What a spoofer or a TSIG-stripping proxy would send: success, unsigned. */
    static void answerNoErrorUnsigned(DatagramSocket socket) {
        try {
            DatagramPacket packet = new DatagramPacket(new byte[4096], 4096);
            socket.receive(packet);
            Message update = new Message(Arrays.copyOf(packet.getData(), packet.getLength()));
            Message answer = new Message(update.getHeader().getID());
            answer.getHeader().setOpcode(Opcode.UPDATE);
            answer.getHeader().setFlag(Flags.QR);
            answer.addRecord(update.getQuestion(), Section.QUESTION);
            byte[] wire = answer.toWire();
            socket.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
        } catch (IOException e) {
            // the test closed the socket
        }
    }

    @Test
    void localMistakesAreNamedWithoutTouchingTheServer() {
        DnsUpdater missing = new DnsUpdater(settings("primary.db", KEY, dir.resolve("absent.secret")));
        assertThatThrownBy(() -> missing.pointAt("10.0.0.81")).isInstanceOf(DnsUpdateException.class)
                .hasMessageContaining("absent.secret");

        DnsUpdater updater = new DnsUpdater(settings("primary.db", KEY, secretFile));
        assertThatThrownBy(() -> updater.pointAt("10.0.0.300")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> updater.pointAt("2001:db8::zz")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DnsUpdater(settings("primary.example.org.", KEY, secretFile)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not inside zone pgha.test.");
        assertThatThrownBy(() -> new DnsUpdater(new DnsSettings("127.0.0.1", PORT, "pgha.test", "x", TTL, KEY, "rot13", secretFile)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rot13");
    }

    static DnsSettings settings(String record, String keyName, Path secret) {
        return new DnsSettings("127.0.0.1", PORT, "pgha.test", record, TTL, keyName, "hmac-sha256", secret);
    }

    static Set<String> answers(String name) throws IOException {
        return bind.answers(name);
    }

    static List<Record> query(String name, int type) throws IOException {
        return bind.query(name, type);
    }

    static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

}
