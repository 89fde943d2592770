package dev.relay.eventing.input;

/**
 * The limits Relay applies to every YAML or JSON document it reads (spec files, {@code
 * componentRef.url} targets, package entries, HTTP bodies, trigger files, events). Each refusal
 * names the limit it hit. The figures are far above what a KFP pipeline needs (the largest file
 * of the KFP corpus is under 1 MiB, with no YAML aliases and nesting under 30 levels).
 */
public final class InputLimits {
    private InputLimits() {}

    /** Largest document, in bytes (files, bodies, package entries): 16 MiB. */
    public static final int MAX_BYTES = 16 * 1024 * 1024;
    /** Largest YAML document, in Unicode code points (SnakeYAML's code point limit). */
    public static final int MAX_CODE_POINTS = MAX_BYTES;
    /** Most YAML aliases to collections in one document (SnakeYAML's alias limit). */
    public static final int MAX_ALIASES = 100;
    /** Deepest nesting of mappings and sequences, counted after aliases are expanded. */
    public static final int MAX_DEPTH = 100;
    /** Most nodes aliases may add to a YAML document once expanded (the "billion laughs" guard). */
    public static final int MAX_ALIAS_EXPANSION_NODES = 100_000;

    /** @return {@code bytes} as a short human figure ("16 MiB", "593 bytes") */
    public static String size(long bytes) {
        if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MiB";
        }
        return bytes + " bytes";
    }
}
