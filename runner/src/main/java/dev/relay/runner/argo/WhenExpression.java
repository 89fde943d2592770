package dev.relay.runner.argo;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Evaluates an Argo {@code when} expression after its {@code {{...}}} references were substituted,
 * as Argo does (it hands the substituted text to govaluate). The forms KFP 1.8 writes, and the
 * usual combinations: {@code "heads" == "heads"}, {@code 7 > 5}, {@code ==}, {@code !=},
 * {@code <}, {@code <=}, {@code >}, {@code >=}, {@code &&}, {@code ||}, {@code !}, parentheses,
 * {@code true}/{@code false}. Quoted operands ({@code "..."} or {@code '...'}) are strings;
 * unquoted numbers are numbers. Two numbers compare as numbers, two strings as strings
 * (ordering by code point); a string against a number is unequal (and an ordering between them
 * is an error), as in govaluate. Pure: no I/O, no state.
 */
public final class WhenExpression {
    private final List<String> tokens;
    private final String text;
    private int pos;

    private WhenExpression(String text) {
        this.text = text;
        this.tokens = tokenize(text);
    }

    /**
     * @param substituted the expression with every reference replaced by its value
     * @return whether it holds
     * @throws IllegalArgumentException naming the expression and what was wrong (unknown operator,
     *     a bare word that is not a number or a boolean, unbalanced parentheses, a non-boolean result)
     */
    public static boolean evaluate(String substituted) {
        WhenExpression e = new WhenExpression(substituted);
        Object v = e.or();
        if (e.pos != e.tokens.size()) {
            throw e.error("unexpected '" + e.tokens.get(e.pos) + "'");
        }
        if (!(v instanceof Boolean b)) {
            throw e.error("the expression is not a comparison (its value is " + show(v) + ")");
        }
        return b;
    }

    /**
     * Checks the syntax of an expression with references still in it (each reference is read as
     * a string operand).
     *
     * @throws IllegalArgumentException as {@link #evaluate}
     */
    public static void check(String expression) {
        evaluate(ArgoString.substitute(expression, r -> "0"));
    }

