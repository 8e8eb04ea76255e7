package io.pgha.backup;

import io.pgha.admin.BackupActions;
import io.pgha.admin.BackupCheckReport;
import io.pgha.admin.BackupHealth;
import io.pgha.admin.BackupJobStatus;
import io.pgha.admin.Outcome;
import io.pgha.dcs.Member;
import io.pgha.ha.NodeState;
import io.pgha.postgres.ArchiverReader;
import io.pgha.postgres.BackRest;
import io.pgha.postgres.BackupInventory;
import io.pgha.postgres.OsCommand;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's backup duties, off the HA loop. While this node is the primary holding the lease: the pgBackRest
 * stanza exists and matches the database (created at the first look, checked again after every promotion), base
 * backups run on request or by {@code backup.schedule} (one at a time), and archiving and backup health is read
 * for {@code /metrics} and {@code pgha list}.
 */
public final class BackupService implements BackupActions, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackupService.class);
    static final Duration LOOK_EVERY = Duration.ofSeconds(2);
    static final Duration RETRY_STANZA_EVERY = Duration.ofSeconds(30);
    static final Set<String> TYPES = Set.of("full", "diff", "incr");

    private final BackRest backRest;
    private final Supplier<NodeState> state;
    private final BackupSchedule schedule;
    private final ArchiverReader archiver;
    private final BackupHealthReader healthReader;
    private volatile boolean running = true;
    private Thread thread;
    private volatile boolean stanzaReady;
    private long stanzaTriedAtNanos;
    private String lastStanzaProblem;
    private volatile BackupJob job;
    private volatile BackupHealth health = BackupHealth.UNKNOWN;
    private Instant lastScheduledSlot;

    public BackupService(BackRest backRest, ArchiverReader archiver, Supplier<NodeState> state) {
        this.backRest = backRest;
        this.state = state;
        this.archiver = archiver;
        String cron = backRest.settings().schedule();
        this.schedule = cron == null ? null : new BackupSchedule(cron);
        this.healthReader = new BackupHealthReader(backRest, archiver, schedule);
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
        if (!primary(state.get())) {
            stanzaReady = false;
            healthReader.forget();
            health = new BackupHealth(null, null, false, null, null, jobRunning(), java.util.List.of());
            return;
        }
        if (!stanzaReady && System.nanoTime() - stanzaTriedAtNanos >= (stanzaTriedAtNanos == 0 ? 0 : RETRY_STANZA_EVERY.toNanos()))
            ensureStanza();
        healthReader.refresh(false);
        health = healthReader.health(jobRunning(), Instant.now());
        if (schedule != null && stanzaReady && !jobRunning() && healthReader.inventoryKnown()) {
            Optional<ZonedDateTime> due = schedule.due(ZonedDateTime.now(), healthReader.newestBackupStart(), lastScheduledSlot);
            if (due.isPresent()) {
                lastScheduledSlot = due.get().toInstant();
                log.info("backup.schedule: slot {} is due", due.get());
                begin("full", "schedule");
            }
        }
    }

    private static boolean primary(NodeState s) {
        return s != null && s.holdsLease() && s.pg() != null && s.pg().running() && s.pg().accepting() && !s.pg().inRecovery();
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
    public Outcome start(String type) {
        String t = type == null ? "full" : type;
        if (!TYPES.contains(t)) return Outcome.invalid("backup type '" + t + "' must be full, diff or incr");
        NodeState s = state.get();
        if (!primary(s)) return Outcome.refused(notPrimary(s));
        if (!stanzaReady)
            return Outcome.refused("the pgBackRest stanza is not ready on " + s.name() + " yet"
                    + (lastStanzaProblem == null ? "; try again in a few seconds" : ": " + lastStanzaProblem));
        return begin(t, "request");
    }

    private synchronized Outcome begin(String type, String trigger) {
        BackupJob current = job;
        if (current != null && current.running())
            return Outcome.refused("a " + current.status().type() + " backup is already running on " + current.status().node()
                    + " since " + current.startedAt() + ": one at a time (GET /backup shows its progress)");
        BackupJob next = new BackupJob(backRest, state.get().name(), type, trigger);
        job = next;
        Thread.ofPlatform().daemon().name("backup-job").start(() -> {
            next.run();
            healthReader.refresh(true);
        });
        return Outcome.accepted(type + " backup started on " + next.status().node() + " (" + BackupJob.SOURCE + ")");
    }

    static String notPrimary(NodeState s) {
        String me = s == null ? "this node" : s.name();
        if (s == null || s.view() == null || s.view().leader() == null)
            return me + " is not the primary and no primary holds the lease now: try again once one does";
        Member leader = s.view().members().get(s.view().leader().holder());
        String where = leader == null ? s.view().leader().holder() : leader.name() + " (API " + leader.apiUrl() + ")";
        return me + " is not the primary: backups are taken by the primary's agent, " + where;
    }

    private boolean jobRunning() {
        BackupJob j = job;
        return j != null && j.running();
    }

    @Override
    public BackupJobStatus job() {
        BackupJob j = job;
        return j == null ? null : j.status();
    }

    @Override
    public BackupHealth health() {
        return health;
    }

    @Override
    public BackupInventory inventory() throws IOException {
        OsCommand.Result r = backRest.info();
        if (!r.ok()) throw new IOException("pgbackrest info failed: " + r.output());
        return BackupInventory.parse(r.output());
    }

    @Override
    public BackupCheckReport check() throws IOException {
        NodeState s = state.get();
        if (!primary(s)) throw new IOException(notPrimary(s));
        return new BackupCheck(backRest).run();
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) thread.interrupt();
        archiver.close();
    }
}
