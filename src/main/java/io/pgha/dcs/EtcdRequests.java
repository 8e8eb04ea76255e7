package io.pgha.dcs;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
    private final Client client;
    private final Duration timeout;

    EtcdRequests(Client client, Duration timeout) {
        this.client = client;
        this.timeout = timeout;
    }

    Client client() {
        return client;
    }

    Duration timeout() {
        return timeout;
    }

    <T> T call(String operation, ByteSequence key, Supplier<CompletableFuture<T>> request) throws StoreException {
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
    TxnResponse txn(String operation, ByteSequence key, Cmp[] compare, Op[] then, Op... otherwise) throws StoreException {
        return call(operation, key, () -> client.getKVClient().txn().If(compare).Then(then).Else(otherwise).commit());
    }

    static String what(String operation, ByteSequence key) {
        return "cannot " + operation + " (" + (key == null ? "etcd" : key.toString(StandardCharsets.UTF_8)) + "): ";
    }

    /** The typed exception for a failed request. */
    static StoreException failure(String operation, ByteSequence key, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        String what = what(operation, key);
        Status.Code code = code(cause);
        if (cause instanceof StoreException typed) return typed;
        if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED
                || code == Status.Code.ABORTED || code == Status.Code.RESOURCE_EXHAUSTED || cause instanceof TimeoutException)
            return new StoreUnavailableException(what + "etcd did not answer (" + cause.getMessage() + ")", cause);
        return new StoreException(what + cause.getMessage(), cause);
    }

    static Status.Code code(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EtcdException etcd) return Status.Code.valueOf(etcd.getErrorCode().name());
            if (t instanceof StatusRuntimeException grpc) return grpc.getStatus().getCode();
        }
        return Status.Code.UNKNOWN;
    }
}
