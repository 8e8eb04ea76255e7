package io.pgha.dcs;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pgha.config.NodeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** {@link EtcdClient} through the official jetcd (gRPC). */
final class JetcdClient implements EtcdClient {
    private static final List<Status.Code> UNAVAILABLE = List.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED,
            Status.Code.CANCELLED, Status.Code.ABORTED, Status.Code.RESOURCE_EXHAUSTED);

    private final Client client;

    JetcdClient(NodeConfig.Etcd etcd, Duration connectTimeout) throws StoreException {
        this.client = EtcdConnection.open(etcd, connectTimeout);
    }

    @Override
    public CompletableFuture<Range> range(String key, boolean prefix, boolean countOnly) {
        GetOption option = prefix || countOnly ? GetOption.builder().isPrefix(prefix).withCountOnly(countOnly).build() : GetOption.DEFAULT;
        return typed(client.getKVClient().get(bytes(key), option)).thenApply(JetcdClient::range);
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value) {
        return typed(client.getKVClient().put(bytes(key), ByteSequence.from(value))).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return typed(client.getKVClient().delete(bytes(key))).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<TxnResult> txn(List<Compare> compare, List<Op> then, List<Op> otherwise) {
        var txn = client.getKVClient().txn().If(compare.stream().map(JetcdClient::cmp).toArray(Cmp[]::new))
                .Then(then.stream().map(JetcdClient::op).toArray(io.etcd.jetcd.op.Op[]::new))
                .Else(otherwise.stream().map(JetcdClient::op).toArray(io.etcd.jetcd.op.Op[]::new));
        return typed(txn.commit()).thenApply(r -> new TxnResult(r.isSucceeded(), r.getHeader().getRevision(),
                r.getGetResponses().stream().map(JetcdClient::range).toList()));
    }

    @Override
    public CompletableFuture<Grant> grant(long ttlSeconds) {
        return typed(client.getLeaseClient().grant(ttlSeconds)).thenApply(r -> new Grant(r.getID(), r.getTTL()));
    }

    @Override
    public CompletableFuture<Long> keepAliveOnce(long lease) {
        return typed(client.getLeaseClient().keepAliveOnce(lease)).thenApply(r -> r.getTTL());
    }

    @Override
    public CompletableFuture<Void> revoke(long lease) {
        return typed(client.getLeaseClient().revoke(lease)).thenApply(r -> null);
    }

    @Override
    public Watch watchPrefix(String prefix, Runnable onEvent, Consumer<Throwable> onError) {
        io.etcd.jetcd.Watch.Watcher watcher = client.getWatchClient().watch(bytes(prefix), WatchOption.builder().isPrefix(true).build(),
                io.etcd.jetcd.Watch.listener(response -> onEvent.run(), error -> onError.accept(translate(error))));
        return watcher::close;
    }

    @Override
    public void close() {
        client.close();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    private static Range range(GetResponse r) {
        return new Range(r.getHeader().getRevision(), r.getKvs().stream().map(JetcdClient::kv).toList(), r.getCount());
    }

    private static Kv kv(KeyValue kv) {
        return new Kv(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().getBytes(), kv.getCreateRevision(),
                kv.getModRevision(), kv.getLease());
    }

    private static Cmp cmp(Compare c) {
        Cmp.Op op = c.op() == Compare.CompareOp.EQUAL ? Cmp.Op.EQUAL : Cmp.Op.GREATER;
        CmpTarget<?> target = switch (c.target()) {
            case CREATE -> CmpTarget.createRevision(c.revision());
            case MOD -> CmpTarget.modRevision(c.revision());
            case VALUE -> CmpTarget.value(ByteSequence.from(c.value()));
        };
        return new Cmp(bytes(c.key()), op, target);
    }

    private static io.etcd.jetcd.op.Op op(Op op) {
        return switch (op) {
            case Op.Put put -> io.etcd.jetcd.op.Op.put(bytes(put.key()), ByteSequence.from(put.value()),
                    put.lease() == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(put.lease()).build());
            case Op.Delete delete -> io.etcd.jetcd.op.Op.delete(bytes(delete.key()), DeleteOption.DEFAULT);
            case Op.Get get -> io.etcd.jetcd.op.Op.get(bytes(get.key()), GetOption.DEFAULT);
        };
    }

    /** The answer, or its failure as an {@link EtcdClientException} (the gRPC error kept as its cause). */
    private static <T> CompletableFuture<T> typed(CompletableFuture<T> answer) {
        return answer.handle((value, error) -> {
            if (error != null) throw translate(error);
            return value;
        });
    }

    private static EtcdClientException translate(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof EtcdClientException typed) return typed;
        Status.Code code = code(cause);
        EtcdClientException.Kind kind = UNAVAILABLE.contains(code) || cause instanceof TimeoutException
                ? EtcdClientException.Kind.UNAVAILABLE
                : code == Status.Code.NOT_FOUND ? EtcdClientException.Kind.NOT_FOUND : EtcdClientException.Kind.REFUSED;
        return new EtcdClientException(kind, cause.getMessage(), cause);
    }

    private static Status.Code code(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EtcdException etcd) return Status.Code.valueOf(etcd.getErrorCode().name());
            if (t instanceof StatusRuntimeException grpc) return grpc.getStatus().getCode();
        }
        return Status.Code.UNKNOWN;
    }
}
