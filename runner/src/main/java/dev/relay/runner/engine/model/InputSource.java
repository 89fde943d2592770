package dev.relay.runner.engine.model;

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

    /** A literal ({@code runtimeValue.constant}), as a JSON value ({@link dev.relay.runner.engine.cel.JsonText}). */
    record Constant(Object value) implements InputSource {
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
     * such as {@code parseJson(string_value)["A_a"]} ({@link dev.relay.runner.engine.cel.Cel#select}).
     */
    record Selected(InputSource source, String expression) implements InputSource {
        /** @throws NullPointerException if either is null */
        public Selected {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(expression, "expression");
        }
    }

    /**
     * Text with references in it (Argo's {@code 'My name is {{workflow.parameters.name}}'}, in an
     * argument or in the strings of a {@code withItems} list): {@code template} is a JSON value
     * ({@link dev.relay.runner.engine.cel.JsonText}: a string, or lists and maps of them) in whose
     * strings every {@code {{K}}} for a key K of {@code values} is replaced by that value's text (a
     * string as it is, any other value as its JSON text). Unresolved while any value is.
     */
    record Format(Object template, java.util.Map<String, InputSource> values) implements InputSource {
        /** @throws NullPointerException if either is null */
        public Format {
            Objects.requireNonNull(template, "template");
            values = java.util.Map.copyOf(values);
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
        if (this instanceof Format f) {
            return f.values().values().stream().map(InputSource::producer).filter(Objects::nonNull).findFirst().orElse(null);
        }
        return null;
    }
}
