package dev.relay.runner.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serializes values the way KFP v1 writes them into a command line
 * ({@code kfp/components/_data_passing.py} {@code serialize_value}): scalars with Python's
 * {@code str()}, lists and maps with {@code json.dumps} defaults. Also Python's {@code strtobool},
 * which KFP uses to read an {@code if} condition.
 */
public final class Values {
    private Values() {
    }

    /**
     * KFP's string for a raw YAML value.
     * <ul>
     * <li>String → itself;</li>
     * <li>Boolean → {@code True} / {@code False};</li>
     * <li>Integer, Long, BigInteger → decimal digits;</li>
     * <li>Float, Double, BigDecimal → Python's {@code repr}: {@code 1.0}, {@code 0.1}, {@code 1e-05},
     *     {@code 1e+16}, {@code inf}, {@code nan};</li>
     * <li>List, Map → {@code json.dumps(v)}: separators {@code ", "} and {@code ": "}, non-ASCII
     *     escaped as {@code \\uXXXX}, e.g. {@code {"a": 1, "b": [1, 2]}};</li>
     * <li>null → null (in KFP a None argument means "no argument").</li>
     * </ul>
     * Anything else (a YAML timestamp kept as text, ...) uses {@code toString()}.
     */
    public static String toKfpString(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof Integer || v instanceof Long || v instanceof BigInteger
                || v instanceof Short || v instanceof Byte) {
            return v.toString();
        }
        if (v instanceof Double || v instanceof Float) {
            return pythonFloatRepr(((Number) v).doubleValue());
        }
        if (v instanceof BigDecimal d) {
            return pythonFloatRepr(d.doubleValue());
        }
        if (v instanceof List<?> || v instanceof Map<?, ?>) {
            StringBuilder sb = new StringBuilder();
            appendJson(sb, v);
            return sb.toString();
        }
        return v.toString();
    }

    /**
     * Python's {@code repr(float)} (shortest round-trip digits; exponent form when the decimal
     * exponent is below -4 or at least 16).
     */
    public static String pythonFloatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal bd = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = bd.unscaledValue().toString();
        int exp = digits.length() - 1 - bd.scale();
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (exp < -4 || exp >= 16) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append('e').append(exp < 0 ? '-' : '+');
            int a = Math.abs(exp);
            if (a < 10) {
                sb.append('0');
            }
            sb.append(a);
        } else if (exp >= 0) {
            if (digits.length() <= exp + 1) {
                sb.append(digits).append("0".repeat(exp + 1 - digits.length())).append(".0");
            } else {
                sb.append(digits, 0, exp + 1).append('.').append(digits, exp + 1, digits.length());
            }
        } else {
            sb.append("0.").append("0".repeat(-exp - 1)).append(digits);
        }
        return sb.toString();
    }

    /**
     * Python's {@code distutils.util.strtobool}: {@code y yes t true on 1} → true,
     * {@code n no f false off 0} → false, any case.
     *
     * @throws IllegalArgumentException for anything else
     */
    public static boolean strtobool(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "y", "yes", "t", "true", "on", "1":
                return true;
            case "n", "no", "f", "false", "off", "0":
                return false;
            default:
                throw new IllegalArgumentException("invalid truth value '" + s + "'");
        }
    }

    private static void appendJson(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            appendJsonString(sb, s);
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d)) {
                sb.append("NaN");
            } else if (Double.isInfinite(d)) {
                sb.append(d > 0 ? "Infinity" : "-Infinity");
            } else {
                sb.append(pythonFloatRepr(d));
            }
        } else if (v instanceof Number) {
            sb.append(v);
        } else if (v instanceof List<?> list) {
            sb.append('[');
            for (Iterator<?> it = list.iterator(); it.hasNext(); ) {
                appendJson(sb, it.next());
                if (it.hasNext()) {
                    sb.append(", ");
                }
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> map) {
            sb.append('{');
            for (Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<?, ?> e = it.next();
                appendJsonString(sb, jsonKey(e.getKey()));
                sb.append(": ");
                appendJson(sb, e.getValue());
                if (it.hasNext()) {
                    sb.append(", ");
                }
            }
            sb.append('}');
        } else {
            appendJsonString(sb, v.toString());
        }
    }

    /** json.dumps turns non-string keys into strings: True → "true", None → "null", 1.5 → "1.5". */
    private static String jsonKey(Object k) {
        if (k == null) {
            return "null";
        }
        if (k instanceof Boolean b) {
            return b ? "true" : "false";
        }
        if (k instanceof String s) {
            return s;
        }
        if (k instanceof Double || k instanceof Float) {
            StringBuilder sb = new StringBuilder();
            appendJson(sb, k);
            return sb.toString();
        }
        return k.toString();
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** json.dumps string with ensure_ascii=True. */
    private static void appendJsonString(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
