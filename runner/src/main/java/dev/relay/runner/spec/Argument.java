package dev.relay.runner.spec;

import java.util.Objects;

/**
 * The value a pipeline (graph component) passes to one input of a task: KFP v1's
 * {@code ArgumentType} ({@code kfp/components/_structures.py}): a constant, a
 * {@code graphInput} or a {@code taskOutput}.
 */
public sealed interface Argument {

    /**
     * A constant given in the pipeline file, as YAML produced it (String, Boolean, Integer, Long,
     * BigInteger, Double, List or Map). {@link Values#toKfpString(Object)} gives the string KFP passes.
     */
    record Constant(Object value) implements Argument {
        /** @throws NullPointerException if value is null (a null argument means "no argument") */
        public Constant {
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code graphInput: {inputName: NAME}} (or the older {@code graphInput: NAME}): the pipeline's own input. */
    record GraphInput(String inputName) implements Argument {
        /** @throws NullPointerException if inputName is null */
        public GraphInput {
            Objects.requireNonNull(inputName, "inputName");
        }
    }

    /**
     * {@code taskOutput: {taskId: T, outputName: O}}: an output of another task of the same graph.
     * Passed to an {@code inputValue}, the launcher reads the artifact's content as the value.
     */
    record TaskOutput(String taskId, String outputName) implements Argument {
        /** @throws NullPointerException if either name is null */
        public TaskOutput {
            Objects.requireNonNull(taskId, "taskId");
            Objects.requireNonNull(outputName, "outputName");
        }
    }
}
