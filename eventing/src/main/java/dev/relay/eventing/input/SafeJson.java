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
}
