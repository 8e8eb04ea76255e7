package io.pgha.routing;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
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
    private static final int ACCEPT_BACKLOG = 512;
    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    private final String name;
    private final String listenHost;
    private final int listenPort;
    private final Supplier<List<InetSocketAddress>> targets;
    private volatile ProxyEventLoop loop;
    private volatile boolean closed;
    private volatile int boundPort;

    public TcpProxy(String name, String listenHost, int listenPort, Supplier<List<InetSocketAddress>> targets) {
        this.name = name;
        this.listenHost = listenHost;
        this.listenPort = listenPort;
        this.targets = targets;
    }

    public synchronized void start() throws IOException {
        if (loop != null || closed) {
            throw new IllegalStateException("proxy " + name + " was already started");
        }
        ServerSocketChannel socket = listen();
        ProxyEventLoop events;
        try {
            events = new ProxyEventLoop(name, socket, targets);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        boundPort = ((InetSocketAddress) socket.getLocalAddress()).getPort();
        loop = events;
        events.start();
        log.info("proxy {} listening on {}:{}", name, listenHost, port());
    }

    private ServerSocketChannel listen() throws IOException {
        ServerSocketChannel socket = ServerSocketChannel.open();
        try {
            socket.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            socket.bind(new InetSocketAddress(listenHost, listenPort), ACCEPT_BACKLOG);
            socket.configureBlocking(false);
            return socket;
        } catch (BindException e) {
            socket.close();
            String why = String.valueOf(e.getMessage()).contains("in use") ? "the port is already in use" : e.getMessage();
            throw new IOException("proxy " + name + " cannot listen on " + listenHost + ":" + listenPort + ": " + why, e);
        } catch (IOException e) {
            socket.close();
            throw new IOException("proxy " + name + " cannot listen on " + listenHost + ":" + listenPort + ": " + e.getMessage(), e);
        }
    }

    /** The bound port once started (useful when constructed with port 0), else the configured one. */
    public int port() {
        return boundPort != 0 ? boundPort : listenPort;
    }

    /** Client connections accepted and not yet closed, including those still connecting to a target. */
    public int activeConnections() {
        ProxyEventLoop events = loop;
        return events == null ? 0 : events.connectionCount();
    }

    /** Closes every connection whose target is no longer in the allowed list; returns once they are closed. */
    public void retarget() {
        ProxyEventLoop events = loop;
        if (events != null) events.retarget();
    }

    @Override
    public void close() {
        boolean wasOpen = !closed;
        closed = true;
        ProxyEventLoop events = loop;
        if (events == null) return;
        events.close();
        if (wasOpen) log.info("proxy {} closed", name);
    }
}
