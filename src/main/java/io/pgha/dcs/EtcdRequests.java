package io.pgha.dcs;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The one error path of the etcd store: every request runs here, bounded by the store's request timeout, and
 * every failure leaves as a {@link StoreException} that names the operation and the key.
 */
final class EtcdRequests {
    private final EtcdClient client;
    private final Duration timeout;

    EtcdRequests(EtcdClient client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    EtcdClient client() {
        return client;
    }

    Duration timeout() {
        return timeout;
    }

    <T> T call(String operation, String key, Supplier<CompletableFuture<T>> request) throws StoreException {
        CompletableFuture<T> answer = null;
        try {
            answer = request.get();
            return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new StoreUnavailableException(what(operation, key) + "etcd did not answer within "
                    + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw failure(operation, key, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException(what(operation, key) + "interrupted while waiting for etcd", e);
        } catch (RuntimeException e) {
            throw failure(operation, key, e);
        }
    }

    /** A compare-and-swap: {@code then} if every comparison holds, else {@code otherwise}, in one revision. */
    EtcdClient.TxnResult txn(String operation, String key, List<EtcdClient.Compare> compare, List<EtcdClient.Op> then,
                             EtcdClient.Op... otherwise) throws StoreException {
        return call(operation, key, () -> client.txn(compare, then, List.of(otherwise)));
    }

    /** One key's current value and revisions, or null. */
    EtcdClient.Kv get(String operation, String key) throws StoreException {
        return call(operation, key, () -> client.range(key, false, false)).first();
    }

    static String what(String operation, String key) {
        return "cannot " + operation + " (" + (key == null ? "etcd" : key) + "): ";
    }

    /** The typed exception for a failed request. */
    static StoreException failure(String operation, String key, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        String what = what(operation, key);
        if (cause instanceof StoreException typed) return typed;
        if (EtcdClientException.kindOf(cause) == EtcdClientException.Kind.UNAVAILABLE || cause instanceof TimeoutException)
            return new StoreUnavailableException(what + "etcd did not answer (" + cause.getMessage() + ")", cause);
        return new StoreException(what + cause.getMessage(), cause);
    }
}
