package io.pgha.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Inserts ids into table {@code acked} as fast as the cluster takes them, reconnecting through faults,
 * and logs every id whose commit was acknowledged: the evidence a no-loss check compares against.
 */
public final class AckedWriter implements AutoCloseable {
    private final ConcurrentLinkedQueue<Integer> acked = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> ackedAtMillis = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;

    public AckedWriter(String jdbcUrl, Properties props, int firstId) {
        AtomicInteger next = new AtomicInteger(firstId);
        thread = Thread.ofPlatform().name("acked-writer").start(() -> {
            Connection c = null;
            while (!stop.get()) {
                try {
                    if (c == null) c = DriverManager.getConnection(jdbcUrl, props);
                    int id = next.incrementAndGet();
                    try (var ps = c.prepareStatement("INSERT INTO acked VALUES (?)")) {
                        ps.setInt(1, id);
                        ps.executeUpdate();
                    }
                    acked.add(id);
                    lastAckMillis = System.currentTimeMillis();
                    ackedAtMillis.add(lastAckMillis);
                } catch (Exception e) {
                    try {
                        if (c != null) c.close();
                    } catch (Exception ignored) {
                        // the connection is gone either way
                    }
                    c = null;
                    pause(10);
                }
            }
        });
    }

    private volatile long lastAckMillis;

    /** Between failed attempts, so a node that refuses connections is not hammered in a tight loop. */
    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Wall-clock time of the latest acknowledged commit; 0 when none. */
    public long lastAcknowledgedAtMillis() {
        return lastAckMillis;
    }

    /** The longest time between {@code fromMillis} and {@code toMillis} with no commit acknowledged, its ends included. */
    public long longestGapMillis(long fromMillis, long toMillis) {
        long previous = fromMillis;
        long longest = 0;
        for (long at : ackedAtMillis) {
            if (at < fromMillis || at > toMillis) continue;
            longest = Math.max(longest, at - previous);
            previous = at;
        }
        return Math.max(longest, toMillis - previous);
    }

    public int count() {
        return acked.size();
    }

    public List<Integer> acknowledged() {
        return List.copyOf(acked);
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(30_000);
    }
}
