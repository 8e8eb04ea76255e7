package io.pgha.dcs;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The etcd v3 operations the store uses, and nothing else, so the store does not depend on how they travel
 * ({@link EtcdHttpClient}: etcd's HTTP/JSON gateway). Keys are UTF-8 text; a failure completes the future with an
 * {@link EtcdClientException}.
 */
interface EtcdClient extends AutoCloseable {
    /** One key, or with {@code prefix} every key under it, answered at one revision. */
    CompletableFuture<Range> range(String key, boolean prefix, boolean countOnly);

    CompletableFuture<Void> put(String key, byte[] value);

    CompletableFuture<Void> delete(String key);

    /** {@code then} if every comparison holds, else {@code otherwise}, in one revision. */
    CompletableFuture<TxnResult> txn(List<Compare> compare, List<Op> then, List<Op> otherwise);

    CompletableFuture<Grant> grant(long ttlSeconds);

    /** The lease's remaining ttl in seconds; zero or less when etcd no longer has it. */
    CompletableFuture<Long> keepAliveOnce(long lease);

    CompletableFuture<Void> revoke(long lease);

    /** Calls {@code onEvent} for every change under {@code prefix}, {@code onError} once if the watch breaks. */
    Watch watchPrefix(String prefix, Runnable onEvent, Consumer<Throwable> onError);

    @Override
    void close();

    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    record Kv(String key, byte[] value, long createRevision, long modRevision, long lease) {}

    record Range(long revision, List<Kv> kvs, long count) {
        Kv first() {
            return kvs.isEmpty() ? null : kvs.getFirst();
        }
    }

    record Grant(long id, long ttlSeconds) {}

    record TxnResult(boolean succeeded, long revision, List<Range> ranges) {}

    /** A comparison on one key: {@code target} is create revision, mod revision or value; {@code op} EQUAL or GREATER. */
    record Compare(String key, Target target, CompareOp op, long revision, byte[] value) {
        enum Target { CREATE, MOD, VALUE }

        enum CompareOp { EQUAL, GREATER }

        static Compare absent(String key) {
            return new Compare(key, Target.CREATE, CompareOp.EQUAL, 0, null);
        }

        static Compare present(String key) {
            return new Compare(key, Target.CREATE, CompareOp.GREATER, 0, null);
        }

        static Compare unchangedSince(Kv read) {
            return new Compare(read.key(), Target.MOD, CompareOp.EQUAL, read.modRevision(), null);
        }

        static Compare valueIs(String key, byte[] value) {
            return new Compare(key, Target.VALUE, CompareOp.EQUAL, 0, value);
        }
    }

    sealed interface Op {
        /** {@code lease} 0: no lease. */
        record Put(String key, byte[] value, long lease) implements Op {}

        record Delete(String key) implements Op {}

        record Get(String key) implements Op {}
    }
}
