package dev.relay.functions.kfp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * KFP's list parameters over an in-memory list: {@code filter} (a JSON-serialized
 * {@code Filter} of {@code backend/api/v2beta1/filter.proto}: predicates with operation as name or
 * number, values as {@code string_value}/{@code stringValue}, {@code int_value}, {@code long_value},
 * {@code timestamp_value}, {@code string_values.values} ...), {@code sort_by} ({@code "created_at desc"}),
 * {@code page_size} and {@code page_token} (opaque: the offset of the next page).
 *
 * @param filter    the raw filter, or null
 * @param sortBy    field and optional {@code asc}/{@code desc}, or null (created_at ascending)
 * @param pageSize  0: 20
 * @param pageToken null: the first page
 */
public record KfpQuery(String filter, String sortBy, int pageSize, String pageToken) {
    private static final String[] OPS = {"UNKNOWN", "EQUALS", "NOT_EQUALS", "GREATER_THAN", "UNUSED", "GREATER_THAN_EQUALS",
            "LESS_THAN", "LESS_THAN_EQUALS", "IN", "IS_SUBSTRING"};

    /**
     * Reads the query parameters.
     *
     * @throws KfpException 400 naming {@code page_size} when it is not a number
     */
    public static KfpQuery of(String filter, String sortBy, String pageSize, String pageToken) {
        int size = 0;
        if (pageSize != null && !pageSize.isBlank()) {
            try {
                size = Integer.parseInt(pageSize.trim());
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 0) {
                throw KfpException.invalid("page_size must be a number >= 0, got '" + pageSize + "'");
            }
        }
        return new KfpQuery(blank(filter), blank(sortBy), size, blank(pageToken));
    }

