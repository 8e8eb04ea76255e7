package io.pgha.routing;

import io.pgha.config.Units;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A health request's query string; the first of repeated parameters wins. */
record QueryString(Map<String, String> params) {
    static QueryString parse(String raw) throws BadRequest {
        Map<String, String> params = new HashMap<>();
        if (raw == null || raw.isEmpty()) return new QueryString(params);
        try {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.putIfAbsent(key, value);
            }
        } catch (IllegalArgumentException e) {
            throw new BadRequest("the query string is not URL-encoded properly: " + e.getMessage());
        }
        return new QueryString(params);
    }

    /** {@code ?lag=} in bytes or with a unit (16MB, 1GB), or {@code otherwise} without one. */
    long lag(long otherwise) throws BadRequest {
        String value = params.get("lag");
        if (value == null) return otherwise;
        long bytes;
        try {
            bytes = Units.bytes(value);
        } catch (IllegalArgumentException e) {
            bytes = -1;
        }
        if (bytes < 0)
            throw new BadRequest("query parameter lag: '" + Response.echo(value) + "' is not a size (write e.g. lag=0, lag=1048576, lag=16MB)");
        return bytes;
    }
}
