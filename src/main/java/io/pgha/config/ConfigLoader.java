package io.pgha.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads a node's YAML file and hands it to {@link ConfigValidator}; unknown keys are refused by name. */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private ConfigLoader() {}

    public static NodeConfig load(Path file) throws ConfigException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist: pass the path of the node's YAML file with -c");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return parse(text, file.toAbsolutePath());
    }

    public static NodeConfig parse(String yaml, Path source) throws ConfigException {
        if (yaml.isBlank()) throw new ConfigException("config file " + source + " is empty");
        RawConfig raw;
        try {
            raw = YAML.readValue(yaml, RawConfig.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(unknownKey(e));
        } catch (JsonMappingException e) {
            throw new ConfigException("config key '" + path(e) + "' has a value of the wrong type: "
                    + e.getOriginalMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new ConfigException("config file " + source + " is not valid YAML: " + e.getMessage().split("\n")[0]);
        }
        if (raw == null) throw new ConfigException("config file " + source + " is empty");
        return ConfigValidator.validate(raw, source);
    }

    private static String unknownKey(UnrecognizedPropertyException e) {
        String key = e.getPropertyName();
        String where = path(e);
        Collection<Object> known = e.getKnownPropertyIds();
        List<String> names = new ArrayList<>();
        if (known != null) known.forEach(k -> names.add(String.valueOf(k)));
        names.sort(null);
        String suggestion = closest(key, names);
        return "unknown config key '" + where + "'"
                + (suggestion != null ? " (did you mean '" + suggestion + "'?)" : "")
                + "; keys allowed here: " + String.join(", ", names);
    }

    private static String path(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    static String closest(String key, List<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = editDistance(key, c);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        if (bestDistance <= Math.max(2, key.length() / 3)) return best;
        for (String c : candidates) if (key.startsWith(c) || c.startsWith(key)) return c;
        return null;
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
