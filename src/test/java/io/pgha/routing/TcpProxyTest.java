package io.pgha.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import io.pgha.postgres.OsCommand;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {
    private static final String HOST = "127.0.0.1";
    private static final Path PG_BIN = Paths.get("/usr/lib/postgresql/15/bin");
    private static final int LAST_PORT = 18299;
    private static final AtomicInteger nextPort = new AtomicInteger(18200);

    private static Path pgDir;

    private final List<Closeable> resources = new ArrayList<>();
    private final AtomicReference<List<InetSocketAddress>> targets = new AtomicReference<>(List.of());

    @AfterEach
    void closeResources() throws IOException {
        for (Closeable resource : resources.reversed()) {
            resource.close();
        }
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (pgDir == null) return;
        try {
            Path data = pgDir.resolve("data");
            if (Files.exists(data.resolve("postmaster.pid"))) {
                OsCommand.Result stop = new OsCommand("postgres", pgDir).run(List.of(PG_BIN.resolve("pg_ctl").toString(), "stop", "-m", "fast", "-w", "-D", data.toString()), 30_000);
                assertThat(stop.ok()).as(stop.output()).isTrue();
            }
        } finally {
            try (Stream<Path> files = Files.walk(pgDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void forwardsToTheSingleTarget() throws IOException {
        EchoServer a = echo("a");
        targets.set(List.of(a.address()));
        TcpProxy proxy = proxy();

        try (Socket client = connect(proxy)) {
            assertThat(greeting(client)).isEqualTo("a");
            assertThat(roundTrip(client, "hello")).isEqualTo("hello");
            assertThat(proxy.activeConnections()).isEqualTo(1);
        }
        await().until(() -> proxy.activeConnections() == 0);
    }

    @Test
    void roundRobinsAcrossTargets() throws IOException {
        EchoServer a = echo("a");
        EchoServer b = echo("b");
        targets.set(List.of(a.address(), b.address()));
        TcpProxy proxy = proxy();

        List<String> answered = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (Socket client = connect(proxy)) {
                answered.add(greeting(client));
            }
        }
        assertThat(answered).containsExactly("a", "b", "a", "b");
    }

    @Test
    void closesTheClientAtOnceWhenThereIsNoTarget() throws IOException {
        TcpProxy proxy = proxy();

        try (Socket client = connect(proxy)) {
            assertClosedByPeer(client);
        }
        await().until(() -> proxy.activeConnections() == 0);
    }

    @Test
    void retargetClosesConnectionsToTheOldTargetAndNewOnesGoToTheNew() throws IOException {
        EchoServer a = echo("a");
        EchoServer b = echo("b");
        targets.set(List.of(a.address()));
        TcpProxy proxy = proxy();
        Socket toA = connect(proxy);
        assertThat(greeting(toA)).isEqualTo("a");

        targets.set(List.of(b.address()));
        proxy.retarget();

        assertClosedByPeer(toA);
        await().until(() -> a.openConnections() == 0);
        try (Socket toB = connect(proxy)) {
            assertThat(greeting(toB)).isEqualTo("b");
            assertThat(roundTrip(toB, "after the move")).isEqualTo("after the move");
        }
    }

    @Test
    void retargetKeepsConnectionsToTargetsStillAllowed() throws IOException {
        EchoServer a = echo("a");
        EchoServer b = echo("b");
        targets.set(List.of(a.address(), b.address()));
        TcpProxy proxy = proxy();
        Socket toA = connect(proxy);
        assertThat(greeting(toA)).isEqualTo("a");
        Socket toB = connect(proxy);
        assertThat(greeting(toB)).isEqualTo("b");

        targets.set(List.of(b.address()));
        proxy.retarget();

        assertClosedByPeer(toA);
        assertThat(roundTrip(toB, "still here")).isEqualTo("still here");
        assertThat(proxy.activeConnections()).isEqualTo(1);
    }

    @Test
    void skipsARefusingTargetForTheNext() throws IOException {
        EchoServer a = echo("a");
        InetSocketAddress refusing = new InetSocketAddress(HOST, freePort());
        targets.set(List.of(refusing, a.address()));
        TcpProxy proxy = proxy();

        for (int i = 0; i < 3; i++) {
            try (Socket client = connect(proxy)) {
                assertThat(greeting(client)).isEqualTo("a");
            }
        }
    }

    @Test
    void refusesToStartOnABusyPort() throws IOException {
        ServerSocket busy = track(new ServerSocket());
        busy.bind(new InetSocketAddress(HOST, freePort()));
        TcpProxy proxy = new TcpProxy("rw", HOST, busy.getLocalPort(), targets::get);

        assertThatThrownBy(proxy::start)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(HOST + ":" + busy.getLocalPort())
                .hasMessageContaining("in use");
    }

    @Test
    void closeClosesEveryConnection() throws IOException {
        EchoServer a = echo("a");
        targets.set(List.of(a.address()));
        TcpProxy proxy = proxy();
        Socket first = connect(proxy);
        Socket second = connect(proxy);
        assertThat(greeting(first)).isEqualTo("a");
        assertThat(greeting(second)).isEqualTo("a");

        proxy.close();

        assertThat(proxy.activeConnections()).isZero();
        assertClosedByPeer(first);
        assertClosedByPeer(second);
        await().until(() -> a.openConnections() == 0);
        await().until(() -> proxyThreads() == 0);
        assertThatThrownBy(() -> new Socket(HOST, proxy.port()).close()).isInstanceOf(ConnectException.class);
    }

    @Test
    void movesALargePayloadIntactBothWaysAndPropagatesTheHalfClose() throws Exception {
        EchoServer a = echo("a");
        targets.set(List.of(a.address()));
        TcpProxy proxy = proxy();
        byte[] payload = new byte[8 * 1024 * 1024];
        new Random(42).nextBytes(payload);

        try (Socket client = connect(proxy)) {
            assertThat(greeting(client)).isEqualTo("a");
            // write while reading, or both sides' buffers fill and the echo stalls
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    client.getOutputStream().write(payload);
                    client.shutdownOutput();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            byte[] echoed = client.getInputStream().readAllBytes();
            writer.join();
            assertThat(echoed.length).isEqualTo(payload.length);
            assertThat(Arrays.equals(echoed, payload)).isTrue();
        }
        await().until(() -> proxy.activeConnections() == 0);
        await().until(() -> a.openConnections() == 0);
        proxy.close();
        await().until(() -> proxyThreads() == 0);
    }

    @Test
    void carriesARealPostgresSessionAndCutsItOnRetarget() throws Exception {
        assumeThat(Files.isDirectory(PG_BIN)).as("PostgreSQL 15 installed").isTrue();
        int pgPort = freePort();
        startPostgres(pgPort);
        InetSocketAddress postgres = new InetSocketAddress(HOST, pgPort);
        targets.set(List.of(postgres));
        TcpProxy proxy = proxy();

        String url = "jdbc:postgresql://" + HOST + ":" + proxy.port() + "/postgres?user=postgres&connectTimeout=5";
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("select current_setting('port'), count(*) from generate_series(1, 100000)")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(String.valueOf(pgPort));
                assertThat(rs.getLong(2)).isEqualTo(100_000);
            }

            targets.set(List.of());
            proxy.retarget();

            assertThat(connection.isValid(5)).isFalse();
        }
        assertThat(proxy.activeConnections()).isZero();
    }

    private static void startPostgres(int port) throws IOException {
        pgDir = Files.createTempDirectory("pgha-proxy-test-");
        if (OsCommand.runningAsRoot()) {
            UserPrincipal postgres = pgDir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(pgDir, postgres);
        }
        OsCommand os = new OsCommand("postgres", pgDir);
        String data = pgDir.resolve("data").toString();
        OsCommand.Result initdb = os.run(List.of(PG_BIN.resolve("initdb").toString(), "-D", data, "-U", "postgres", "--auth=trust", "--no-sync"), 60_000);
        assertThat(initdb.ok()).as(initdb.output()).isTrue();
String options = "-p " + port + " -c listen_addresses=" + HOST + " -k " + pgDir;
        OsCommand.Result start = os.run(List.of(PG_BIN.resolve("pg_ctl").toString(), "start", "-w", "-D", data, "-l", pgDir.resolve("log").toString(), "-o", options), 60_000);
        assertThat(start.ok()).as(start.output()).isTrue();
    }

    private TcpProxy proxy() throws IOException {
        TcpProxy proxy = new TcpProxy("test", HOST, freePort(), targets::get);
        proxy.start();
        return track(proxy);
    }

    private EchoServer echo(String name) throws IOException {
        return track(new EchoServer(name, freePort()));
    }

    /**
     * The next port of the range nothing is bound to; our range lies inside the kernel's ephemeral one,
     * so an outgoing connection may hold any of its ports.
     */
    private static int freePort() throws IOException {
        while (true) {
            int port = nextPort.getAndIncrement();
            if (port > LAST_PORT) throw new IllegalStateException("no free port left up to " + LAST_PORT);
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(new InetSocketAddress(HOST, port));
                return port;
            } catch (BindException busy) {
                // held by someone else: try the next
            }
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(() -> {
            try {
                resource.close();
            } catch (Exception e) {
                throw new IOException(e);
            }
        });
        return resource;
    }

    private static long proxyThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("pgha-proxy-test-")).count();
    }

    private Socket connect(TcpProxy proxy) throws IOException {
        Socket socket = track(new Socket(HOST, proxy.port()));
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String greeting(Socket socket) throws IOException {
        return readLine(socket.getInputStream());
    }

    private static String roundTrip(Socket socket, String line) throws IOException {
        socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        return readLine(socket.getInputStream());
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) throw new IOException("connection closed after '" + line + "'");
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** The peer closed: end of stream or a reset, not a timeout. */
    private static void assertClosedByPeer(Socket socket) throws IOException {
        try {
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open", e);
        } catch (IOException reset) {
            // a reset is a close too
        }
    }

    /** Stands in for PostgreSQL: greets each connection with its name, then echoes until end of stream. */
    private static final class EchoServer implements AutoCloseable {
        private final String name;
        private final ServerSocket listener;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();

        EchoServer(String name, int port) throws IOException {
            this.name = name;
            this.listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(HOST, port));
            Thread.ofVirtual().start(this::acceptLoop);
        }

        InetSocketAddress address() {
            return new InetSocketAddress(HOST, listener.getLocalPort());
        }

        int openConnections() {
            return open.size();
        }

        private void acceptLoop() {
            while (true) {
                try {
                    Socket socket = listener.accept();
                    open.add(socket);
                    Thread.ofVirtual().start(() -> serve(socket));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                OutputStream out = socket.getOutputStream();
                out.write((name + "\n").getBytes(StandardCharsets.UTF_8));
                socket.getInputStream().transferTo(out);
            } catch (IOException e) {
                // the proxy cut the connection
            } finally {
                open.remove(socket);
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket socket : open) {
                socket.close();
            }
        }
    }
}
