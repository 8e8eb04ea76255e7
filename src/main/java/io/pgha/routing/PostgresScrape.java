package io.pgha.routing;

import io.pgha.postgres.PgMetrics;
import io.pgha.postgres.PostgresException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL's metrics for a {@code /metrics} request: one query batch at a time, shared by concurrent scrapes, and
 * waited for at most {@link #WAIT_MILLIS}; past that, or when it fails, the last good reading is served (marked not
 * fresh), so a slow PostgreSQL delays a scrape by a bounded time and never touches the health endpoints.
 */
public final class PostgresScrape implements AutoCloseable {
    static final long WAIT_MILLIS = 1000;
    /** A reading older than this is no longer served: stale figures would read as current. */
    static final long KEEP_MILLIS = 60_000;

    private static final Logger log = LoggerFactory.getLogger(PostgresScrape.class);

    /** The query batch; called on one thread at a time. */
    public interface Reader {
        PgMetrics read() throws PostgresException;
    }

    /**
     * What a scrape serves.
     *
     * @param metrics     the newest good reading, null when none is young enough
     * @param ok          this scrape got a fresh reading
     * @param seconds     how long the newest finished query batch took
     * @param ageSeconds  how old {@code metrics} is
     */
    record Served(PgMetrics metrics, boolean ok, double seconds, double ageSeconds, long failures) {}

    public static final PostgresScrape NONE = new PostgresScrape(null, () -> {});

    private final Reader reader;
    private final Runnable onClose;
    private CompletableFuture<Void> inFlight;
    private volatile PgMetrics last;
    private volatile long lastAtNanos;
    private volatile double lastSeconds;
    private volatile long failures;
    private volatile String lastError;

    /** @param onClose closes the reader's connection */
    public PostgresScrape(Reader reader, Runnable onClose) {
        this.reader = reader;
        this.onClose = onClose;
    }

    /** Null when no reader is configured. */
    Served serve() {
        if (reader == null) return null;
        CompletableFuture<Void> f = refresh();
        boolean ok;
        try {
            f.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
            ok = lastError == null;
        } catch (TimeoutException | ExecutionException e) {
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        long age = lastAtNanos == 0 ? Long.MAX_VALUE : System.nanoTime() - lastAtNanos;
        PgMetrics m = age < KEEP_MILLIS * 1_000_000 ? last : null;
        return new Served(m, ok, lastSeconds, m == null ? 0 : age / 1e9, failures);
    }

    private synchronized CompletableFuture<Void> refresh() {
        if (inFlight == null || inFlight.isDone())
            inFlight = CompletableFuture.runAsync(this::readOnce, r -> Thread.ofVirtual().name("pg-metrics").start(r));
        return inFlight;
    }

    private void readOnce() {
        long t0 = System.nanoTime();
        try {
            PgMetrics m;
            synchronized (reader) {
                m = reader.read();
            }
            lastSeconds = (System.nanoTime() - t0) / 1e9;
            last = m;
            lastAtNanos = System.nanoTime();
            if (lastError != null) log.info("PostgreSQL metrics readable again");
            lastError = null;
        } catch (PostgresException | RuntimeException e) {
            lastSeconds = (System.nanoTime() - t0) / 1e9;
            failures++;
            if (!String.valueOf(e.getMessage()).equals(lastError)) log.debug("{}", e.getMessage());
            lastError = String.valueOf(e.getMessage());
        }
    }

    @Override
    public void close() {
        if (reader == null) return;
        synchronized (reader) {
            onClose.run();
        }
    }
}
