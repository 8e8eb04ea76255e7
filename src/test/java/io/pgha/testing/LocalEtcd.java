package io.pgha.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.IntUnaryOperator;
import java.util.stream.Stream;

/**
 * A real etcd cluster of Debian's {@code /usr/bin/etcd} processes, on loopback unless a {@link Layout} places them: member i listens for clients on
 * {@code basePort + 2i} and for peers on {@code basePort + 2i + 1}; data under /tmp, deleted on close. Each member
 * is started and stopped by its own PID.
 */
public final class LocalEtcd implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/etcd");

    private final Path dir;
    private final Layout layout;
    private final int size;
    private final List<String> extraFlags;
    private final Process[] members;

    /**
     * Where member i lives: its address, its client and peer ports, and the command prefix that launches it there
     * (empty on this host, {@code ip netns exec NS} inside a network namespace).
     */
    public record Layout(IntFunction<String> host, IntUnaryOperator clientPort, IntUnaryOperator peerPort,
                         IntFunction<List<String>> launchPrefix) {
        /** Loopback, client port {@code basePort + 2i}, peer port {@code basePort + 2i + 1}. */
        public static Layout loopback(int basePort) {
            return new Layout(i -> "127.0.0.1", i -> basePort + 2 * i, i -> basePort + 2 * i + 1, i -> List.of());
        }
    }

    private LocalEtcd(Path dir, Layout layout, int size, List<String> extraFlags) {
        this.dir = dir;
        this.layout = layout;
        this.size = size;
        this.extraFlags = extraFlags;
        this.members = new Process[size];
    }

    /** Starts {@code size} members on loopback and waits until every one reports healthy. */
    public static LocalEtcd start(int basePort, int size, String... extraFlags) throws IOException {
        return start(Layout.loopback(basePort), size, extraFlags);
    }

    /** Starts {@code size} members where {@code layout} says and waits until every one reports healthy. */
    public static LocalEtcd start(Layout layout, int size, String... extraFlags) throws IOException {
        LocalEtcd etcd = new LocalEtcd(Files.createTempDirectory(Path.of("/tmp"), "pgha-etcd-test-"), layout, size,
                List.of(extraFlags));
        try {
            for (int i = 0; i < size; i++) etcd.startMember(i);
            for (int i = 0; i < size; i++) etcd.awaitHealthy(i);
        } catch (IOException | RuntimeException | Error e) {
            etcd.close();
            throw e;
        }
        return etcd;
    }

    public String scheme() {
        return extraFlags.stream().anyMatch(f -> f.startsWith("--cert-file")) ? "https" : "http";
    }

    public String clientUrl(int member) {
        return scheme() + "://" + layout.host().apply(member) + ":" + layout.clientPort().applyAsInt(member);
    }

    public List<String> endpoints() {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < size; i++) urls.add(clientUrl(i));
        return urls;
    }

    /** The {@code --dcs} form: etcd://127.0.0.1:p1,127.0.0.1:p2,... */
    public String dcsAddress() {
        StringBuilder sb = new StringBuilder("etcd://");
        for (int i = 0; i < size; i++)
            sb.append(i == 0 ? "" : ",").append(layout.host().apply(i)).append(':').append(layout.clientPort().applyAsInt(i));
        return sb.toString();
    }

    private String peerUrl(int member) {
        return "http://" + layout.host().apply(member) + ":" + layout.peerPort().applyAsInt(member);
    }

    private void startMember(int i) throws IOException {
        StringBuilder initial = new StringBuilder();
        for (int m = 0; m < size; m++) initial.append(m == 0 ? "" : ",").append("m").append(m).append('=').append(peerUrl(m));
        List<String> command = new ArrayList<>(layout.launchPrefix().apply(i));
        command.addAll(List.of(BINARY.toString(), "--name", "m" + i,
                "--data-dir", dir.resolve("m" + i).toString(),
                "--listen-client-urls", clientUrl(i), "--advertise-client-urls", clientUrl(i),
                "--listen-peer-urls", peerUrl(i), "--initial-advertise-peer-urls", peerUrl(i),
                "--initial-cluster", initial.toString(), "--initial-cluster-state", "new",
                "--initial-cluster-token", "pgha-test-" + layout.clientPort().applyAsInt(0), "--logger", "zap", "--log-outputs", "stderr"));
        command.addAll(extraFlags);
        members[i] = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("m" + i + ".log").toFile())).start();
    }

    /** Polls (no Awaitility: the benchmarks use this class without the test libraries) for at most 30 s. */
    private void awaitHealthy(int i) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create(clientUrl(i) + "/health")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                if (scheme().equals("http") ? http.send(health, HttpResponse.BodyHandlers.ofString()).body().contains("\"true\"")
                        : logMentions(i, "serving client traffic")) return;
                Thread.sleep(100);
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for etcd member m" + i, e);
            }
        }
        throw new IOException("etcd member m" + i + " was not healthy within 30 s: see " + dir.resolve("m" + i + ".log"));
    }

    private boolean logMentions(int i, String text) throws IOException {
        return Files.readString(dir.resolve("m" + i + ".log")).contains(text);
    }

    /** Member i's log (etcd's own output, appended across restarts). */
    public Path log(int member) {
        return dir.resolve("m" + member + ".log");
    }

    /** The PID of member i, or -1 when it does not run. */
    public long pid(int member) {
        Process p = members[member];
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /** kill -9 of member i, waited for; its data stays for {@link #restart}. */
    public void kill(int member) throws InterruptedException {
        Process p = members[member];
        if (p == null) return;
        p.destroyForcibly();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS))
            throw new IllegalStateException("etcd member m" + member + " (pid " + p.pid() + ") survived kill -9");
    }

    /** Starts member i again on its existing data and waits until it reports healthy. */
    public void restart(int member) throws IOException {
        startMember(member);
        awaitHealthy(member);
    }

    /** Freezes (SIGSTOP) or thaws (SIGCONT) one member by its PID. */
    public void signal(int member, String signal) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + signal, Long.toString(members[member].pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws IOException {
        for (Process p : members) {
            if (p == null) continue;
            p.destroy();
            try {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
