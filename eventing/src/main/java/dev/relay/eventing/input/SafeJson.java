package dev.relay.eventing.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Jackson with {@link InputLimits}: documents of at most {@link InputLimits#MAX_BYTES} bytes,
 * strings of at most that many characters, nesting of at most {@link InputLimits#MAX_DEPTH}
 * levels. Jackson's refusal ({@code StreamConstraintsException}) names the limit exceeded.
 */
public final class SafeJson {
    private SafeJson() {}

    /** @return Jackson's read constraints with Relay's limits */
    public static StreamReadConstraints constraints() {
        return StreamReadConstraints.builder()
                .maxDocumentLength(InputLimits.MAX_BYTES)
                .maxStringLength(InputLimits.MAX_BYTES)
                .maxNestingDepth(InputLimits.MAX_DEPTH)
                .build();
    }

    /** @return a JSON factory that applies {@link #constraints()} */
    public static JsonFactory factory() {
        return JsonFactory.builder().streamReadConstraints(constraints()).build();
    }

    /** @return a {@link JsonMapper} builder over {@link #factory()}, for mappers with features of their own */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder(factory());
    }

    /** @return a default mapper (as {@code new ObjectMapper()}) with Relay's limits */
    public static ObjectMapper mapper() {
        return builder().build();
    }

    /**
     * A Jackson failure in plain words, for answers and CLI output: what is wrong, at which field
     * ({@code field a.b[2]}) or where ({@code line L, column C}), without Java type or exception
     * class names and without Jackson's source excerpt.
     *
     * @param e a failure of a read (a {@code JsonProcessingException}, or any other I/O failure)
     * @return e.g. {@code field parameters.count: expected a string, not an object} or
     *     {@code line 1, column 7: Unexpected character ('x' (code 120)): expected a valid value …}
     */
    public static String describe(Throwable e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m && !m.getPath().isEmpty()) {
            return "field " + path(m.getPath()) + ": expected " + kind(m.getTargetType())
                    + (m instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f && f.getValue() != null
                            ? ", got '" + f.getValue() + "'" : "");
        }
        if (e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()) {
            return "field " + path(m.getPath()) + ": " + ErrorText.plain(m.getOriginalMessage());
        }
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            com.fasterxml.jackson.core.JsonLocation at = j.getLocation();
            String where = at == null || at.getLineNr() < 1 ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            return where + ErrorText.plain(j.getOriginalMessage());
        }
        return ErrorText.of(e);
    }

    private static String path(java.util.List<com.fasterxml.jackson.databind.JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.length() == 0 ? "(document)" : sb.toString();
    }

    /** The JSON kind a Java target type reads from. */
    private static String kind(Class<?> t) {
        if (t == null) {
            return "another kind of value";
        }
        if (CharSequence.class.isAssignableFrom(t) || t.isEnum() || t == Character.class || t == char.class) {
            return "a string";
        }
        if (Number.class.isAssignableFrom(t) || (t.isPrimitive() && t != boolean.class)) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "a boolean";
        }
        if (java.util.Collection.class.isAssignableFrom(t) || t.isArray()) {
            return "an array";
        }
        return "an object";
    }
}