    /**
     * Filters, sorts and pages {@code items}; answers {@code {LIST_FIELD: [...], "total_size", "next_page_token"}}.
     *
     * @param fields the filterable and sortable fields of an item (KFP's keys: {@code display_name},
     *               {@code created_at} as RFC 3339, ...); {@code name} is an alias of {@code display_name}
     * @throws KfpException 400 naming {@code filter} or {@code sort_by} when it cannot be read or names an unknown key
     */
    public <T> ObjectNode apply(List<T> items, Function<T, Map<String, Object>> fields, Function<T, JsonNode> shape,
                                String listField) {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<T> kept = new ArrayList<>();
        List<Predicate> predicates = predicates();
        for (T item : items) {
            Map<String, Object> f = fields.apply(item);
            boolean ok = true;
            for (Predicate p : predicates) {
                ok &= p.test(f);
            }
            if (ok) {
                rows.add(f);
                kept.add(item);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            order.add(i);
        }
        String key = "created_at";
        boolean desc = false;
        if (sortBy != null) {
            String[] parts = sortBy.trim().split("\\s+");
            key = alias(parts[0]);
            desc = parts.length > 1 && parts[1].equalsIgnoreCase("desc");
            if (parts.length > 2 || (parts.length == 2 && !parts[1].equalsIgnoreCase("asc") && !desc)) {
                throw KfpException.invalid("sort_by '" + sortBy + "': expected 'FIELD' or 'FIELD asc|desc'");
            }
            if (!rows.isEmpty() && !rows.get(0).containsKey(key)) {
                throw KfpException.invalid("sort_by: unknown field '" + parts[0] + "'; known: " + rows.get(0).keySet());
            }
        }
        String k = key;
        Comparator<Integer> cmp = Comparator.comparing(i -> String.valueOf(rows.get(i).getOrDefault(k, "")));
        order.sort(desc ? cmp.reversed() : cmp);
        int offset = 0;
        if (pageToken != null) {
            try {
                offset = Integer.parseInt(pageToken);
            } catch (NumberFormatException e) {
                throw KfpException.invalid("page_token '" + pageToken + "' is not a token this server gave");
            }
        }
        int size = pageSize == 0 ? 20 : pageSize;
        ObjectNode out = Json.MAPPER.createObjectNode();
        ArrayNode list = out.putArray(listField);
        for (int i = offset; i < Math.min(order.size(), offset + size); i++) {
            list.add(shape.apply(kept.get(order.get(i))));
        }
        out.put("total_size", kept.size());
        out.put("next_page_token", offset + size < kept.size() ? Integer.toString(offset + size) : "");
        return out;
    }

    private record Predicate(String op, String key, List<Object> values) {
        boolean test(Map<String, Object> fields) {
            if (!fields.containsKey(key)) {
                throw KfpException.invalid("filter: unknown key '" + key + "'; known keys: " + fields.keySet());
            }
            Object have = fields.get(key);
            Object want = values.get(0);
            return switch (op) {
                case "EQUALS" -> compare(have, want) == 0;
                case "NOT_EQUALS" -> compare(have, want) != 0;
                case "GREATER_THAN" -> compare(have, want) > 0;
                case "GREATER_THAN_EQUALS" -> compare(have, want) >= 0;
                case "LESS_THAN" -> compare(have, want) < 0;
                case "LESS_THAN_EQUALS" -> compare(have, want) <= 0;
                case "IN" -> values.stream().anyMatch(v -> compare(have, v) == 0);
                case "IS_SUBSTRING" -> have != null && String.valueOf(have).contains(String.valueOf(want));
                default -> throw KfpException.invalid("filter: unknown operation '" + op + "'");
            };
        }

        private static int compare(Object have, Object want) {
            if (have == null) {
                return want == null ? 0 : -1;
            }
            if (want instanceof Instant w) {
                try {
                    return Instant.parse(String.valueOf(have)).compareTo(w);
                } catch (DateTimeParseException e) {
                    return -1;
                }
            }
            if (want instanceof Number w && have instanceof Number h) {
                return Double.compare(h.doubleValue(), w.doubleValue());
            }
            return String.valueOf(have).compareTo(String.valueOf(want));
        }
    }

    private List<Predicate> predicates() {
        if (filter == null) {
            return List.of();
        }
        JsonNode f;
        try {
            f = Json.MAPPER.readTree(filter);
        } catch (IOException e) {
            throw KfpException.invalid("filter is not JSON: " + dev.relay.eventing.input.SafeJson.describe(e));
        }
        if (f == null || !f.isObject()) {
            throw KfpException.invalid("filter must be a JSON object {\"predicates\": [...]}");
        }
        List<Predicate> out = new ArrayList<>();
        for (JsonNode p : f.path("predicates")) {
            JsonNode op = p.has("op") ? p.path("op") : p.path("operation"); // v1beta1's name, v2beta1's
            String name = op.isInt() && op.asInt() >= 0 && op.asInt() < OPS.length ? OPS[op.asInt()] : op.asText();
            if (!Set.of(OPS).contains(name) || name.equals("UNKNOWN") || name.equals("UNUSED")) {
                throw KfpException.invalid("filter: predicate operation '" + op.asText() + "' is not one of EQUALS,"
                        + " NOT_EQUALS, GREATER_THAN, GREATER_THAN_EQUALS, LESS_THAN, LESS_THAN_EQUALS, IN, IS_SUBSTRING");
            }
            String key = p.path("key").asText("");
            if (key.isEmpty()) {
                throw KfpException.invalid("filter: a predicate needs a key");
            }
            out.add(new Predicate(name, alias(key), values(p)));
        }
        return out;
    }

    private static List<Object> values(JsonNode p) {
        for (String[] names : new String[][] {{"string_value", "stringValue"}, {"int_value", "intValue"},
                {"long_value", "longValue"}, {"timestamp_value", "timestampValue"}}) {
            JsonNode v = either(p, names[0], names[1]);
            if (v != null) {
                return List.of(value(names[0], v));
            }
        }
        for (String[] names : new String[][] {{"string_values", "stringValues"}, {"int_values", "intValues"},
                {"long_values", "longValues"}}) {
            JsonNode v = either(p, names[0], names[1]);
            if (v != null) {
                List<Object> out = new ArrayList<>();
                v.path("values").forEach(x -> out.add(value(names[0], x)));
                if (out.isEmpty()) {
                    throw KfpException.invalid("filter: " + names[0] + ".values is empty");
                }
                return out;
            }
        }
        throw KfpException.invalid("filter: predicate on '" + p.path("key").asText() + "' has no value"
                + " (string_value, int_value, long_value, timestamp_value or *_values)");
    }

    private static Object value(String kind, JsonNode v) {
        if (kind.startsWith("timestamp")) {
            try {
                return v.isNumber() ? Instant.ofEpochSecond(v.asLong()) : Instant.parse(v.asText());
            } catch (DateTimeParseException e) {
                throw KfpException.invalid("filter: timestamp_value '" + v.asText() + "' is not an RFC 3339 time");
            }
        }
        if (kind.startsWith("int") || kind.startsWith("long")) {
            return v.asLong();
        }
        return v.asText();
    }

    private static JsonNode either(JsonNode p, String a, String b) {
        return p.hasNonNull(a) ? p.get(a) : p.hasNonNull(b) ? p.get(b) : null;
    }

    private static String alias(String key) {
        return switch (key) {
            case "name" -> "display_name";
            case "id" -> "id";
            default -> key;
        };
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
