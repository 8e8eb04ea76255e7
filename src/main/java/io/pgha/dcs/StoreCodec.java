package io.pgha.dcs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** How the records are stored, in every backend: JSON in snake case, plain text for names and the initialize key. */
final class StoreCodec {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String SYSTEM_IDENTIFIER_PREFIX = "sysid:";

    /** The initialize key: first the name of the member that may bootstrap, then the system identifier. */
    record InitializeKey(String initialized, String claimedBy) {
        static final InitializeKey ABSENT = new InitializeKey(null, null);
    }

    private StoreCodec() {}

    static byte[] encode(Object value) throws StoreException {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new StoreException("cannot encode " + value.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    static <T> T decode(byte[] data, Class<T> type, String path) throws StoreException {
        return decode(data, JSON.getTypeFactory().constructType(type), path);
    }

    static Map<String, String> decodeParameters(byte[] data, String path) throws StoreException {
        return decode(data, JSON.getTypeFactory().constructType(new TypeReference<TreeMap<String, String>>() {}), path);
    }

    static List<HistoryEntry> decodeHistory(byte[] data, String path) throws StoreException {
        return List.of(decode(data, HistoryEntry[].class, path));
    }

    private static <T> T decode(byte[] data, com.fasterxml.jackson.databind.JavaType type, String path)
            throws StoreException {
        try {
            return JSON.readValue(data, type);
        } catch (IOException e) {
            throw new StoreException("malformed record at " + path + ": " + e.getMessage(), e);
        }
    }

    static byte[] text(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    static byte[] initialized(String systemIdentifier) {
        return text(SYSTEM_IDENTIFIER_PREFIX + systemIdentifier);
    }

    static InitializeKey decodeInitialize(byte[] data) {
        if (data == null) return InitializeKey.ABSENT;
        String s = text(data);
        return s.startsWith(SYSTEM_IDENTIFIER_PREFIX)
                ? new InitializeKey(s.substring(SYSTEM_IDENTIFIER_PREFIX.length()), null)
                : new InitializeKey(null, s);
    }
}
