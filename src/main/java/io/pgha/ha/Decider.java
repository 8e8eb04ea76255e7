package io.pgha.ha;

import io.pgha.config.HaSettings;
import io.pgha.dcs.ClusterSnapshot;
import io.pgha.dcs.FailoverRequest;
import io.pgha.dcs.Lease;
import io.pgha.dcs.Member;
import io.pgha.dcs.StoreHealth;
import io.pgha.dcs.Switchover;
import io.pgha.postgres.Lsn;
import io.pgha.postgres.ManagedFiles;
import io.pgha.postgres.PgStatus;
import io.pgha.postgres.Upstream;

/**
 * Every HA rule, as a pure function of (this node, the cluster, the settings). Rules are checked in
 * order; the first that applies decides. No I/O here: the table tests in DeciderTest pin each rule.
 */
public final class Decider {
    private Decider() {}

    public static Decision decide(Observation o, ClusterSnapshot c, HaSettings s) {
        PgStatus pg = o.pg();

        // 1. Without the store this node cannot know whether it still holds the lease.
        if (!o.store().connected()) {
            if (mustFence(o.store(), mayAcceptWrites(pg), o.nowNanos(), s))
                return new Decision.Fence("lost the store connection: the lease may expire, so this primary stops taking writes");
            return new Decision.Wait("the store is unreachable; acting on nothing until it answers");
        }
        if (c == null) return new Decision.Wait("no view of the cluster yet");
        // A layout this agent cannot read: whatever it did could undo what the newer agents do. Fencing above still holds.
        if (c.storeFormat().tooNew()) return new Decision.IncompatibleStore(c.storeFormat().refusal());

        Lease lease = c.leader();
        boolean iLead = lease != null && lease.heldBy(o.me(), o.session());
        if (lease != null && lease.holder().equals(o.me()) && !iLead) {
            // A lease naming this node that another session owns is this node's own only if the last-leader record it
            // wrote on taking it carries the same token, and it still acts on it only as the running primary: anything
            // else (a forged or leftover key) counts for nothing and the election's rules decide, as for a free lease.
            if (ownStaleLease(lease, c.lastLeader(), o.me()) && pg.running() && pg.accepting() && !pg.inRecovery())
                return new Decision.AcquireLease("this node's lease still belongs to its previous store session and this node"
                        + " still runs as the primary: taking it over");
            lease = null;
        }

        // An operator's restore from the backup repository: every copy of the old data makes room (moved, never deleted).
        if (c.restore() != null && c.initialized() == null && pg.hasData())
            return new Decision.MoveAsideForRestore("a restore (" + c.restore().describe() + ") was ordered: moving"
                    + " this node's data aside; one member restores, the others clone it");

        // Maintenance mode: the operator is working on the cluster; report, change nothing but what they order.
        boolean manualFailover = c.failover() != null && pg.hasData() && (lease == null || iLead);
        if (c.paused() && !manualFailover) {
            if (iLead && pg.running() && pg.accepting() && !pg.inRecovery())
                return new Decision.Lead("paused: leading, but acting on no failure");
            return new Decision.Wait("paused: reporting only; pgha resume hands control back");
        }

        // 2. An empty data directory: bootstrap the cluster, or clone the leader.
        if (!pg.hasData()) {
            if (c.initialized() == null && (c.initClaimedBy() == null || c.initClaimedBy().equals(o.me())))
                return new Decision.Bootstrap("the cluster has no data yet; this node bootstraps it");
            if (c.initialized() == null)
                return new Decision.Wait(c.initClaimedBy() + " is bootstrapping the cluster");
            if (lease == null) return new Decision.Wait("no leader to clone from yet");
            if (iLead) return new Decision.ReleaseLease("this node holds the lease but has no data");
            Member leader = c.members().get(lease.holder());
            if (leader == null) return new Decision.Wait("leader " + lease.holder() + " has published nothing yet: no slot to clone through");
            if (leader.slots() == null || !leader.slots().contains(ManagedFiles.slotName(o.me())))
                return new Decision.Wait("waiting for leader " + leader.name() + " to create this node's replication slot");
            int failed = o.memory().cloneFailures();
            if (failed >= HaSettings.CLONE_ATTEMPTS
                    && o.millisSince(o.memory().lastCloneFailureNanos()) < s.cloneRetryInterval().toMillis())
                return new Decision.Stuck("cloning " + leader.name() + " failed " + failed + " times in a row (see this"
                        + " agent's log): trying again every " + s.cloneRetryInterval().toSeconds() + " s");
            return new Decision.Clone(upstream(leader), "no data: cloning the leader " + leader.name()
                    + (failed > 0 ? " (attempt " + (failed + 1) + ")" : ""));
        }

        // 3. This node holds the lease: be the primary, or give the lease up.
        if (iLead) {
            if (pg.running() && pg.accepting() && !pg.inRecovery() && c.restart().contains(o.me()))
                return new Decision.Restart(null, "the operator asked to restart PostgreSQL on this primary");
            if (pg.running() && pg.accepting() && !pg.inRecovery()) {
                if (pg.disk().full()) {
                    String heir = heirWithRoom(c, o.me(), s);
                    if (heir != null)
                        return new Decision.KillAndRelease("the disk is full (" + pg.disk().describe()
                                + "): stopping PostgreSQL and handing the lease to " + heir + ", which can write");
                }
                Switchover sw = c.switchover();
                if (sw != null && expired(sw, o.nowMillis(), s))
                    return new Decision.AbandonSwitchover("switchover to " + sw.candidate()
                            + " abandoned: it did not happen in time");
                if (sw != null && o.me().equals(sw.leader()) && sw.shutdownLsn() == 0 && o.nowMillis() >= sw.scheduledAtMillis()) {
                    SwitchoverCheck.Result check = SwitchoverCheck.check(c, o.me(), sw.candidate(), s);
                    if (check.ok()) return new Decision.HandOver(check.candidate(), "switchover: handing the lease to " + check.candidate());
                    return new Decision.Lead("switchover to " + sw.candidate() + " postponed: " + String.join("; ", check.problems()));
                }
                return new Decision.Lead("healthy primary holding the lease");
            }
            if (pg.running() && pg.accepting())
                return new Decision.Promote("holding the lease as a standby: promoting");
            if (pg.running() && pg.notAnswering()) {
                if (o.notAnsweringMillis() >= s.hungPostgresTimeout().toMillis())
                    return new Decision.KillAndRelease("PostgreSQL has not answered for " + o.notAnsweringMillis()
                            + " ms: killing it and handing the lease to a standby");
                return new Decision.Wait("PostgreSQL did not answer in time; it is hung if the next query times out too");
            }
            if (o.pgDownMillis() >= s.postgresRestartTimeout().toMillis())
                return new Decision.ReleaseLease("PostgreSQL did not come back within "
                        + s.postgresRestartTimeout().toMillis() + " ms: giving the lease to a standby");
            if (pg.running()) return new Decision.Wait("PostgreSQL is starting on the lease holder");
            if (pg.standbySignal()) return new Decision.StartStandby(null, "holding the lease: starting PostgreSQL to promote it");
            return new Decision.StartPrimary("PostgreSQL is down on the primary: restarting it in place");
        }

        // 4. Another node holds the lease: never accept writes, follow it.
        if (lease != null) {
            Member leader = c.members().get(lease.holder());
            if (mayAcceptWrites(pg))
                return new Decision.Fence(lease.holder() + " holds the lease: this node must not accept writes");
            if (leader == null) return new Decision.Wait("leader " + lease.holder() + " has published nothing yet: nothing to follow");
            Upstream up = upstream(leader);
            if (c.reinit().contains(o.me()))
                return new Decision.Reinit(up, "the operator asked to rebuild this node: moving its data aside and cloning " + leader.name());
            if (c.restart().contains(o.me()) && pg.running() && pg.accepting())
                return new Decision.Restart(up, "the operator asked to restart PostgreSQL on this standby");
            if (pg.running()) {
                if (!pg.accepting()) return new Decision.Wait("PostgreSQL is starting as a standby of " + leader.name());
                if (!leader.name().equals(o.following()))
                    return new Decision.Follow(up, "following the new leader " + leader.name());
                if (streamsFrom(pg, leader)) return new Decision.Wait("streaming from " + leader.name());
                if (o.notStreamingMillis() >= s.standbyStreamTimeout().toMillis()) {
                    if (o.memory().reclonedWithoutStreaming())
                        return new Decision.Stuck("cloned anew from " + leader.name() + " and still not streaming after "
                                + s.standbyStreamTimeout().toMillis() + " ms: every remedy failed; see this node's"
                                + " PostgreSQL log, then pgha reinit " + o.me() + " to try again");
                    if (o.memory().rewoundWithoutStreaming())
                        return new Decision.Reinit(up, "still not streaming from " + leader.name() + " after pg_rewind"
                                + " (the WAL this node needs may be gone from the leader): moving its data aside and cloning "
                                + leader.name());
                    return new Decision.Rewind(up, "not streaming from " + leader.name() + " for "
                            + s.standbyStreamTimeout().toMillis() + " ms: the timelines may have diverged");
                }
                return new Decision.Wait("waiting for the WAL receiver to stream from " + leader.name());
            }
            if (o.memory().rewindFailed())
                return new Decision.Reinit(up, "pg_rewind cannot bring this node back: moving its data aside and cloning " + leader.name());
            if (!pg.standbySignal())
                return new Decision.Rewind(up, "this node was a primary: rewinding it to follow " + leader.name());
            if (o.memory().standbyStartFailed() && o.memory().reclonedWithoutStreaming())
                return new Decision.Stuck("cloned anew from " + leader.name() + " and PostgreSQL still cannot start as"
                        + " its standby: every remedy failed; see this node's PostgreSQL log, then pgha reinit " + o.me());
            if (o.memory().standbyStartFailed() && o.memory().rewoundWithoutStreaming())
                return new Decision.Reinit(up, "PostgreSQL cannot start as a standby of " + leader.name()
                        + " even after pg_rewind: moving its data aside and cloning " + leader.name());
            if (o.memory().standbyStartFailed())
                return new Decision.Rewind(up, "PostgreSQL cannot start as a standby of " + leader.name()
                        + " (its timeline forked before this node's data ends): rewinding");
            return new Decision.StartStandby(up, "starting as a standby of " + leader.name());
        }

        // 5. Nobody holds the lease.
        Lease last = c.lastLeader();
        boolean lastWasMe = last != null && last.holder().equals(o.me());
        FailoverRequest fo = c.failover();
        if (fo != null && o.nowMillis() - fo.requestedAtMillis() <= s.switchoverTimeout().toMillis()) {
            if (!o.me().equals(fo.candidate())) return new Decision.Wait("manual failover to " + fo.candidate() + " in progress");
            if (pg.running() && pg.accepting() && pg.inRecovery())
                return new Decision.AcquireLease("manual failover: the operator chose this node");
            if (!pg.running()) return new Decision.StartStandby(null, "manual failover: starting PostgreSQL to promote it");
            return new Decision.Wait("manual failover: waiting for PostgreSQL to accept connections");
        }
        if (o.memory().abdicated() && o.leaderlessMillis() < s.abdicationGrace().toMillis())
            return new Decision.Wait("this node gave the lease up: leaving the election to the others for "
                    + s.abdicationGrace().toMillis() + " ms");
        Switchover sw = c.switchover();
        if (sw != null && sw.shutdownLsn() != 0) {
            if (expired(sw, o.nowMillis(), s)) {
                if (lastWasMe)
                    return new Decision.AcquireLease("the switchover to " + sw.candidate() + " did not finish: taking the lease back");
            } else if (o.me().equals(sw.candidate())) {
                if (pg.running() && pg.accepting() && pg.inRecovery() && Long.compareUnsigned(pg.lsn(), sw.shutdownLsn()) > 0)
                    return new Decision.AcquireLease("switchover: this node has received all of " + sw.leader()
                            + "'s WAL (past " + Lsn.format(sw.shutdownLsn()) + ")");
                return new Decision.Wait("switchover: waiting to receive " + sw.leader() + "'s WAL past " + Lsn.format(sw.shutdownLsn()));
            } else if (!pg.running() && pg.standbySignal()) {
                return new Decision.StartStandby(null, "switchover from " + sw.leader() + " to " + sw.candidate() + " in progress");
            } else {
                return new Decision.Wait("switchover from " + sw.leader() + " to " + sw.candidate() + " in progress");
            }
        }
        if (!pg.running()) {
            if (lastWasMe && !pg.standbySignal())
                return new Decision.AcquireLease("this node held the lease last and nobody took it since: re-taking it");
            return new Decision.StartStandby(null, "no leader: starting as a standby to take part in the election");
        }
        if (!pg.accepting()) return new Decision.Wait("PostgreSQL is starting; no leader");
        if (!pg.inRecovery()) {
            if (lastWasMe) return new Decision.AcquireLease("primary without a lease, and nobody took it since: re-taking it");
            return new Decision.Fence("a primary without the lease: stopping it");
        }
        // A primary whose agent froze keeps running without its lease; a standby still streaming from it
        // would acknowledge its commits after a new leader is chosen. Cut it off first, then report.
        if (o.following() != null || pg.walReceiverRunning())
            return new Decision.Detach("the lease is gone: no longer streaming from (or acknowledging) the old primary");
        return CandidateRanking.decide(o, c, s);
    }

