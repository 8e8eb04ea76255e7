package io.pgha.routing;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection and its server connection: picks the server (round-robin, then the next candidate when
 * one refuses or times out), and closes both once each direction has ended. Used on the event loop only.
 */
final class ConnectionPair {
    private static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    private final ProxyEventLoop loop;
    private final ConnectionEnd client;
    private final ArrayDeque<InetSocketAddress> candidates = new ArrayDeque<>();
    private ConnectionEnd server;
    private volatile InetSocketAddress target;
    private long connectDeadline;
    private boolean closed;

    ConnectionPair(ProxyEventLoop loop, SocketChannel client) {
        this.loop = loop;
        this.client = new ConnectionEnd(this, client);
    }

    /** The server this pair is connected or connecting to; null before the first attempt. */
    InetSocketAddress target() {
        return target;
    }

    boolean isClosed() {
        return closed;
    }

    /** Configures the accepted client socket and starts connecting to a server. */
    void open() {
        try {
            configure(client.channel);
            connectNext();
        } catch (IOException e) {
            log.warn("proxy {}: dropping a client connection: {}", loop.name(), e.toString());
            close();
        }
    }

    private void connectNext() {
        List<InetSocketAddress> allowed = loop.targets();
        if (allowed.isEmpty()) {
            log.debug("proxy {}: no target, closing the client", loop.name());
            close();
            return;
        }
        int start = Math.floorMod(loop.nextTargetIndex(), allowed.size());
        for (int i = 0; i < allowed.size(); i++) candidates.add(allowed.get((start + i) % allowed.size()));
        nextCandidate();
    }

    /** Moves on to the next candidate when connecting to the current one has outlasted its deadline. */
    void expireConnect(long now) {
        if (connectDeadline != 0 && now - connectDeadline >= 0) {
            log.debug("proxy {}: connecting to {} timed out", loop.name(), target);
            nextCandidate();
        }
    }

    private void connectBy(long deadline) {
        if ((connectDeadline == 0) != (deadline == 0)) loop.connectingChanged(deadline == 0 ? -1 : 1);
        connectDeadline = deadline;
    }

    /** Starts connecting to the next candidate; closes the client when none is left. */
    private void nextCandidate() {
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
                server = new ConnectionEnd(this, channel);
                configure(channel);
                if (channel.connect(resolved(candidate))) {
                    connected();
                } else {
                    server.key = channel.register(loop.selector(), SelectionKey.OP_CONNECT, server);
                    connectBy(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CONNECT_TIMEOUT_MILLIS));
                }
                return;
            } catch (IOException e) {
                log.debug("proxy {}: cannot connect to {}: {}", loop.name(), candidate, e.getMessage());
                if (server != null) closeQuietly(server.channel);
                server = null;
            }
        }
        log.debug("proxy {}: no target reachable", loop.name());
        close();
    }

    void finishConnect() {
        try {
            if (!server.channel.finishConnect()) return;
        } catch (IOException e) {
            log.debug("proxy {}: cannot connect to {}: {}", loop.name(), target, e.getMessage());
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
        if (!loop.targets().contains(target)) {
            close();
            return;
        }
        client.other = server;
        server.other = client;
        if (server.key == null) server.key = server.channel.register(loop.selector(), 0, server);
        client.key = client.channel.register(loop.selector(), 0, client);
        update();
    }

    /** Interest follows buffer state; both directions ended means the pair is done. */
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
        loop.removed(this);
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

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
        }
    }
}