    /**
     * Rewrites a {@code when} expression, references still in it, as the CEL that the pipeline
     * model's conditions use: a quoted reference ({@code "{{...}}"}) becomes
     * {@code string(OPERAND)}, an unquoted one {@code double(OPERAND)} (Argo substitutes it as
     * a bare number), quoted literals become CEL strings; operators, numbers, booleans and
     * parentheses stay. Checks the syntax first.
     *
     * @param operand the CEL expression reading a reference's value, e.g.
     *     {@code inputs.parameter_values['relay--condition-0']}
     * @throws IllegalArgumentException as {@link #evaluate}, or for a quoted string mixing text
     *     and references
     */
    public static String toCel(String expression, java.util.function.Function<ArgoString.Ref, String> operand) {
        check(expression);
        StringBuilder b = new StringBuilder();
        for (String t : tokenize(expression)) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            if (t.startsWith("\u0000")) {
                String content = t.substring(1);
                List<Object> parts = ArgoString.parse(content);
                if (parts.size() == 1 && parts.get(0) instanceof ArgoString.Ref r) {
                    b.append("string(").append(operand.apply(r)).append(')');
                } else if (parts.stream().anyMatch(ArgoString.Ref.class::isInstance)) {
                    throw new IllegalArgumentException("invalid 'when' expression '" + expression + "': the string \""
                            + content + "\" mixes text and references");
                } else {
                    b.append('\'').append(content.replace("\\", "\\\\").replace("'", "\\'")).append('\'');
                }
            } else {
                ArgoString.Ref r = ArgoString.whole(t);
                b.append(r != null ? "double(" + operand.apply(r) + ")" : t);
            }
        }
        return b.toString();
    }

    private Object or() {
        Object l = and();
        while (peek("||")) {
            pos++;
            Object r = and();
            l = bool(l) || bool(r);
        }
        return l;
    }

    private Object and() {
        Object l = not();
        while (peek("&&")) {
            pos++;
            Object r = not();
            l = bool(l) && bool(r);
        }
        return l;
    }

    private Object not() {
        if (peek("!")) {
            pos++;
            return !bool(not());
        }
        return comparison();
    }

    private Object comparison() {
        Object l = primary();
        if (pos < tokens.size() && List.of("==", "!=", "<", "<=", ">", ">=").contains(tokens.get(pos))) {
            String op = tokens.get(pos++);
            Object r = primary();
            return compare(l, op, r);
        }
        return l;
    }

    private Object primary() {
        if (pos >= tokens.size()) {
            throw error("the expression ends too early");
        }
        String t = tokens.get(pos++);
        if (t.equals("(")) {
            Object v = or();
            if (!peek(")")) {
                throw error("missing ')'");
            }
            pos++;
            return v;
        }
        if (t.startsWith("\u0000")) {
            return new Str(t.substring(1));
        }
        if (t.equals("true") || t.equals("false")) {
            return Boolean.parseBoolean(t);
        }
        try {
            return new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw error("'" + t + "' is neither a quoted string, a number nor true/false");
        }
    }

    private Object compare(Object l, String op, Object r) {
        if (l instanceof BigDecimal a && r instanceof BigDecimal b) {
            int c = a.compareTo(b);
            return switch (op) {
                case "==" -> c == 0;
                case "!=" -> c != 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0;
            };
        }
        if (l instanceof Str a && r instanceof Str b) {
            int c = a.s.compareTo(b.s);
            return switch (op) {
                case "==" -> c == 0;
                case "!=" -> c != 0;
                case "<" -> c < 0;
                case "<=" -> c <= 0;
                case ">" -> c > 0;
                default -> c >= 0;
            };
        }
        if (op.equals("==")) {
            return l.equals(r);
        }
        if (op.equals("!=")) {
            return !l.equals(r);
        }
        throw error("cannot order " + show(l) + " and " + show(r));
    }

    private boolean bool(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw error(show(v) + " is not true or false");
    }

    private boolean peek(String t) {
        return pos < tokens.size() && tokens.get(pos).equals(t);
    }

    private IllegalArgumentException error(String why) {
        return new IllegalArgumentException("invalid 'when' expression '" + text + "': " + why);
    }

    private static String show(Object v) {
        return v instanceof Str s ? "'" + s.s + "'" : String.valueOf(v);
    }

    private record Str(String s) {}

    /** Tokens; a quoted string becomes NUL + its content, so no other token can look like one. */
    private static List<String> tokenize(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                StringBuilder b = new StringBuilder();
                while (j < s.length() && s.charAt(j) != c) {
                    if (s.charAt(j) == '\\' && j + 1 < s.length()) {
                        j++;
                    }
                    b.append(s.charAt(j++));
                }
                if (j >= s.length()) {
                    throw new IllegalArgumentException("invalid 'when' expression '" + s + "': unterminated string");
                }
                out.add("\u0000" + b);
                i = j + 1;
            } else if (s.startsWith("&&", i) || s.startsWith("||", i) || s.startsWith("==", i)
                    || s.startsWith("!=", i) || s.startsWith("<=", i) || s.startsWith(">=", i)) {
                out.add(s.substring(i, i + 2));
                i += 2;
            } else if ("()<>!".indexOf(c) >= 0) {
                out.add(String.valueOf(c));
                i++;
            } else {
                int j = i;
                while (j < s.length() && !Character.isWhitespace(s.charAt(j)) && "()<>!=&|\"'".indexOf(s.charAt(j)) < 0) {
                    j++;
                }
                if (j == i) {
                    throw new IllegalArgumentException("invalid 'when' expression '" + s + "': unexpected '" + c + "'");
                }
                out.add(s.substring(i, j));
                i = j;
            }
        }
        return out;
    }
}
