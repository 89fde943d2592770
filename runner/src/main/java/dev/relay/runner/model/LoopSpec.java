package dev.relay.runner.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code parameterIterator} or {@code artifactIterator} of a loop task (KFP's {@code dsl.ParallelFor}).
 * Exactly one of {@code raw} and {@code input} is set.
 *
 * @param artifacts   true for an {@code artifactIterator} (items are artifacts)
 * @param itemInput   the loop body's input that receives one item
 * @param raw         {@code items.raw}: a JSON array (the compiler writes it as a string; parsed here)
 * @param input       {@code items.inputParameter} / {@code items.inputArtifact}: an input of the loop task
 * @param parallelism {@code iteratorPolicy.parallelismLimit}; 0 means no limit
 */
public record LoopSpec(boolean artifacts, String itemInput, JsonNode raw, String input, int parallelism) {
    /** @throws IllegalArgumentException when both or neither of raw and input are set, or parallelism &lt; 0 */
    public LoopSpec {
        if ((raw == null) == (input == null)) {
            throw new IllegalArgumentException("a loop needs exactly one of items.raw and items.input");
        }
        if (parallelism < 0) {
            throw new IllegalArgumentException("parallelismLimit must be >= 0, got " + parallelism);
        }
    }
}