    /** The lease was taken by this member: its last-leader record, written right after taking it, has the same token. */
    static boolean ownStaleLease(Lease lease, Lease lastLeader, String me) {
        return lastLeader != null && lastLeader.holder().equals(me) && lastLeader.token() == lease.token();
    }

    /** The standby a switchover would pick now, if its own disk has room; null when there is none. */
    static String heirWithRoom(ClusterSnapshot c, String me, HaSettings s) {
        SwitchoverCheck.Result check = SwitchoverCheck.check(c, me, null, s);
        if (!check.ok()) return null;
        Member heir = c.members().get(check.candidate());
        return heir == null || heir.diskFull() ? null : heir.name();
    }

    /** A hand-over not finished long after it was asked for is abandoned and normal election resumes. */
    public static boolean expired(Switchover sw, long nowMillis, HaSettings s) {
        return nowMillis - Math.max(sw.requestedAtMillis(), sw.scheduledAtMillis()) > s.switchoverTimeout().toMillis();
    }

    /** Invariant 1: stop accepting writes before the lease can expire in the store. */
    /**
     * A node whose PostgreSQL may accept writes checks in with its watchdog only while the store has answered
     * within {@link HaSettings#watchdogFreshness()}: then the watchdog's wait ends no later than the fencing deadline.
     */
    public static boolean mayCheckInWithWatchdog(StoreHealth store, long nowNanos, HaSettings s) {
        return store.connected() && nowNanos - store.lastContactNanos() <= s.watchdogFreshness().toNanos();
    }

    public static boolean mustFence(StoreHealth store, boolean mayAcceptWrites, long nowNanos, HaSettings s) {
        if (store.connected() || !mayAcceptWrites) return false;
        if (store.sessionLost()) return true;
        return (nowNanos - store.lastContactNanos()) / 1_000_000 >= s.fenceAfterLastContact().toMillis();
    }

    /** A running PostgreSQL that is not configured as a standby may be a primary. */
    static boolean mayAcceptWrites(PgStatus pg) {
        return pg.running() && (pg.accepting() ? !pg.inRecovery() : !pg.standbySignal());
    }

    /** Streaming on the leader's timeline; a standby past the fork point connects but never catches up. */
    public static boolean streamsFrom(PgStatus pg, Member leader) {
        return pg.streaming() && pg.timeline() >= leader.timeline();
    }

    static Upstream upstream(Member m) {
        return new Upstream(m.name(), m.host(), m.port());
    }
}
