package io.pgha.dcs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the local store peer serves clients, asked on its client port with {@code srvr}. A peer whose server
 * stopped (a failed log write on a full disk) stays out of the quorum for good; restarting it brings it back
 * once its disk has room again, at most once per {@link #RESTART_EVERY}.
 */
final class PeerHealth {
    private static final Logger log = LoggerFactory.getLogger(PeerHealth.class);
    static final Duration CHECK_EVERY = Duration.ofSeconds(1);
    /** Longer than any election: a peer that has not served for this long is stuck, not electing. */
    static final Duration NOT_SERVING_LIMIT = Duration.ofSeconds(15);
    static final Duration RESTART_EVERY = Duration.ofSeconds(60);

    private final String host;
    private final int port;
    private final Runnable restart;
    private Instant servingAt = Instant.now();
    private Instant restartedAt = Instant.MIN;

    PeerHealth(String host, int port, Runnable restart) {
        this.host = host;
        this.port = port;
        this.restart = restart;
    }

    void check() {
        Instant now = Instant.now();
        if (serving()) {
            servingAt = now;
            return;
        }
        Duration down = Duration.between(servingAt, now);
        if (down.compareTo(NOT_SERVING_LIMIT) < 0 || restartedAt.plus(RESTART_EVERY).isAfter(now)) return;
        restartedAt = now;
        log.warn("the embedded ZooKeeper peer has served no client for {} s: restarting it", down.toSeconds());
        restart.run();
    }

    /** {@code srvr} names the peer's mode (leader, follower) only while its server runs. */
    boolean serving() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            return answer.contains("Mode: ");
        } catch (IOException e) {
            return false;
        }
    }
}
