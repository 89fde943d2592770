package dev.relay.runner.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * Where one input of a task takes its value from (KFP's {@code TaskInputsSpec.InputParameterSpec}
 * and {@code InputArtifactSpec}, {@code pipeline_spec.proto}). Parameters and artifacts share the
 * shapes; {@link Constant} and {@link FinalStatus} are parameters only.
 */
public sealed interface InputSource {

    /**
     * An input of the enclosing DAG ({@code componentInputParameter} / {@code componentInputArtifact}):
     * a pipeline parameter at the root, the loop item inside a loop body, or what the parent passed.
     */
    record DagInput(String name) implements InputSource {
        /** @throws NullPointerException if name is null */
        public DagInput {
            Objects.requireNonNull(name, "name");
        }
    }

    /** A literal ({@code runtimeValue.constant}), as typed JSON. */
    record Constant(JsonNode value) implements InputSource {
        /** @throws NullPointerException if value is null */
        public Constant {
            Objects.requireNonNull(value, "value");
        }
    }

    /**
     * An output of a sibling task of the same DAG ({@code taskOutputParameter} /
     * {@code taskOutputArtifact}: {@code producerTask} and {@code outputParameterKey} /
     * {@code outputArtifactKey}).
     */
    record TaskOutput(String task, String key) implements InputSource {
        /** @throws NullPointerException if either is null */
        public TaskOutput {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(key, "key");
        }
    }

    /** {@code taskFinalStatus.producerTask}: the final status of a sibling task, as KFP's {@code PipelineTaskFinalStatus}. */
    record FinalStatus(String task) implements InputSource {
        /** @throws NullPointerException if task is null */
        public FinalStatus {
            Objects.requireNonNull(task, "task");
        }
    }

    /**
     * {@code parameterExpressionSelector}: {@code source}'s value passed through a CEL expression
     * such as {@code parseJson(string_value)["A_a"]} ({@link dev.relay.runner.model.cel.Cel#select}).
     */
    record Selected(InputSource source, String expression) implements InputSource {
        /** @throws NullPointerException if either is null */
        public Selected {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(expression, "expression");
        }
    }

    /** @return the sibling task this input reads, or null */
    default String producer() {
        if (this instanceof TaskOutput t) {
            return t.task();
        }
        if (this instanceof FinalStatus f) {
            return f.task();
        }
        if (this instanceof Selected s) {
            return s.source().producer();
        }
        return null;
    }
}
