package dev.relay.runner.model.cel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The subset of CEL (github.com/google/cel-spec) that the KFP compiler writes into
 * {@code triggerPolicy.condition} and {@code parameterExpressionSelector}, evaluated over JSON values:
 * <ul>
 *   <li>literals: strings in {@code '…'} or {@code "…"}, integers, doubles, {@code true}, {@code false}, {@code null};</li>
 *   <li>{@code inputs.parameter_values['name']} (conditions) and {@code string_value} (selectors);</li>
 *   <li>{@code ==}, {@code !=}, {@code <}, {@code <=}, {@code >}, {@code >=}, {@code &&}, {@code ||}, {@code !},
 *       unary {@code -}, parentheses;</li>
 *   <li>{@code int(x)}, {@code double(x)}, {@code string(x)}, {@code bool(x)}, {@code parseJson(x)}, {@code size(x)};</li>
 *   <li>indexing {@code x['k']}, {@code x[0]} and field access {@code x.k}.</li>
 * </ul>
 * Numbers compare as numbers (an integer equals the same double), strings as strings; comparing
 * values of other different types is {@code false} for {@code ==} and an error for ordering, as in CEL.
 */
public final class Cel {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final String src;
    private final Map<String, JsonNode> vars;
    private int pos;

    private Cel(String src, Map<String, JsonNode> vars) {
        this.src = src;
        this.vars = vars;
    }

    /**
     * Evaluates a trigger condition.
     *
     * @param expression      {@code triggerPolicy.condition}
     * @param parameterValues the task's resolved input parameters ({@code inputs.parameter_values})
     * @return whether the task runs
     * @throws CelException for a syntax error, an unknown function or input, or a result that is not a boolean
     */
    public static boolean condition(String expression, Map<String, JsonNode> parameterValues) throws CelException {
        ObjectNode inputs = F.objectNode();
        ObjectNode pv = inputs.putObject("parameter_values");
        parameterValues.forEach(pv::set);
        JsonNode v = eval(expression, Map.of("inputs", inputs));
        if (!v.isBoolean()) {
            throw new CelException("condition '" + expression + "' gives " + v + ", expected true or false");
        }
        return v.booleanValue();
    }

    /**
     * Evaluates a {@code parameterExpressionSelector} on a value; {@code string_value} is the value
     * itself when it is a string, else its JSON text.
     *
     * @throws CelException for a syntax error or a key that is not there
     */
    public static JsonNode select(String expression, JsonNode value) throws CelException {
        JsonNode sv = value.isTextual() ? value : TextNode.valueOf(value.toString());
        return eval(expression, Map.of("string_value", sv, "struct_value", value, "number_value", value,
                "bool_value", value, "list_value", value));
    }

    /**
     * Evaluates {@code expression} with the given variables.
     *
     * @throws CelException on a syntax or evaluation error
     */
    public static JsonNode eval(String expression, Map<String, JsonNode> variables) throws CelException {
        Cel p = new Cel(expression, variables);
        JsonNode v = p.or();
        p.skipSpace();
        if (p.pos != p.src.length()) {
            throw p.error("unexpected '" + p.src.substring(p.pos) + "'");
        }
        return v;
    }

    private CelException error(String what) {
        return new CelException("CEL expression '" + src + "' at column " + (pos + 1) + ": " + what);
    }

