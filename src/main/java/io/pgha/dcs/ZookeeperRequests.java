package io.pgha.dcs;

import java.util.Set;
import org.apache.curator.RetryLoop;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

/**
 * The one error path of the ZooKeeper store: every request runs here, and every failure leaves as a
 * {@link StoreException} that names the operation and the path, typed by what the caller can do about it.
 */
final class ZookeeperRequests {
    private static final Set<Code> UNAVAILABLE = Set.of(Code.CONNECTIONLOSS, Code.SESSIONEXPIRED,
            Code.OPERATIONTIMEOUT, Code.REQUESTTIMEOUT, Code.SESSIONMOVED, Code.NOTREADONLY, Code.THROTTLEDOP);
    private static final Set<Code> CONFLICT = Set.of(Code.NODEEXISTS, Code.BADVERSION);

    @FunctionalInterface
    interface Request<T> {
        T run() throws Exception;
    }

    @FunctionalInterface
    interface RawRequest<T> {
        T run(ZooKeeper zooKeeper) throws Exception;
    }

    private final CuratorFramework client;

    ZookeeperRequests(CuratorFramework client) {
        this.client = client;
    }

    CuratorFramework client() {
        return client;
    }

    /** Runs one request through Curator, its retry policy included. */
    <T> T call(String operation, String path, Request<T> request) throws StoreException {
        return run(operation, path, request, false);
    }

    /** Like {@link #call}, but an absent key answers null. */
    <T> T readOrNull(String operation, String path, Request<T> request) throws StoreException {
        return run(operation, path, request, true);
    }

    /** A request Curator has no builder for (a read-only multi): on the raw client, under the same retry policy. */
    <T> T callRaw(String operation, String path, RawRequest<T> request) throws StoreException {
        return call(operation, path, () -> RetryLoop.callWithRetry(client.getZookeeperClient(),
                () -> request.run(client.getZookeeperClient().getZooKeeper())));
    }

    private static <T> T run(String operation, String path, Request<T> request, boolean absentIsNull)
            throws StoreException {
        try {
            return request.run();
        } catch (Exception e) {
            if (absentIsNull && e instanceof KeeperException.NoNodeException) return null;
            throw failure(operation, path, e);
        }
    }

    /** The typed exception for a failed request (also for one failed read inside a multi). */
    static StoreException failure(String operation, String path, Exception e) {
        String what = "cannot " + operation + " (" + path + "): ";
        return switch (e) {
            case StoreException alreadyTyped -> alreadyTyped;
            case InterruptedException interrupted -> {
                Thread.currentThread().interrupt();
                yield new StoreUnavailableException(what + "interrupted while waiting for the store", interrupted);
            }
            case KeeperException k when UNAVAILABLE.contains(k.code()) ->
                    new StoreUnavailableException(what + "the store did not answer (" + k.code() + ")", k);
            case KeeperException k when CONFLICT.contains(k.code()) ->
                    new StoreConflictException(what + "lost to another writer (" + k.code() + ")", k);
            default -> new StoreException(what + e.getMessage(), e);
        };
    }
}
