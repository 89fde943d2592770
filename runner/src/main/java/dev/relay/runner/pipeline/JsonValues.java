package dev.relay.runner.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.engine.cel.JsonText;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Converts between Jackson trees and the engine's JSON values ({@link JsonText}). */
public final class JsonValues {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private JsonValues() {}

    /** @return the engine value of a tree: integers as Long, other numbers as Double, null as {@link JsonText#NULL} */
    public static Object toValue(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return JsonText.NULL;
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber() && n.canConvertToLong()) {
            return n.longValue();
        }
        if (n.isNumber()) {
            return n.doubleValue();
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>(n.size());
            n.forEach(e -> l.add(toValue(e)));
            return l;
        }
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            n.fields().forEachRemaining(e -> m.put(e.getKey(), toValue(e.getValue())));
            return m;
        }
        return n.asText();
    }

    /** @return the tree of an engine value */
    public static JsonNode toTree(Object v) {
        if (v == null || v == JsonText.NULL) {
            return F.nullNode();
        }
        if (v instanceof String s) {
            return F.textNode(s);
        }
        if (v instanceof Boolean b) {
            return F.booleanNode(b);
        }
        if (v instanceof Long || v instanceof Integer) {
            return F.numberNode(((Number) v).longValue());
        }
        if (v instanceof Number n) {
            return F.numberNode(n.doubleValue());
        }
        if (v instanceof List<?> l) {
            ArrayNode a = F.arrayNode();
            l.forEach(e -> a.add(toTree(e)));
            return a;
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = F.objectNode();
            m.forEach((k, e) -> o.set(String.valueOf(k), toTree(e)));
            return o;
        }
        return F.textNode(v.toString());
    }
}