    private void skipSpace() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }

    private boolean eat(String token) {
        skipSpace();
        if (src.startsWith(token, pos)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    private void expect(String token) throws CelException {
        if (!eat(token)) {
            throw error("expected '" + token + "'");
        }
    }

    private JsonNode or() throws CelException {
        JsonNode l = and();
        while (eat("||")) {
            JsonNode r = and();
            l = BooleanNode.valueOf(truth(l) || truth(r));
        }
        return l;
    }

    private JsonNode and() throws CelException {
        JsonNode l = comparison();
        while (eat("&&")) {
            JsonNode r = comparison();
            l = BooleanNode.valueOf(truth(l) && truth(r));
        }
        return l;
    }

    private boolean truth(JsonNode v) throws CelException {
        if (!v.isBoolean()) {
            throw error("expected a boolean, got " + v);
        }
        return v.booleanValue();
    }

    private JsonNode comparison() throws CelException {
        JsonNode l = unary();
        for (String op : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
            int at = pos;
            if (eat(op)) {
                JsonNode r = unary();
                return BooleanNode.valueOf(compare(op, l, r, at));
            }
        }
        return l;
    }

    private boolean compare(String op, JsonNode l, JsonNode r, int at) throws CelException {
        if (op.equals("==") || op.equals("!=")) {
            boolean eq = l.isNumber() && r.isNumber() ? l.doubleValue() == r.doubleValue() : l.equals(r);
            return op.equals("==") == eq;
        }
        int c;
        if (l.isNumber() && r.isNumber()) {
            c = Double.compare(l.doubleValue(), r.doubleValue());
        } else if (l.isTextual() && r.isTextual()) {
            c = l.textValue().compareTo(r.textValue());
        } else {
            pos = at;
            throw error("cannot order " + l + " and " + r);
        }
        return switch (op) {
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    private JsonNode unary() throws CelException {
        skipSpace();
        if (pos < src.length() && src.charAt(pos) == '!' && !src.startsWith("!=", pos)) {
            pos++;
            return BooleanNode.valueOf(!truth(unary()));
        }
        if (pos < src.length() && src.charAt(pos) == '-') {
            pos++;
            JsonNode v = unary();
            if (!v.isNumber()) {
                throw error("cannot negate " + v);
            }
            return v.isIntegralNumber() ? LongNode.valueOf(-v.longValue()) : DoubleNode.valueOf(-v.doubleValue());
        }
        return postfix(primary());
    }

    private JsonNode postfix(JsonNode v) throws CelException {
        while (true) {
            if (eat("[")) {
                JsonNode k = or();
                expect("]");
                v = index(v, k);
            } else if (peekDotField()) {
                pos++;
                v = index(v, TextNode.valueOf(ident()));
            } else {
                return v;
            }
        }
    }

    private boolean peekDotField() {
        skipSpace();
        return pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isJavaIdentifierStart(src.charAt(pos + 1));
    }

    private JsonNode index(JsonNode v, JsonNode k) throws CelException {
        if (v.isObject() && k.isTextual()) {
            JsonNode r = v.get(k.textValue());
            if (r == null) {
                throw error("no key '" + k.textValue() + "' in " + abbreviate(v));
            }
            return r;
        }
        if (v.isArray() && k.isIntegralNumber()) {
            int i = k.intValue();
            if (i < 0 || i >= v.size()) {
                throw error("index " + i + " is outside a list of " + v.size());
            }
            return v.get(i);
        }
        throw error("cannot index " + abbreviate(v) + " with " + k);
    }

    private static String abbreviate(JsonNode v) {
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private String ident() throws CelException {
        skipSpace();
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        if (start == pos || Character.isDigit(src.charAt(start))) {
            pos = start;
            throw error("expected a name");
        }
        return src.substring(start, pos);
    }

    private JsonNode primary() throws CelException {
        skipSpace();
        if (pos >= src.length()) {
            throw error("unexpected end");
        }
        char c = src.charAt(pos);
        if (c == '(') {
            pos++;
            JsonNode v = or();
            expect(")");
            return v;
        }
        if (c == '\'' || c == '"') {
            return string(c);
        }
        if (Character.isDigit(c)) {
            return number();
        }
        int at = pos;
        String name = ident();
        if (eat("(")) {
            List<JsonNode> args = new ArrayList<>();
            if (!eat(")")) {
                do {
                    args.add(or());
                } while (eat(","));
                expect(")");
            }
            return call(name, args, at);
        }
        switch (name) {
            case "true":
                return BooleanNode.TRUE;
            case "false":
                return BooleanNode.FALSE;
            case "null":
                return NullNode.getInstance();
            default:
                JsonNode v = vars.get(name);
                if (v == null) {
                    pos = at;
                    throw error("unknown name '" + name + "'; expected one of " + vars.keySet());
                }
                return v;
        }
    }

    private JsonNode string(char quote) throws CelException {
        int start = pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < src.length() && src.charAt(pos) != quote) {
            char ch = src.charAt(pos++);
            if (ch == '\\' && pos < src.length()) {
                char e = src.charAt(pos++);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    default -> sb.append(e);
                }
            } else {
                sb.append(ch);
            }
        }
        if (pos >= src.length()) {
            pos = start;
            throw error("unterminated string");
        }
        pos++;
        return TextNode.valueOf(sb.toString());
    }

    private JsonNode number() {
        int start = pos;
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || ".eE+-".indexOf(src.charAt(pos)) >= 0)) {
            char ch = src.charAt(pos);
            if ((ch == '+' || ch == '-') && !(src.charAt(pos - 1) == 'e' || src.charAt(pos - 1) == 'E')) {
                break;
            }
            pos++;
        }
        String t = src.substring(start, pos);
        if (t.contains(".") || t.contains("e") || t.contains("E")) {
            return DoubleNode.valueOf(Double.parseDouble(t));
        }
        return LongNode.valueOf(Long.parseLong(t));
    }

    private JsonNode call(String name, List<JsonNode> args, int at) throws CelException {
        if (args.size() != 1) {
            pos = at;
            throw error(name + "() takes one argument, got " + args.size());
        }
        JsonNode a = args.get(0);
        try {
            switch (name) {
                case "int":
                    if (a.isNumber()) {
                        return LongNode.valueOf((long) a.doubleValue());
                    }
                    if (a.isTextual()) {
                        return LongNode.valueOf(Long.parseLong(a.textValue().trim()));
                    }
                    if (a.isBoolean()) {
                        return LongNode.valueOf(a.booleanValue() ? 1 : 0);
                    }
                    break;
                case "double":
                    if (a.isNumber()) {
                        return DoubleNode.valueOf(a.doubleValue());
                    }
                    if (a.isTextual()) {
                        return DoubleNode.valueOf(Double.parseDouble(a.textValue().trim()));
                    }
                    break;
                case "string":
                    if (a.isTextual()) {
                        return a;
                    }
                    if (a.isIntegralNumber() || (a.isNumber() && a.doubleValue() == Math.rint(a.doubleValue())
                            && !a.isIntegralNumber() && Math.abs(a.doubleValue()) < 1e15)) {
                        return TextNode.valueOf(a.isIntegralNumber() ? a.asText()
                                : Long.toString((long) a.doubleValue()));
                    }
                    return TextNode.valueOf(a.isValueNode() ? a.asText() : a.toString());
                case "bool":
                    if (a.isBoolean()) {
                        return a;
                    }
                    if (a.isTextual() && (a.textValue().equals("true") || a.textValue().equals("false"))) {
                        return BooleanNode.valueOf(a.textValue().equals("true"));
                    }
                    break;
                case "parseJson":
                    if (a.isTextual()) {
                        return JSON.readTree(a.textValue());
                    }
                    return a;
                case "size":
                    if (a.isTextual()) {
                        return LongNode.valueOf(a.textValue().length());
                    }
                    if (a.isContainerNode()) {
                        return LongNode.valueOf(a.size());
                    }
                    break;
                default:
                    pos = at;
                    throw error("unknown function '" + name + "'; expected int, double, string, bool, parseJson or size");
            }
        } catch (NumberFormatException | JsonProcessingException e) {
            pos = at;
            throw error(name + "(" + abbreviate(a) + ") failed: " + e.getMessage());
        }
        pos = at;
        throw error(name + "() does not take " + abbreviate(a));
    }
}
