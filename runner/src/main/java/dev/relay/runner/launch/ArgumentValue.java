package dev.relay.runner.launch;

/**
 * The argument an execution gets for one input: a text value (a constant, a pipeline parameter,
 * a default), an artifact written by an upstream task, or a run's reference to an existing object.
 */
public sealed interface ArgumentValue {
    /**
     * A text value. Given to an {@code inputPath} input, its text becomes the file's content.
     *
     * @param text   the value
     * @param object true when the value is an artifact reference ({@code s3://bucket/key} of an existing
     *               object, CONTRACTS.md "Run request"): an {@code inputPath} input then gets the object's
     *               content, an {@code inputUri} input the URI, and an {@code inputValue} input the URI as text.
     *               A plain text value is never read as an object, whatever it looks like.
     */
    record Value(String text, boolean object) implements ArgumentValue {
        /** A literal text value. */
        public Value(String text) {
            this(text, false);
        }

        /** @return a reference to the existing object at {@code uri} */
        public static Value reference(String uri) {
            return new Value(uri, true);
        }
    }

    /** An artifact at {@code s3://bucket/key}; given to an {@code inputValue} input, its content is the value. */
    record Artifact(String uri) implements ArgumentValue {}
}
