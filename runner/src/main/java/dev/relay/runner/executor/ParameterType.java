package dev.relay.runner.executor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.relay.runner.contract.Json;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * KFP v2 parameter types ({@code parameterType} in the IR's input/output definitions) with the
 * conversions KFP applies: text given by a user or read from an output-parameter file becomes a
 * typed JSON value as {@code metadata.TextToPbValue} of KFP's backend does, and a typed value becomes the
 * text that replaces {@code {{$.inputs.parameters['x']}}} as the launcher's {@code getPlaceholders}
 * does (numbers without a trailing {@code .0}, booleans {@code true}/{@code false}, lists and structs
 * as compact JSON, strings as they are).
 */
public enum ParameterType {
    STRING, NUMBER_INTEGER, NUMBER_DOUBLE, BOOLEAN, LIST, STRUCT;

    /**
     * @param irName the IR's {@code parameterType} (e.g. {@code NUMBER_INTEGER}); the v1-era
     *               {@code PARAMETER_TYPE_ENUM_UNSPECIFIED} and null read as {@link #STRING}
     * @throws ParameterTypeException for an unknown name
     */
    public static ParameterType of(String irName) {
        if (irName == null || irName.isEmpty() || irName.equals("PARAMETER_TYPE_ENUM_UNSPECIFIED")) {
            return STRING;
        }
        if (irName.equals("TASK_FINAL_STATUS")) {
            return STRUCT;
        }
        try {
            return valueOf(irName);
        } catch (IllegalArgumentException e) {
            throw new ParameterTypeException("unknown parameterType '" + irName
                    + "' (expected STRING, NUMBER_INTEGER, NUMBER_DOUBLE, BOOLEAN, LIST or STRUCT)");
        }
    }

    /**
     * The type as a KFP user writes it in a pipeline's Python signature ({@code int}, {@code float},
     * {@code bool}, {@code str}, {@code list}, {@code dict}), for messages.
     */
    public String pythonName() {
        return switch (this) {
            case STRING -> "str";
            case NUMBER_INTEGER -> "int";
            case NUMBER_DOUBLE -> "float";
            case BOOLEAN -> "bool";
            case LIST -> "list";
            case STRUCT -> "dict";
        };
    }

    /**
     * What a value of this type is, in words for messages: {@code an integer}, {@code a number},
     * {@code a boolean (true or false)}, {@code a string}, {@code a JSON list}, {@code a JSON object (dict)}.
     */
    public String words() {
        return switch (this) {
            case STRING -> "a string";
            case NUMBER_INTEGER -> "an integer";
            case NUMBER_DOUBLE -> "a number";
            case BOOLEAN -> "a boolean (true or false)";
            case LIST -> "a JSON list";
            case STRUCT -> "a JSON object (dict)";
        };
    }

    /**
     * The type a KFP v1 input type name checks as: {@code Integer} → NUMBER_INTEGER, {@code Float} →
     * NUMBER_DOUBLE, {@code Boolean}/{@code Bool} → BOOLEAN; any other (or none) is null: not
     * checked. JSON types are left alone, as KFP v1 leaves them (a JsonObject input may be given
     * any text, e.g. a JSON string).
     */
    public static ParameterType ofV1(String v1Type) {
        if (v1Type == null) {
            return null;
        }
        return switch (v1Type.toLowerCase(Locale.ROOT)) {
            case "integer", "int" -> NUMBER_INTEGER;
            case "float", "double" -> NUMBER_DOUBLE;
            case "boolean", "bool" -> BOOLEAN;
            default -> null;
        };
    }

    /**
     * Reads text as a value of this type (a {@code -p name=text} value, an output-parameter file).
     * Integers accept an optional sign and an integral decimal such as {@code 10.0} (the SDK writes
     * integer defaults that way); booleans accept {@code true/false/1/0/t/f} in any case, as Go's
     * {@code strconv.ParseBool} that KFP's launcher uses; lists and structs are JSON.
     *
     * @throws ParameterTypeException naming the text and the expected type
     */
    public JsonNode parse(String text) {
        String t = text == null ? "" : text;
        switch (this) {
            case STRING:
                return TextNode.valueOf(t);
            case NUMBER_INTEGER: {
                String s = t.trim();
                try {
                    return LongNode.valueOf(Long.parseLong(s));
                } catch (NumberFormatException e) {
                    try {
                        BigDecimal d = new BigDecimal(s);
                        return LongNode.valueOf(d.longValueExact());
                    } catch (NumberFormatException | ArithmeticException e2) {
                        throw new ParameterTypeException("'" + t + "' is not " + words());
                    }
                }
            }
            case NUMBER_DOUBLE: {
                String s = t.trim();
                try {
                    if (s.isEmpty() || s.endsWith("d") || s.endsWith("D") || s.endsWith("f") || s.endsWith("F")) {
                        throw new NumberFormatException();
                    }
                    return DoubleNode.valueOf(Double.parseDouble(s));
                } catch (NumberFormatException e) {
                    throw new ParameterTypeException("'" + t + "' is not " + words());
                }
            }
            case BOOLEAN:
                return switch (t.trim()) {
                    case "true", "True", "TRUE", "t", "T", "1" -> BooleanNode.TRUE;
                    case "false", "False", "FALSE", "f", "F", "0" -> BooleanNode.FALSE;
                    default -> throw new ParameterTypeException("'" + t + "' is not " + words());
                };
            case LIST:
            case STRUCT: {
                JsonNode n;
                try {
                    n = Json.MAPPER.readTree(t);
                } catch (JsonProcessingException e) {
                    n = null;
                }
                if (n == null || (this == LIST && !n.isArray()) || (this == STRUCT && !n.isObject())) {
                    throw new ParameterTypeException("'" + abbreviate(t) + "' is not " + words());
                }
                return protoNumbers(n);
            }
            default:
                throw new IllegalStateException();
        }
    }

    /**
     * Checks (and normalises) a JSON value given for this type: numbers for numeric types (an
     * integral double for an integer), a string is parsed as text (an HTTP request or a constant may
     * carry {@code "10"}).
     *
     * @throws ParameterTypeException naming the value and the expected type
     */
    public JsonNode coerce(JsonNode value) {
        if (value == null || value.isNull()) {
            return value;
        }
        if (value.isTextual()) {
            return parse(value.asText());
        }
        switch (this) {
            case STRING:
                // KFP passes a non-string constant to a STRING input as its JSON text
                return TextNode.valueOf(text(value));
            case NUMBER_INTEGER:
                if (value.isIntegralNumber()) {
                    return LongNode.valueOf(value.asLong());
                }
                if (value.isNumber() && value.asDouble() == Math.rint(value.asDouble()) && !Double.isInfinite(value.asDouble())) {
                    return LongNode.valueOf((long) value.asDouble());
                }
                break;
            case NUMBER_DOUBLE:
                if (value.isNumber()) {
                    return DoubleNode.valueOf(value.asDouble());
                }
                break;
            case BOOLEAN:
                if (value.isBoolean()) {
                    return value;
                }
                break;
            case LIST:
                if (value.isArray()) {
                    return protoNumbers(value);
                }
                break;
            case STRUCT:
                if (value.isObject()) {
                    return protoNumbers(value);
                }
                break;
            default:
                break;
        }
        throw new ParameterTypeException(abbreviate(value.toString()) + " is not " + words());
    }

    /**
     * The text of a value as KFP's launcher substitutes it: a string as is, a number in the shortest
     * decimal form without exponent ({@code 10}, {@code 0.5}), a boolean {@code true}/{@code false},
     * a list or struct as compact JSON.
     */
    public static String text(JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        if (value.isTextual()) {
            return value.asText();
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isNumber()) {
            double d = value.asDouble();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Double.toString(d);
            }
            return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        }
        if (value.isBoolean()) {
            return Boolean.toString(value.asBoolean());
        }
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The numbers of a list or struct as KFP's launcher passes them: a protobuf {@code Value} holds
     * every number as a double, and protojson writes a whole one without a fraction ({@code 1.0} →
     * {@code 1}; the compiler stores {@code {'A': 1}} as {@code {A: 1.0}}).
     */
    static JsonNode protoNumbers(JsonNode n) {
        if (n.isFloatingPointNumber()) {
            double d = n.asDouble();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? LongNode.valueOf((long) d) : n;
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode a = Json.MAPPER.createArrayNode();
            n.forEach(e -> a.add(protoNumbers(e)));
            return a;
        }
        if (n.isObject()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = Json.MAPPER.createObjectNode();
            n.fields().forEachRemaining(e -> o.set(e.getKey(), protoNumbers(e.getValue())));
            return o;
        }
        return n;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
