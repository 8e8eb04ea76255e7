package io.pgha.dcs;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.util.Set;

/** etcd's answer of no through the gateway, as the kind of {@link EtcdClientException} the store reacts to. */
final class EtcdHttpErrors {
    /** gRPC codes that mean "no answer now": cancelled, deadline exceeded, resource exhausted, aborted, unavailable. */
    private static final Set<Integer> UNAVAILABLE = Set.of(1, 4, 8, 10, 14);
    private static final int NOT_FOUND = 5;

    private EtcdHttpErrors() {}

    /**
     * Null for an answer; else the failure. A unary call's error is {@code {"error": "...", "code": N}}; a stream's
     * (watch, keep-alive) is {@code {"error": {"grpc_code": N, "message": "..."}}}.
     */
    static EtcdClientException of(HttpRequest request, int status, JsonNode answer) {
        JsonNode error = answer == null ? null : answer.get("error");
        if (status == 200 && answer != null && error == null) return null;
        int code;
        String message;
        if (error != null && error.isObject()) {
            code = error.path("grpc_code").asInt(2);
            message = error.path("message").asText();
        } else if (error != null) {
            code = answer.path("code").asInt(2);
            message = error.asText();
        } else {
            code = status == 503 || status == 504 ? 14 : 2;
            message = "HTTP " + status + (answer == null ? " without a JSON answer" : "");
        }
        EtcdClientException.Kind kind = UNAVAILABLE.contains(code) ? EtcdClientException.Kind.UNAVAILABLE
                : code == NOT_FOUND ? EtcdClientException.Kind.NOT_FOUND : EtcdClientException.Kind.REFUSED;
        return new EtcdClientException(kind, message + " (" + request.method() + " " + request.uri() + ")", null);
    }
}
