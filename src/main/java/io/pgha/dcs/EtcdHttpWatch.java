package io.pgha.dcs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One watch over the gateway: a POST of the create request whose answer never ends, one JSON object per line
 * (the {@code created} answer, then one per revision with its events). Closing it cancels the stream.
 */
final class EtcdHttpWatch implements EtcdClient.Watch, Flow.Subscriber<String> {
    private final Runnable onEvent;
    private final Consumer<Throwable> onError;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile Flow.Subscription subscription;
    private volatile CompletableFuture<?> exchange;
    private volatile HttpRequest request;

    EtcdHttpWatch(Runnable onEvent, Consumer<Throwable> onError) {
        this.onEvent = onEvent;
        this.onError = onError;
    }

    void start(HttpClient http, HttpRequest request) {
        this.request = request;
        exchange = http.sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(this)).whenComplete((response, error) -> {
            if (error != null) fail(new EtcdClientException(EtcdClientException.Kind.UNAVAILABLE,
                    "watch " + request.uri() + ": " + EtcdHttpClient.detail(error), error));
        });
        if (ended.get()) exchange.cancel(true);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (ended.get()) s.cancel();
        else s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String line) {
        if (line.isBlank()) return;
        JsonNode message;
        try {
            message = EtcdJson.MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
            fail(new EtcdClientException(EtcdClientException.Kind.UNAVAILABLE, "watch: unreadable answer: " + line, e));
            return;
        }
        EtcdClientException error = EtcdHttpErrors.of(request, 200, message);
        JsonNode result = message.path("result");
        if (error != null) fail(error);
        else if (result.path("canceled").asBoolean(false)) fail(new EtcdClientException(EtcdClientException.Kind.UNAVAILABLE,
                "etcd cancelled the watch: " + result.path("cancel_reason").asText(), null));
        else if (result.has("events") && !ended.get()) onEvent.run();
    }

    @Override
    public void onError(Throwable t) {
        fail(new EtcdClientException(EtcdClientException.Kind.UNAVAILABLE, "watch stream broken: " + EtcdHttpClient.detail(t), t));
    }

    @Override
    public void onComplete() {
        fail(new EtcdClientException(EtcdClientException.Kind.UNAVAILABLE, "etcd ended the watch stream",
                new IOException("end of stream")));
    }

    /** Reports the first failure, once, unless the watch was closed. */
    void fail(Throwable error) {
        if (ended.compareAndSet(false, true)) {
            onError.accept(error);
            close();
        }
    }

    @Override
    public void close() {
        ended.set(true);
        Flow.Subscription s = subscription;
        if (s != null) s.cancel();
        CompletableFuture<?> e = exchange;
        if (e != null) e.cancel(true);
    }
}
