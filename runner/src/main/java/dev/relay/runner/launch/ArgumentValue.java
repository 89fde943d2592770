package dev.relay.runner.launch;

/**
 * The argument an execution gets for one input: a text value (a constant, a pipeline parameter,
 * a default) or an artifact written by an upstream task.
 */
public sealed interface ArgumentValue {
    /**
     * A text value. Given to an {@code inputPath} input, its text becomes the file's content, except
     * that an {@code s3://bucket/key} value names an existing object (docs/contracts.md, {@code relay run -p}).
     */
    record Value(String text) implements ArgumentValue {}

    /** An artifact at {@code s3://bucket/key}; given to an {@code inputValue} input, its content is the value. */
    record Artifact(String uri) implements ArgumentValue {}
}
