package io.pgha.routing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
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
 * The one thread of a {@link TcpProxy}: it owns the listening socket, the selector and every connection pair,
 * accepts clients, dispatches ready channels to their pairs, times connects out, and runs requests from other
 * threads between two selects.
 */
final class ProxyEventLoop {
    private static final long ACCEPT_RETRY_MILLIS = 100;
    private static final long CONNECTING_SELECT_MILLIS = 100;
    private static final long CALL_TIMEOUT_SECONDS = 10;
    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    private final String name;
    private final ServerSocketChannel listener;
    private final Selector selector;
    private final Supplier<List<InetSocketAddress>> targets;
    private final Set<ConnectionPair> pairs = ConcurrentHashMap.newKeySet();
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger nextTarget = new AtomicInteger();
    private volatile Thread thread;
    private volatile boolean closed;
    private long acceptPausedUntil;
    /** Pairs waiting for a server to accept: only then does the loop wake up to time connects out. */
    private int connecting;

    /** Takes over {@code listener} (non-blocking, bound): the loop closes it when it ends. */
    ProxyEventLoop(String name, ServerSocketChannel listener, Supplier<List<InetSocketAddress>> targets)
            throws IOException {
        this.name = name;
        this.listener = listener;
        this.targets = targets;
        this.selector = Selector.open();
        listener.register(selector, SelectionKey.OP_ACCEPT);
    }

    void start() {
        thread = Thread.ofPlatform().daemon().name("pgha-proxy-" + name + "-loop").start(this::run);
    }

    /** Stops the loop, which closes every connection and the listener; waits for it to end. */
    void close() {
        closed = true;
        Thread running = thread;
        if (running == null) return;
        selector.wakeup();
        try {
            running.join(TimeUnit.SECONDS.toMillis(CALL_TIMEOUT_SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int connectionCount() {
        return pairs.size();
    }

    /** Closes every pair whose target is no longer in the allowed list; returns once they are closed. */
    void retarget() {
        onLoop(() -> {
            Set<InetSocketAddress> allowed = new HashSet<>(targets.get());
            int cut = 0;
            for (ConnectionPair pair : List.copyOf(pairs)) {
                InetSocketAddress target = pair.target();
                if (target != null && !allowed.contains(target)) {
                    pair.close();
                    cut++;
                }
            }
            if (cut > 0) log.info("proxy {}: closed {} connection(s) to servers no longer allowed", name, cut);
        });
    }

    /** Runs {@code task} on the event loop (which owns every channel) and waits for it. */
    private void onLoop(Runnable task) {
        Thread running = thread;
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
                runTasks();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (!key.isValid()) continue;
                    if (key.channel() == listener) {
                        acceptAll();
                    } else {
                        dispatch(key);
                    }
                }
                expireConnects();
                resumeAccepting();
            }
        } catch (IOException | RuntimeException e) {
            log.error("proxy {}: event loop failed; closing every connection", name, e);
        } finally {
            for (ConnectionPair pair : List.copyOf(pairs)) pair.close();
            runTasks();
            try (listener; selector) {
                // closing both is all that is left to do
            } catch (IOException ignored) {
                // nothing is left to release
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) task.run();
    }

    private void dispatch(SelectionKey key) {
        ConnectionEnd end = (ConnectionEnd) key.attachment();
        try {
            end.ready(key);
        } catch (RuntimeException e) {
            log.warn("proxy {}: dropping a client connection: {}", name, e.toString());
            end.pair.close();
        }
    }

    private long selectTimeoutMillis() {
        if (connecting > 0) return CONNECTING_SELECT_MILLIS;
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
            ConnectionPair pair = new ConnectionPair(this, client);
            pairs.add(pair);
            pair.open();
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
        for (ConnectionPair pair : List.copyOf(pairs)) pair.expireConnect(now);
    }

    // what the pairs need from the loop that owns them

    String name() {
        return name;
    }

    Selector selector() {
        return selector;
    }

    List<InetSocketAddress> targets() {
        return targets.get();
    }

    /** Round-robin position for the next client's first candidate. */
    int nextTargetIndex() {
        return nextTarget.getAndIncrement();
    }

    /** A pair started (+1) or stopped (-1) waiting for a server to accept. */
    void connectingChanged(int delta) {
        connecting += delta;
    }

    void removed(ConnectionPair pair) {
        pairs.remove(pair);
    }
}
