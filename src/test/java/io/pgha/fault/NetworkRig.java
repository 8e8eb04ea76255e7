package io.pgha.fault;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Three (or N) hosts on this machine: network namespaces pghaf-n1.. with addresses 10.77.0.11.. on veths
 * attached to the bridge pghaf-br0 (10.77.0.1/24) in the root namespace. The nodes talk to each other
 * over the bridge only. The test's clients reach each node over a link of its own (pghaf-vcN, a /32
 * route and static neighbours), so cutting a node from its peers leaves it reachable by clients, the
 * way an application server on another network still reaches an isolated primary: an unfenced primary
 * would be caught acknowledging writes.
 *
 * <p>No namespace has a default route and the root namespace does not forward, so nothing leaves these
 * namespaces and the bridge. Everything is named pghaf-* and removed by {@link #close()}, and by
 * {@link #removeLeftovers()} after an interrupted run.
 */
final class NetworkRig implements AutoCloseable {
    static final String PREFIX = "pghaf-";
    static final String BRIDGE = "pghaf-br0";
    static final String GATEWAY = "10.77.0.1";
    static final String CIDRS = "[127.0.0.0/8, 10.77.0.0/24]";

    /** Why the rig cannot be built on this machine, in words an operator can act on. */
    static final class Unavailable extends Exception {
        Unavailable(String message) {
            super(message);
        }
    }

    private final int nodes;
    /** Faults in force, as the commands that undo them, so close() and a failed test leave none behind. */
    private final Set<List<String>> undo = new LinkedHashSet<>();

    NetworkRig(int nodes) {
        this.nodes = nodes;
    }

    static String namespace(int i) {
        return PREFIX + "n" + (i + 1);
    }

    static String address(int i) {
        return "10.77.0." + (11 + i);
    }

    static List<String> launchPrefix(int i) {
        return List.of("ip", "netns", "exec", namespace(i));
    }

    /** Root-namespace end of node i's bridge veth: down = node i cut from every other node. */
    static String bridgePort(int i) {
        return PREFIX + "v" + (i + 1);
    }

    private static String bridgePortInside(int i) {
        return PREFIX + "v" + (i + 1) + "n";
    }

    private static String clientLink(int i) {
        return PREFIX + "vc" + (i + 1);
    }

    private static String clientLinkInside(int i) {
        return PREFIX + "vc" + (i + 1) + "n";
    }

    /** Root and iproute2, checked before anything is touched. */
    static void checkPrerequisites() throws Unavailable {
        String user = System.getProperty("user.name");
        long uid = uid();
        if (uid != 0) {
            throw new Unavailable("the fault suite builds network namespaces and must run as root (it runs as "
                    + user + ", uid " + uid + "); CI runs it as root");
        }
        try {
            Result r = exec(List.of("ip", "-V"));
            if (r.exit() != 0) throw new Unavailable("'ip -V' failed (" + r.output().strip() + "): install iproute2");
        } catch (IOException e) {
            throw new Unavailable("the fault suite needs iproute2's 'ip' command to build network namespaces, and it"
                    + " is not installed: apt-get install iproute2 (" + e.getMessage() + ")");
        }
    }

    private static long uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return Long.parseLong(line.split("\\s+")[1]);
            }
        } catch (IOException | RuntimeException e) {
            // fall through: unknown counts as not root
        }
        return -1;
    }

    void create() throws Unavailable, IOException {
        removeLeftovers();
        try {
            ip("link", "add", BRIDGE, "type", "bridge");
        } catch (IOException e) {
            throw new Unavailable("cannot create the bridge " + BRIDGE + ": " + e.getMessage());
        }
        disableIpv6("", BRIDGE);
        ip("addr", "add", GATEWAY + "/24", "dev", BRIDGE);
        ip("link", "set", BRIDGE, "up");
        for (int i = 0; i < nodes; i++) {
            String ns = namespace(i);
            try {
                ip("netns", "add", ns);
            } catch (IOException e) {
                throw new Unavailable("cannot create network namespace " + ns + ": " + e.getMessage());
            }
            // every interface created in the namespace from now on: IPv4 only, no IPv6 chatter
            nsShell(ns, "echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6"
                    + "; echo '40000 60999' > /proc/sys/net/ipv4/ip_local_port_range", true);
            ip("-n", ns, "link", "set", "lo", "up");

            // node <-> node: a veth on the bridge
            ip("link", "add", bridgePort(i), "type", "veth", "peer", "name", bridgePortInside(i), "netns", ns);
            disableIpv6("", bridgePort(i));
            ip("link", "set", bridgePort(i), "master", BRIDGE);
            ip("link", "set", bridgePort(i), "up");
            ip("-n", ns, "addr", "add", address(i) + "/24", "dev", bridgePortInside(i));
            ip("-n", ns, "link", "set", bridgePortInside(i), "up");

            // test client <-> node: a link of its own, /32 routes both ways, static neighbours (no ARP tricks)
            ip("link", "add", clientLink(i), "type", "veth", "peer", "name", clientLinkInside(i), "netns", ns);
            disableIpv6("", clientLink(i));
            ip("link", "set", clientLink(i), "up");
            ip("-n", ns, "link", "set", clientLinkInside(i), "up");
            String outsideMac = Files.readString(Path.of("/sys/class/net/" + clientLink(i) + "/address")).strip();
            String insideMac = mac(ns, clientLinkInside(i));
            ip("route", "add", address(i) + "/32", "dev", clientLink(i), "src", GATEWAY);
            ip("neigh", "replace", address(i), "lladdr", insideMac, "dev", clientLink(i), "nud", "permanent");
            ip("-n", ns, "route", "add", GATEWAY + "/32", "dev", clientLinkInside(i), "src", address(i));
            ip("-n", ns, "neigh", "replace", GATEWAY, "lladdr", outsideMac, "dev", clientLinkInside(i), "nud", "permanent");
        }
    }

    private static String mac(String ns, String dev) throws IOException {
        String out = exec(List.of("ip", "-n", ns, "-o", "link", "show", dev)).output();
        int at = out.indexOf("link/ether ");
        if (at < 0) throw new IOException("no MAC address for " + dev + " in " + ns + ": " + out);
        return out.substring(at + "link/ether ".length()).split("\\s+")[0];
    }

    private static void disableIpv6(String ns, String dev) {
        Path p = Path.of("/proc/sys/net/ipv6/conf", dev, "disable_ipv6");
        try {
            if (ns.isEmpty() && Files.exists(p)) Files.writeString(p, "1");
        } catch (IOException e) {
            // IPv6 chatter on our own links is harmless; best effort
        }
    }

    // ---- faults -------------------------------------------------------------------------------

    /** Node i loses its bridge port: cut from every other node (clients still reach it over their link). */
    synchronized void isolate(int i) throws IOException {
        ip("link", "set", bridgePort(i), "down");
        undo.add(List.of("link", "set", bridgePort(i), "up"));
    }

    synchronized void reconnect(int i) throws IOException {
        runUndo(List.of("link", "set", bridgePort(i), "up"));
    }

    /** No packet between nodes i and j, in either direction (blackhole routes in both namespaces). */
    synchronized void cut(int i, int j) throws IOException {
        blackhole(i, j);
        blackhole(j, i);
    }

    private void blackhole(int from, int to) throws IOException {
        ip("-n", namespace(from), "route", "add", "blackhole", address(to) + "/32");
        undo.add(List.of("-n", namespace(from), "route", "del", "blackhole", address(to) + "/32"));
    }

    synchronized void uncut(int i, int j) throws IOException {
        runUndo(List.of("-n", namespace(i), "route", "del", "blackhole", address(j) + "/32"));
        runUndo(List.of("-n", namespace(j), "route", "del", "blackhole", address(i) + "/32"));
    }

    /**
     * Node i cannot reach node j's ZooKeeper ports nor answer j on its own (TCP ports {@code low..high}),
     * while PostgreSQL between them still flows: blackhole policy rules in i's namespace, both directions
     * of every ZooKeeper connection covered. Ephemeral ports start at 40000 in every namespace, so no
     * other connection matches.
     */
    synchronized void cutPorts(int i, int j, int low, int high, int pref) throws IOException {
        String ns = namespace(i);
        String to = address(j) + "/32";
        String range = low + "-" + high;
        ip("-n", ns, "rule", "add", "pref", Integer.toString(pref), "to", to, "ipproto", "tcp", "dport", range, "blackhole");
        undo.add(List.of("-n", ns, "rule", "del", "pref", Integer.toString(pref)));
        ip("-n", ns, "rule", "add", "pref", Integer.toString(pref + 1), "to", to, "ipproto", "tcp", "sport", range, "blackhole");
        undo.add(List.of("-n", ns, "rule", "del", "pref", Integer.toString(pref + 1)));
    }

    synchronized void uncutPorts(int i, int pref) throws IOException {
        runUndo(List.of("-n", namespace(i), "rule", "del", "pref", Integer.toString(pref)));
        runUndo(List.of("-n", namespace(i), "rule", "del", "pref", Integer.toString(pref + 1)));
    }

    private void runUndo(List<String> args) throws IOException {
        if (undo.remove(args)) ip(args.toArray(String[]::new));
    }

    /** Undoes every fault in force; the first failure is rethrown after trying them all. */
    synchronized void healAll() throws IOException {
        IOException first = null;
        for (List<String> args : new ArrayList<>(undo)) {
            try {
                runUndo(args);
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    synchronized boolean healed() {
        return undo.isEmpty();
    }

    /**
     * Whether a TCP connection from node from's namespace to address:port gets an answer within a second:
     * accepted or refused both mean packets flow; a timeout or an unreachable route mean they do not.
     */
    static boolean reachable(int from, String address, int port) {
        try {
            Result r = exec(List.of("ip", "netns", "exec", namespace(from), "timeout", "1", "bash", "-c",
                    "exec 3<>/dev/tcp/" + address + "/" + port));
            return r.exit() == 0 || r.output().contains("Connection refused");
        } catch (IOException e) {
            return false;
        }
    }

    // ---- cleanup ------------------------------------------------------------------------------

    /**
     * Removes every pghaf-* namespace, link and the bridge. A process still inside one of our namespaces
     * can only be one this suite started (an agent or PostgreSQL of an interrupted run): it is killed by
     * PID first, since a deleted namespace's name goes but its processes would live on.
     */
    static List<Long> removeLeftovers() throws IOException {
        List<Long> killed = new ArrayList<>();
        for (String line : exec(List.of("ip", "netns", "list")).output().lines().toList()) {
            String ns = line.split("\\s+")[0];
            if (!ns.startsWith(PREFIX)) continue;
            for (String pid : exec(List.of("ip", "netns", "pids", ns)).output().lines().map(String::strip).toList()) {
                if (pid.isEmpty()) continue;
                long p = Long.parseLong(pid);
                ProcessHandle.of(p).ifPresent(h -> {
                    signal(p, "CONT");
                    h.destroyForcibly();
                    killed.add(p);
                });
            }
            exec(List.of("ip", "netns", "delete", ns));
        }
        for (String line : exec(List.of("ip", "-o", "link", "show")).output().lines().toList()) {
            String[] parts = line.split(":\\s+", 3);
            if (parts.length < 2) continue;
            String name = parts[1].split("@")[0].strip();
            if (name.startsWith(PREFIX) && !name.equals(BRIDGE)) exec(List.of("ip", "link", "delete", name));
        }
        if (exec(List.of("ip", "link", "show", BRIDGE)).exit() == 0) exec(List.of("ip", "link", "delete", BRIDGE));
        return killed;
    }

    /** What is left with our prefix (namespaces and links), for the test's own hygiene check. */
    static List<String> leftovers() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : exec(List.of("ip", "netns", "list")).output().lines().toList()) {
            String ns = line.split("\\s+")[0];
            if (ns.startsWith(PREFIX)) out.add("namespace " + ns);
        }
        for (String line : exec(List.of("ip", "-o", "link", "show")).output().lines().toList()) {
            String[] parts = line.split(":\\s+", 3);
            if (parts.length >= 2 && parts[1].startsWith(PREFIX)) out.add("link " + parts[1].split("@")[0]);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            undo.clear();
        }
        removeLeftovers();
    }

    /** kill -SIG pid, for SIGSTOP/SIGCONT, which the JDK cannot send (the shell's builtin: no procps needed). */
    static boolean signal(long pid, String sig) {
        if (!sig.matches("[A-Z]+")) throw new IllegalArgumentException(sig);
        try {
            io.pgha.demo.LocalCluster.signal(pid, sig);
            return true;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---- commands -----------------------------------------------------------------------------

    record Result(int exit, String output) {}

    private static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        Result r = exec(cmd);
        if (r.exit() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + r.output().strip());
    }

    private static void nsShell(String ns, String script, boolean bestEffort) throws IOException {
        Result r = exec(List.of("ip", "netns", "exec", ns, "sh", "-c", script));
        if (r.exit() != 0 && !bestEffort) throw new IOException("in " + ns + ": " + script + " failed: " + r.output().strip());
    }

    static Result exec(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish within 20 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", cmd) + " interrupted", e);
        }
    }
}
