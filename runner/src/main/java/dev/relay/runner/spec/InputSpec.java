package dev.relay.runner.spec;

import java.util.Objects;

/**
 * One declared input of a component (KFP v1 {@code InputSpec}).
 *
 * <p>In KFP v1 an input with a {@code default} is treated as present: the default becomes the
 * argument when the caller gives none. An input that is {@code optional} without a default and
 * gets no argument is absent (its {@code inputValue}/{@code inputPath} placeholders are dropped).
 * An input with neither is required.
 *
 * @param name         the name as declared (may contain spaces); never null
 * @param type         the {@code type} as written: null, a String such as {@code CSV}, or a Map/List
 *                     such as {@code {GCSPath: {data_type: CSV}}}, kept verbatim
 * @param description  the description or null
 * @param defaultValue the raw YAML default (String/Boolean/Integer/Long/Double/List/Map), or null for none
 * @param optional     the {@code optional} flag as written (false when absent)
 */
public record InputSpec(String name, Object type, String description, Object defaultValue, boolean optional) {
    /** @throws NullPointerException if name is null */
    public InputSpec {
        Objects.requireNonNull(name, "name");
    }

    /** Whether a {@code default} is declared (an empty string {@code ''} counts). */
    public boolean hasDefault() {
        return defaultValue != null;
    }

    /** Required: no default and not optional; a missing argument is then an error. */
    public boolean isRequired() {
        return defaultValue == null && !optional;
    }
}
