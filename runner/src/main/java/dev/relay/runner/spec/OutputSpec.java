package dev.relay.runner.spec;

import java.util.Locale;
import java.util.Objects;

/**
 * One declared output of a component (KFP v1 {@code OutputSpec}).
 *
 * @param name        the name as declared (may contain spaces, may equal an input's name); never null
 * @param type        the {@code type} as written (null, String, Map or List), kept verbatim
 * @param description the description or null
 */
public record OutputSpec(String name, Object type, String description) {
    /** Normalized name of KFP's UI metadata output. */
    public static final String UI_METADATA = "mlpipeline-ui-metadata";
    /** Normalized name of KFP's metrics output. */
    public static final String METRICS = "mlpipeline-metrics";

    /** @throws NullPointerException if name is null */
    public OutputSpec {
        Objects.requireNonNull(name, "name");
    }

    /** Whether this is the run's metrics file ({@code MLPipeline Metrics}, {@code mlpipeline-metrics}, ...). */
    public boolean isMetrics() {
        return METRICS.equals(normalizedName(name));
    }

    /** Whether this is the UI metadata file ({@code MLPipeline UI metadata}, {@code mlpipeline-ui-metadata}, ...). */
    public boolean isUiMetadata() {
        return UI_METADATA.equals(normalizedName(name));
    }

    /**
     * KFP v1's rule for recognising the special outputs: the name lowercased, every character
     * other than {@code [a-z0-9]} replaced by {@code -} (one for one, nothing collapsed).
     */
    public static String normalizedName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            sb.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '-');
        }
        return sb.toString();
    }
}
