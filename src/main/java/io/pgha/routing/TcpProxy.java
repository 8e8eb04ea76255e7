package io.pgha.routing;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards each new client connection to one of the currently allowed PostgreSQL servers (round-robin when
 * there are several) and moves the bytes both ways on one event-loop thread: a message costs one read and one
 * write, with no thread hand-off between them (a thread per direction cost a poll and two context switches per
 * message, and half of pgbench -S throughput). The agent calls {@link #retarget()} when the lease moves, which
 * cuts every connection to a server no longer allowed.
 */
public final class TcpProxy implements AutoCloseable {
    static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final int BUFFER_SIZE = 32 * 1024;
    private static final int ACCEPT_BACKLOG = 512;
    private static final long ACCEPT_RETRY_MILLIS = 100;
    private static final long CALL_TIMEOUT_SECONDS = 10;
    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    private final String name;
    private final String listenHost;
    private final int listenPort;
    private final Supplier<List<InetSocketAddress>> targets;
    private final Set<Pipe> pipes = ConcurrentHashMap.newKeySet();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger nextTarget = new AtomicInteger();
    private volatile ServerSocketChannel listener;
    private volatile Selector selector;
    private volatile Thread loop;
    private volatile boolean closed;
    private volatile int boundPort;
    private long acceptPausedUntil;
    /** Pipes waiting for a server to accept: only then does the loop wake up to time connects out. */
    private int connecting;

    public TcpProxy(String name, String listenHost, int listenPort, Supplier<List<InetSocketAddress>> targets) {
        this.name = name;
        this.listenHost = listenHost;
        this.listenPort = listenPort;
        this.targets = targets;
    }

    public synchronized void start() throws IOException {
        if (listener != null || closed) {
            throw new IllegalStateException("proxy " + name + " was already started");
        }
        ServerSocketChannel socket = ServerSocketChannel.open();
        try {
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            socket.bind(new InetSocketAddress(listenHost, listenPort), ACCEPT_BACKLOG);
            socket.configureBlocking(false);
        } catch (BindException e) {
            socket.close();
            String why = String.valueOf(e.getMessage()).contains("in use") ? "the port is already in use" : e.getMessage();
            throw new IOException("proxy " + name + " cannot listen on " + listenHost + ":" + listenPort + ": " + why, e);
        } catch (IOException e) {
            socket.close();
            throw new IOException("proxy " + name + " cannot listen on " + listenHost + ":" + listenPort + ": " + e.getMessage(), e);
        }
        Selector events = Selector.open();
        socket.register(events, SelectionKey.OP_ACCEPT);
        listener = socket;
        selector = events;
        boundPort = ((InetSocketAddress) socket.getLocalAddress()).getPort();
        loop = Thread.ofPlatform().daemon().name("pgha-proxy-" + name + "-loop").start(this::run);
        log.info("proxy {} listening on {}:{}", name, listenHost, port());
    }

    /** The bound port once started (useful when constructed with port 0), else the configured one. */
    public int port() {
        return boundPort != 0 ? boundPort : listenPort;
    }

    /** Client connections accepted and not yet closed, including those still connecting to a target. */
    public int activeConnections() {
        return pipes.size();
    }

    /** Closes every connection whose target is no longer in the allowed list; returns once they are closed. */
    public void retarget() {
        onLoop(() -> {
            Set<InetSocketAddress> allowed = new HashSet<>(targets.get());
            int cut = 0;
            for (Pipe pipe : List.copyOf(pipes)) {
                if (pipe.target != null && !allowed.contains(pipe.target)) {
                    pipe.close();
                    cut++;
                }
            }
            if (cut > 0) log.info("proxy {}: closed {} connection(s) to servers no longer allowed", name, cut);
        });
    }

    @Override
    public void close() {
        boolean wasOpen = !closed;
        closed = true;
        Thread running = loop;
        if (running != null) {
            selector.wakeup();
            try {
                running.join(TimeUnit.SECONDS.toMillis(CALL_TIMEOUT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (wasOpen && listener != null) log.info("proxy {} closed", name);
    }

    /** Runs {@code task} on the event loop (which owns every channel) and waits for it. */
    private void onLoop(Runnable task) {
        Thread running = loop;
        if (running == null || !running.isAlive() || Thread.currentThread() == running) {
            task.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        tasks.add(() -> {
            try {
                task.run();
            } finally {
                done.complete(null);
            }
        });
        selector.wakeup();
        try {
            done.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("proxy {}: the event loop did not run a request: {}", name, e.toString());
        }
    }

    private void run() {
        try {
            while (!closed) {
                selector.select(selectTimeoutMillis());
                Runnable task;
                while ((task = tasks.poll()) != null) task.run();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) continue;
                    if (key.channel() == listener) {
                        acceptAll();
                    } else {
                        End end = (End) key.attachment();
                        try {
                            end.ready(key);
                        } catch (RuntimeException e) {
                            log.warn("proxy {}: dropping a client connection: {}", name, e.toString());
                            end.pipe.close();
                        }
                    }
                }
                expireConnects();
                resumeAccepting();
            }
        } catch (IOException | RuntimeException e) {
            log.error("proxy {}: event loop failed; closing every connection", name, e);
        } finally {
            for (Pipe pipe : List.copyOf(pipes)) pipe.close();
            Runnable task;
            while ((task = tasks.poll()) != null) task.run();
            closeQuietly(listener);
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing is left to release
            }
        }
    }

    private long selectTimeoutMillis() {
        if (connecting > 0) return 100;
        return acceptPausedUntil != 0 ? ACCEPT_RETRY_MILLIS : 0;
    }

    private void acceptAll() {
        while (true) {
            SocketChannel client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                // e.g. out of file descriptors: stop accepting for a moment instead of spinning, keep serving
                log.warn("proxy {}: accept failed: {}", name, e.getMessage());
                listener.keyFor(selector).interestOps(0);
                acceptPausedUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ACCEPT_RETRY_MILLIS);
                return;
            }
            if (client == null) return;
            Pipe pipe = new Pipe(client);
            pipes.add(pipe);
            try {
                configure(client);
                pipe.connectNext();
            } catch (IOException e) {
                log.warn("proxy {}: dropping a client connection: {}", name, e.toString());
                pipe.close();
            }
        }
    }

    private void resumeAccepting() {
        if (acceptPausedUntil != 0 && System.nanoTime() - acceptPausedUntil >= 0) {
            acceptPausedUntil = 0;
            listener.keyFor(selector).interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    private void expireConnects() {
        if (connecting == 0) return;
        long now = System.nanoTime();
        for (Pipe pipe : List.copyOf(pipes)) {
            if (pipe.connectDeadline != 0 && now - pipe.connectDeadline >= 0) {
                log.debug("proxy {}: connecting to {} timed out", name, pipe.target);
                pipe.nextCandidate();
            }
        }
    }

    private static void configure(SocketChannel channel) throws IOException {
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        // a client or server that vanishes without a FIN must not pin a connection forever
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    }

    private static InetSocketAddress resolved(InetSocketAddress address) {
        return address.isUnresolved() ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        if (closeable == null) return;
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }

    /** One side of a pipe: the channel, its key, and the buffer of bytes read from it for the other side. */
    private static final class End {
        final Pipe pipe;
        final SocketChannel channel;
        final ByteBuffer inbound = ByteBuffer.allocate(BUFFER_SIZE);
        SelectionKey key;
        boolean eof;
        boolean outputShut;
        End other;

        End(Pipe pipe, SocketChannel channel) {
            this.pipe = pipe;
            this.channel = channel;
        }

        void ready(SelectionKey k) {
            try {
                if (k.isConnectable()) {
                    pipe.finishConnect();
                    return;
                }
                if (k.isReadable()) read();
                if (k.isValid() && k.isWritable()) other.flushTo();
                if (!pipe.closed) pipe.update();
            } catch (IOException e) {
                pipe.close();
            }
        }

        /** Reads what this side sent and passes it on at once. */
        void read() throws IOException {
            int n = channel.read(inbound);
            if (n < 0) eof = true;
            flushTo();
        }

        /** Writes what this side sent to the other side, and passes an end of stream on once all is written. */
        void flushTo() throws IOException {
            if (inbound.position() > 0) {
                inbound.flip();
                other.channel.write(inbound);
                inbound.compact();
            }
            if (eof && inbound.position() == 0 && !other.outputShut) {
                other.channel.shutdownOutput();
                other.outputShut = true;
            }
        }

        int interest() {
            int ops = 0;
            if (!eof && inbound.hasRemaining()) ops |= SelectionKey.OP_READ;
            if (other.inbound.position() > 0) ops |= SelectionKey.OP_WRITE;
            return ops;
        }
    }

    /** A client connection and its server connection. */
    private final class Pipe {
        final End client;
        End server;
        volatile InetSocketAddress target;
        private long connectDeadline;
        boolean closed;

        void connectBy(long deadline) {
            if ((connectDeadline == 0) != (deadline == 0)) connecting += deadline == 0 ? -1 : 1;
            connectDeadline = deadline;
        }
        private final ArrayDeque<InetSocketAddress> candidates = new ArrayDeque<>();

        Pipe(SocketChannel client) {
            this.client = new End(this, client);
        }

        void connectNext() {
            List<InetSocketAddress> allowed = targets.get();
            if (allowed.isEmpty()) {
                log.debug("proxy {}: no target, closing the client", name);
                close();
                return;
            }
            int start = Math.floorMod(nextTarget.getAndIncrement(), allowed.size());
            for (int i = 0; i < allowed.size(); i++) candidates.add(allowed.get((start + i) % allowed.size()));
            nextCandidate();
        }

        /** Starts connecting to the next candidate; closes the client when none is left. */
        void nextCandidate() {
            connectBy(0);
            if (server != null) {
                closeQuietly(server.channel);
                server = null;
            }
            while (!candidates.isEmpty()) {
                InetSocketAddress candidate = candidates.poll();
                target = candidate;
                try {
                    SocketChannel channel = SocketChannel.open();
                    server = new End(this, channel);
                    configure(channel);
                    if (channel.connect(resolved(candidate))) {
                        connected();
                    } else {
                        server.key = channel.register(selector, SelectionKey.OP_CONNECT, server);
                        connectBy(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MILLIS));
                    }
                    return;
                } catch (IOException e) {
                    log.debug("proxy {}: cannot connect to {}: {}", name, candidate, e.getMessage());
                    if (server != null) closeQuietly(server.channel);
                    server = null;
                }
            }
            log.debug("proxy {}: no target reachable", name);
            close();
        }

        void finishConnect() {
            try {
                if (!server.channel.finishConnect()) return;
            } catch (IOException e) {
                log.debug("proxy {}: cannot connect to {}: {}", name, target, e.getMessage());
                nextCandidate();
                return;
            }
            connectBy(0);
            try {
                connected();
            } catch (IOException e) {
                close();
            }
        }

        private void connected() throws IOException {
            connectBy(0);
            candidates.clear();
            // the lease may have moved while connecting, after retarget() looked at this connection
            if (!targets.get().contains(target)) {
                close();
                return;
            }
            client.other = server;
            server.other = client;
            if (server.key == null) server.key = server.channel.register(selector, 0, server);
            client.key = client.channel.register(selector, 0, client);
            update();
        }

        /** Interest follows buffer state; both directions ended means the pipe is done. */
        void update() {
            if (client.outputShut && server.outputShut) {
                close();
                return;
            }
            client.key.interestOps(client.interest());
            server.key.interestOps(server.interest());
        }

        void close() {
            if (closed) return;
            closed = true;
            connectBy(0);
            closeQuietly(client.channel);
            if (server != null) closeQuietly(server.channel);
            pipes.remove(this);
        }
    }
}
