package dev.relay.runner.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.relay.eventing.input.SafeJson;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one Jackson mapper for Relay's own JSON documents (run.json, status.json, CLI output). */
public final class Json {
    /** Keeps nulls (docs/contracts.md shows them), ignores unknown fields (others may add fields). */
    public static final ObjectMapper MAPPER = SafeJson.builder() // Relay's size and depth limits
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .serializationInclusion(JsonInclude.Include.ALWAYS)
            .build();

    private Json() {}

    /** @return compact JSON bytes (UTF-8) */
    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /** @return indented JSON text */
    public static String pretty(Object value) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * @throws UncheckedIOException when {@code data} is not JSON of that shape; the message names
     *     {@code what} (an object key or a file)
     */
    public static <T> T read(byte[] data, Class<T> type, String what) {
        try {
            return MAPPER.readValue(data, type);
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": not valid JSON of its kind: "
                    + dev.relay.eventing.input.SafeJson.describe(e), e);
        }
    }
}
