package io.pgha.dcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pgha.dcs.EtcdClient.Compare;
import io.pgha.dcs.EtcdClient.Kv;
import io.pgha.dcs.EtcdClient.Op;
import io.pgha.dcs.EtcdClient.Range;
import io.pgha.dcs.EtcdClient.TxnResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The JSON of etcd v3's gateway (proto3 JSON: keys and values base64, 64-bit numbers as strings, fields at their
 * zero value left out), as the requests and answers of {@link EtcdHttpClient}.
 */
final class EtcdJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private EtcdJson() {}

    static String base64(String key) {
        return base64(key.getBytes(StandardCharsets.UTF_8));
    }

    static String base64(byte[] data) {
        return Base64.getEncoder().encodeToString(data);
    }

    /** The end of a prefix's range: the prefix with its last byte below 0xff plus one. */
    static String rangeEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return base64(Arrays.copyOf(end, i + 1));
            }
        }
        return base64(new byte[] {0});
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ObjectNode range(String key, boolean prefix, boolean countOnly) {
        ObjectNode body = object().put("key", base64(key));
        if (prefix) body.put("range_end", rangeEnd(key));
        if (countOnly) body.put("count_only", true);
        return body;
    }

    static ObjectNode put(String key, byte[] value, long lease) {
        ObjectNode body = object().put("key", base64(key)).put("value", base64(value));
        if (lease != 0) body.put("lease", Long.toString(lease));
        return body;
    }

    static ObjectNode txn(List<Compare> compare, List<Op> then, List<Op> otherwise) {
        ObjectNode body = object();
        ArrayNode compares = body.putArray("compare");
        for (Compare c : compare) {
            ObjectNode node = compares.addObject().put("key", base64(c.key())).put("result", c.op().name());
            switch (c.target()) {
                case CREATE -> node.put("target", "CREATE").put("create_revision", Long.toString(c.revision()));
                case MOD -> node.put("target", "MOD").put("mod_revision", Long.toString(c.revision()));
                case VALUE -> node.put("target", "VALUE").put("value", base64(c.value()));
            }
        }
        ops(body.putArray("success"), then);
        ops(body.putArray("failure"), otherwise);
        return body;
    }

    private static void ops(ArrayNode out, List<Op> ops) {
        for (Op op : ops) {
            switch (op) {
                case Op.Put p -> out.addObject().set("request_put", put(p.key(), p.value(), p.lease()));
                case Op.Delete d -> out.addObject().set("request_delete_range", object().put("key", base64(d.key())));
                case Op.Get g -> out.addObject().set("request_range", range(g.key(), false, false));
            }
        }
    }

    static long revision(JsonNode answer) {
        return answer.path("header").path("revision").asLong();
    }

    static Range range(JsonNode answer) {
        List<Kv> kvs = new ArrayList<>();
        for (JsonNode kv : answer.path("kvs")) {
            kvs.add(new Kv(new String(bytes(kv.path("key")), StandardCharsets.UTF_8), bytes(kv.path("value")),
                    kv.path("create_revision").asLong(), kv.path("mod_revision").asLong(), kv.path("lease").asLong()));
        }
        return new Range(revision(answer), List.copyOf(kvs), answer.path("count").asLong());
    }

    static TxnResult txnResult(JsonNode answer) {
        List<Range> ranges = new ArrayList<>();
        for (JsonNode response : answer.path("responses")) {
            if (response.has("response_range")) ranges.add(range(response.get("response_range")));
        }
        return new TxnResult(answer.path("succeeded").asBoolean(false), revision(answer), List.copyOf(ranges));
    }

    private static byte[] bytes(JsonNode base64) {
        return base64.isMissingNode() || base64.isNull() ? new byte[0] : Base64.getDecoder().decode(base64.asText());
    }
}
