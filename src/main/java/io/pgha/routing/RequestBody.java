package io.pgha.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/** A mutating request's JSON object; an empty body is an empty object. */
record RequestBody(ObjectNode json) {
    static RequestBody parse(byte[] bytes) throws BadRequest {
        if (new String(bytes, StandardCharsets.UTF_8).isBlank()) return new RequestBody(ApiJson.MAPPER.createObjectNode());
        JsonNode node;
        try {
            node = ApiJson.MAPPER.readTree(bytes);
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new BadRequest("the body is not valid JSON: " + Response.echo(why));
        }
        if (!(node instanceof ObjectNode object))
            throw new BadRequest("the body must be a JSON object, e.g. {\"candidate\": \"node2\"}");
        return new RequestBody(object);
    }

    void only(String... allowed) throws BadRequest {
        Set<String> known = Set.of(allowed);
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (known.contains(field)) continue;
            throw new BadRequest("unknown field '" + Response.echo(field) + "'" + (allowed.length == 0
                    ? ": this request takes no parameters" : " (expected " + String.join(", ", allowed) + ")"));
        }
    }

    /** The field's text; null when absent or JSON null. */
    String string(String field) throws BadRequest {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.isTextual())
            throw new BadRequest("field '" + field + "' must be a string, not " + value.getNodeType().name().toLowerCase(Locale.ROOT));
        if (value.asText().isBlank()) throw new BadRequest("field '" + field + "' must not be empty");
        return value.asText();
    }

    Instant instant(String field) throws BadRequest {
        String text = string(field);
        if (text == null) return null;
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new BadRequest("field '" + field + "': '" + Response.echo(text)
                    + "' is not an ISO-8601 date-time with a time zone, e.g. 2030-01-31T03:00:00+00:00");
        }
    }
}
