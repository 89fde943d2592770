package dev.relay.runner.engine.cel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of CEL (github.com/google/cel-spec) that the KFP compiler writes into
 * {@code triggerPolicy.condition} and {@code parameterExpressionSelector}, evaluated over JSON values
 * as {@link JsonText} holds them:
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
    private final String src;
    private final Map<String, Object> vars;
    private int pos;

    private Cel(String src, Map<String, Object> vars) {
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
    public static boolean condition(String expression, Map<String, Object> parameterValues) throws CelException {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("parameter_values", parameterValues);
        Object v = eval(expression, Map.of("inputs", inputs));
        if (!(v instanceof Boolean b)) {
            throw new CelException("condition '" + expression + "' gives " + JsonText.write(v) + ", expected true or false");
        }
        return b;
    }

    /**
     * Evaluates a {@code parameterExpressionSelector} on a value; {@code string_value} is the value
     * itself when it is a string, else its JSON text.
     *
     * @throws CelException for a syntax error or a key that is not there
     */
    public static Object select(String expression, Object value) throws CelException {
        Object sv = value instanceof String ? value : JsonText.write(value);
        return eval(expression, Map.of("string_value", sv, "struct_value", value, "number_value", value,
                "bool_value", value, "list_value", value));
    }

    /**
     * Evaluates {@code expression} with the given variables.
     *
     * @throws CelException on a syntax or evaluation error
     */
    public static Object eval(String expression, Map<String, Object> variables) throws CelException {
        Cel p = new Cel(expression, variables);
        Object v = p.or();
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

    private Object or() throws CelException {
        Object l = and();
        while (eat("||")) {
            Object r = and();
            l = Boolean.valueOf(truth(l) || truth(r));
        }
        return l;
    }

    private Object and() throws CelException {
        Object l = comparison();
        while (eat("&&")) {
            Object r = comparison();
            l = Boolean.valueOf(truth(l) && truth(r));
        }
        return l;
    }

    private boolean truth(Object v) throws CelException {
        if (!(v instanceof Boolean b)) {
            throw error("expected a boolean, got " + abbreviate(v));
        }
        return b;
    }

    private Object comparison() throws CelException {
        Object l = unary();
        for (String op : new String[] {"==", "!=", "<=", ">=", "<", ">"}) {
            int at = pos;
            if (eat(op)) {
                Object r = unary();
                return Boolean.valueOf(compare(op, l, r, at));
            }
        }
        return l;
    }

    private boolean compare(String op, Object l, Object r, int at) throws CelException {
        if (op.equals("==") || op.equals("!=")) {
            boolean eq = l instanceof Number a && r instanceof Number b ? a.doubleValue() == b.doubleValue() : l.equals(r);
            return op.equals("==") == eq;
        }
        int c;
        if (l instanceof Number a && r instanceof Number b) {
            c = Double.compare(a.doubleValue(), b.doubleValue());
        } else if (l instanceof String a && r instanceof String b) {
            c = a.compareTo(b);
        } else {
            pos = at;
            throw error("cannot order " + abbreviate(l) + " and " + abbreviate(r));
        }
        return switch (op) {
            case "<" -> c < 0;
            case "<=" -> c <= 0;
            case ">" -> c > 0;
            default -> c >= 0;
        };
    }

    private Object unary() throws CelException {
        skipSpace();
        if (pos < src.length() && src.charAt(pos) == '!' && !src.startsWith("!=", pos)) {
            pos++;
            return Boolean.valueOf(!truth(unary()));
        }
        if (pos < src.length() && src.charAt(pos) == '-') {
            pos++;
            Object v = unary();
            if (v instanceof Long n) {
                return -n;
            }
            if (v instanceof Number n) {
                return -n.doubleValue();
            }
            throw error("cannot negate " + abbreviate(v));
        }
        return postfix(primary());
    }

    private Object postfix(Object v) throws CelException {
        while (true) {
            if (eat("[")) {
                Object k = or();
                expect("]");
                v = index(v, k);
            } else if (peekDotField()) {
                pos++;
                v = index(v, ident());
            } else {
                return v;
            }
        }
    }

    private boolean peekDotField() {
        skipSpace();
        return pos + 1 < src.length() && src.charAt(pos) == '.' && Character.isJavaIdentifierStart(src.charAt(pos + 1));
    }

    private Object index(Object v, Object k) throws CelException {
        if (v instanceof Map<?, ?> m && k instanceof String key) {
            Object r = m.get(key);
            if (r == null) {
                throw error("no key '" + key + "' in " + abbreviate(v));
            }
            return r;
        }
        if (v instanceof List<?> l && k instanceof Long n) {
            if (n < 0 || n >= l.size()) {
                throw error("index " + n + " is outside a list of " + l.size());
            }
            return l.get(n.intValue());
        }
        throw error("cannot index " + abbreviate(v) + " with " + abbreviate(k));
    }

    private static String abbreviate(Object v) {
        String s = JsonText.write(v);
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

    private Object primary() throws CelException {
        skipSpace();
        if (pos >= src.length()) {
            throw error("unexpected end");
        }
        char c = src.charAt(pos);
        if (c == '(') {
            pos++;
            Object v = or();
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
            List<Object> args = new ArrayList<>();
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
                return Boolean.TRUE;
            case "false":
                return Boolean.FALSE;
            case "null":
                return JsonText.NULL;
            default:
                Object v = vars.get(name);
                if (v == null) {
                    pos = at;
                    throw error("unknown name '" + name + "'; expected one of " + vars.keySet());
                }
                return v;
        }
    }

    private Object string(char quote) throws CelException {
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
        return sb.toString();
    }

    private Object number() {
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
            return Double.parseDouble(t);
        }
        return Long.parseLong(t);
    }

    private Object call(String name, List<Object> args, int at) throws CelException {
        if (args.size() != 1) {
            pos = at;
            throw error(name + "() takes one argument, got " + args.size());
        }
        Object a = args.get(0);
        try {
            switch (name) {
                case "int":
                    if (a instanceof Number n) {
                        return (long) n.doubleValue();
                    }
                    if (a instanceof String t) {
                        return Long.parseLong(t.trim());
                    }
                    if (a instanceof Boolean b) {
                        return b ? 1L : 0L;
                    }
                    break;
                case "double":
                    if (a instanceof Number n) {
                        return n.doubleValue();
                    }
                    if (a instanceof String t) {
                        return Double.parseDouble(t.trim());
                    }
                    break;
                case "string":
                    if (a instanceof String) {
                        return a;
                    }
                    if (a instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
                        return Long.toString((long) d.doubleValue());
                    }
                    if (a instanceof Number || a instanceof Boolean) {
                        return a.toString();
                    }
                    return JsonText.write(a);
                case "bool":
                    if (a instanceof Boolean) {
                        return a;
                    }
                    if (a instanceof String t && (t.equals("true") || t.equals("false"))) {
                        return Boolean.valueOf(t);
                    }
                    break;
                case "parseJson":
                    if (a instanceof String t) {
                        return JsonText.parse(t);
                    }
                    return a;
                case "size":
                    if (a instanceof String t) {
                        return (long) t.length();
                    }
                    if (a instanceof List<?> l) {
                        return (long) l.size();
                    }
                    if (a instanceof Map<?, ?> m) {
                        return (long) m.size();
                    }
                    break;
                default:
                    pos = at;
                    throw error("unknown function '" + name + "'; expected int, double, string, bool, parseJson or size");
            }
        } catch (IllegalArgumentException e) {
            pos = at;
            throw error(name + "(" + abbreviate(a) + ") failed: " + e.getMessage());
        }
        pos = at;
        throw error(name + "() does not take " + abbreviate(a));
    }
}
