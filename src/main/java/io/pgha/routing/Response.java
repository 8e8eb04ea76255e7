package io.pgha.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One HTTP answer of the REST API, built before anything is sent. */
record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final String JSON_TYPE = "application/json";
    static final String TEXT_TYPE = "text/plain; charset=utf-8";
    static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final int MAX_ECHOED_CHARS = 80;

    Response {
        if (status < 100 || status > 599) throw new IllegalStateException("not an HTTP status: " + status);
    }

    static Response text(int status, String message) {
        return new Response(status, TEXT_TYPE, (message + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response json(int status, Object value) {
        try {
            return new Response(status, JSON_TYPE, (ApiJson.MAPPER.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Response metrics(String text) {
        return new Response(200, METRICS_TYPE, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static Response unauthorized(String message) {
        Response r = text(401, message);
        return new Response(401, r.contentType(), r.body(), Map.of("WWW-Authenticate", "Basic realm=\"pgha\""));
    }

    static Response methodNotAllowed(String method, String path, String allowed) {
        Response r = text(405, echo(method) + " is not allowed on " + path + " (allowed: " + allowed + ")");
        return new Response(405, r.contentType(), r.body(), Map.of("Allow", allowed));
    }

    /** Client input repeated in an answer or a log line, cut short so a huge request cannot flood either. */
    static String echo(String text) {
        if (text == null) return "";
        return text.length() <= MAX_ECHOED_CHARS ? text : text.substring(0, MAX_ECHOED_CHARS) + "...";
    }

    void send(HttpExchange ex, boolean withBody) throws IOException {
        Headers h = ex.getResponseHeaders();
        h.set("Content-Type", contentType);
        h.set("Cache-Control", "no-store");
        headers.forEach(h::set);
        byte[] out = withBody ? body : new byte[0];
        ex.sendResponseHeaders(status, out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            try (OutputStream stream = ex.getResponseBody()) {
                stream.write(out);
            }
        }
    }
}
