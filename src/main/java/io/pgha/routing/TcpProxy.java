package io.pgha.routing;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards each new client connection to one of the currently allowed PostgreSQL servers (round-robin
 * when there are several) and pipes bytes both ways, one thread per direction. The agent calls
 * {@link #retarget()} when the lease moves, which cuts every connection to a server no longer allowed.
 */
public final class TcpProxy implements AutoCloseable {
    static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int BUFFER_SIZE = 32 * 1024;
    private static final int ACCEPT_BACKLOG = 512;
    private static final long ACCEPT_RETRY_MILLIS = 100;
    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    private final String name;
    private final String listenHost;
    private final int listenPort;
    private final Supplier<List<InetSocketAddress>> targets;
    private final ThreadFactory threads;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextTarget = new AtomicInteger();
    private volatile ServerSocket listener;
    private volatile Thread acceptor;
    private volatile boolean closed;

    public TcpProxy(String name, String listenHost, int listenPort, Supplier<List<InetSocketAddress>> targets) {
        this.name = name;
        this.listenHost = listenHost;
        this.listenPort = listenPort;
        this.targets = targets;
        // platform threads: a virtual thread's blocking read goes through the JDK poller, which cost
        // a third of pgbench -S throughput; connections are few (bounded by max_connections)
        this.threads = Thread.ofPlatform().daemon().name("pgha-proxy-" + name + "-", 0).factory();
    }

    public synchronized void start() throws IOException {
        if (listener != null || closed) {
            throw new IllegalStateException("proxy " + name + " was already started");
        }
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(listenHost, listenPort), ACCEPT_BACKLOG);
        } catch (BindException e) {
            socket.close();
            String why = String.valueOf(e.getMessage()).contains("in use") ? "the port is already in use" : e.getMessage();
            throw new IOException("proxy " + name + " cannot listen on " + listenHost + ":" + listenPort + ": " + why, e);
        } catch (IOException e) {
            socket.close();
            throw new IOException("proxy " + name + " cannot listen on " + listenHost + ":" + listenPort + ": " + e.getMessage(), e);
        }
        listener = socket;
        acceptor = Thread.ofPlatform().daemon().name("pgha-proxy-" + name + "-accept").start(() -> acceptLoop(socket));
        log.info("proxy {} listening on {}:{}", name, listenHost, socket.getLocalPort());
    }

    /** The bound port once started (useful when constructed with port 0), else the configured one. */
    public int port() {
        ServerSocket socket = listener;
        return socket == null ? listenPort : socket.getLocalPort();
    }

    /** Client connections accepted and not yet closed, including those still connecting to a target. */
    public int activeConnections() {
        return connections.size();
    }

    /** Closes every connection whose target is no longer in the allowed list. */
    public void retarget() {
        Set<InetSocketAddress> allowed = new HashSet<>(targets.get());
        int cut = 0;
        for (Connection connection : connections) {
            InetSocketAddress target = connection.target;
            if (target != null && !allowed.contains(target)) {
                connection.close();
                cut++;
            }
        }
        if (cut > 0) {
            log.info("proxy {}: closed {} connection(s) to servers no longer allowed", name, cut);
        }
    }

    @Override
    public void close() {
        closed = true;
        ServerSocket socket = listener;
        if (socket != null) closeQuietly(socket);
        Thread accepting = acceptor;
        if (accepting != null) {
            try {
                // once the acceptor is gone no connection can be added after the sweep below
                accepting.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Connection connection : connections) {
            connection.close();
        }
        if (socket != null) log.info("proxy {} closed", name);
    }

    private void acceptLoop(ServerSocket socket) {
        while (true) {
            Socket client;
            try {
                client = socket.accept();
            } catch (IOException e) {
                if (closed || socket.isClosed()) return;
                // e.g. out of file descriptors: back off instead of spinning, keep serving
                log.warn("proxy {}: accept failed: {}", name, e.getMessage());
                try {
                    Thread.sleep(ACCEPT_RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    return;
                }
                continue;
            }
            Connection connection = new Connection(client);
            connections.add(connection);
            if (closed) {
                connection.close();
                return;
            }
            threads.newThread(() -> serve(connection)).start();
        }
    }

    private void serve(Connection connection) {
        try {
            Socket server = connectToTarget(connection);
            if (server == null) {
                connection.close();
                return;
            }
            configure(connection.client);
            configure(server);
            threads.newThread(() -> pump(connection, server, connection.client)).start();
            pump(connection, connection.client, server);
        } catch (IOException | RuntimeException e) {
            log.warn("proxy {}: dropping a client connection: {}", name, e.toString());
            connection.close();
        }
    }

    /** The connected server socket, or null when no allowed target accepted (or the client was cut). */
    private Socket connectToTarget(Connection connection) {
        List<InetSocketAddress> allowed = targets.get();
        if (allowed.isEmpty()) {
            log.debug("proxy {}: no target, closing the client", name);
            return null;
        }
        int start = Math.floorMod(nextTarget.getAndIncrement(), allowed.size());
        for (int i = 0; i < allowed.size(); i++) {
            InetSocketAddress target = allowed.get((start + i) % allowed.size());
            Socket server = new Socket();
            if (!connection.attach(server, target)) return null;
            try {
                server.connect(resolved(target), CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                log.debug("proxy {}: cannot connect to {}: {}", name, target, e.getMessage());
                closeQuietly(server);
                continue;
            }
            // the lease may have moved while connecting, after retarget() looked at this connection
            if (!targets.get().contains(target)) return null;
            return server;
        }
        log.debug("proxy {}: no target reachable among {}", name, allowed);
        return null;
    }

    private void pump(Connection connection, Socket from, Socket to) {
        byte[] buffer = new byte[BUFFER_SIZE];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
            connection.directionEnded();
        } catch (IOException e) {
            connection.close();
        }
    }

    private static void configure(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        // a client or server that vanishes without a FIN must not pin a connection forever
        socket.setKeepAlive(true);
    }

    private static InetSocketAddress resolved(InetSocketAddress address) {
        return address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
    }

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }

    private final class Connection {
        final Socket client;
        volatile Socket server;
        volatile InetSocketAddress target;
        private final AtomicBoolean closed = new AtomicBoolean();
        private final AtomicInteger openDirections = new AtomicInteger(2);

        Connection(Socket client) {
            this.client = client;
        }

        /** Records the socket about to connect to {@code target}; false when already closed. */
        boolean attach(Socket server, InetSocketAddress target) {
            this.target = target;
            this.server = server;
            if (closed.get()) {
                closeQuietly(server);
                return false;
            }
            return true;
        }

        void directionEnded() {
            if (openDirections.decrementAndGet() == 0) close();
        }

        void close() {
            if (!closed.compareAndSet(false, true)) return;
            closeQuietly(client);
            Socket socket = server;
            if (socket != null) closeQuietly(socket);
            connections.remove(this);
        }
    }
}
