package io.pgha.backup;

import io.pgha.ha.NodeState;
import io.pgha.postgres.OsCommand;
import io.pgha.postgres.BackRest;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's backup duties, off the HA loop: while this node is the primary holding the lease, the pgBackRest
 * stanza exists and matches the database (created at the first look, checked again after every promotion).
 */
public final class BackupService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackupService.class);
    static final Duration LOOK_EVERY = Duration.ofSeconds(2);
    static final Duration RETRY_STANZA_EVERY = Duration.ofSeconds(30);

    private final BackRest backRest;
    private final Supplier<NodeState> state;
    private volatile boolean running = true;
    private Thread thread;
    private boolean stanzaReady;
    private long stanzaTriedAtNanos;
    private String lastStanzaProblem;

    public BackupService(BackRest backRest, Supplier<NodeState> state) {
        this.backRest = backRest;
        this.state = state;
    }

    public void start() {
        thread = Thread.ofPlatform().daemon().name("backup").start(this::run);
    }

    private void run() {
        while (running) {
            try {
                lookOnce();
            } catch (RuntimeException e) {
                log.warn("backup duties: {}", e.toString());
            }
            try {
                Thread.sleep(LOOK_EVERY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void lookOnce() {
        NodeState s = state.get();
        boolean primary = s != null && s.holdsLease() && s.pg() != null && s.pg().running() && s.pg().accepting()
                && !s.pg().inRecovery();
        if (!primary) {
            stanzaReady = false;
            return;
        }
        if (!stanzaReady && System.nanoTime() - stanzaTriedAtNanos >= (stanzaTriedAtNanos == 0 ? 0 : RETRY_STANZA_EVERY.toNanos()))
            ensureStanza();
    }

    /** True once the stanza is there and matches this database; false (said once per distinct cause) otherwise. */
    public boolean stanzaReady() {
        return stanzaReady;
    }

    private void ensureStanza() {
        stanzaTriedAtNanos = System.nanoTime();
        try {
            OsCommand.Result r = backRest.stanzaCreate();
            if (r.ok()) {
                stanzaReady = true;
                lastStanzaProblem = null;
                log.info("pgBackRest stanza {} ready in {}: WAL is archived", backRest.settings().stanza(),
                        backRest.settings().repoPath());
                return;
            }
            problem(r.output());
        } catch (IOException e) {
            problem(e.getMessage());
        }
    }

    private void problem(String why) {
        if (!why.equals(lastStanzaProblem))
            log.error("WAL ARCHIVING IS NOT WORKING: pgBackRest stanza-create failed (trying again every {} s): {}",
                    RETRY_STANZA_EVERY.toSeconds(), why);
        lastStanzaProblem = why;
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) thread.interrupt();
    }
}
