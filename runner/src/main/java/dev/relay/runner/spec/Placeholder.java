package dev.relay.runner.spec;

import java.util.List;
import java.util.Objects;

/**
 * One element of a container's {@code command} or {@code args}: a literal string or a KFP v1
 * placeholder (KFP {@code kfp/components/_structures.py}: {@code InputValuePlaceholder},
 * {@code InputPathPlaceholder}, {@code OutputPathPlaceholder}, {@code ConcatPlaceholder},
 * {@code IfPlaceholder}, {@code IsPresentPlaceholder}; plus {@code inputUri}/{@code outputUri}).
 * {@link Resolver} turns a list of them into argv elements.
 */
public sealed interface Placeholder {

    /** A constant argv element. YAML numbers and booleans are already in KFP's {@code str()} form. */
    record Literal(String value) implements Placeholder {
        /** @throws NullPointerException if value is null */
        public Literal {
            Objects.requireNonNull(value, "value");
        }
    }

    /** {@code {inputValue: NAME}}: the input's value as a string; dropped when the input is absent. */
    record InputValue(String inputName) implements Placeholder {
        /** @throws NullPointerException if inputName is null */
        public InputValue {
            Objects.requireNonNull(inputName, "inputName");
        }
    }

    /** {@code {inputPath: NAME}}: a local file holding the input; dropped when the input is absent. */
    record InputPath(String inputName) implements Placeholder {
        /** @throws NullPointerException if inputName is null */
        public InputPath {
            Objects.requireNonNull(inputName, "inputName");
        }
    }

    /** {@code {outputPath: NAME}}: a local path where the program writes the output. */
    record OutputPath(String outputName) implements Placeholder {
        /** @throws NullPointerException if outputName is null */
        public OutputPath {
            Objects.requireNonNull(outputName, "outputName");
        }
    }

    /** {@code {inputUri: NAME}}: the URI of the input artifact; dropped when the input is absent. */
    record InputUri(String inputName) implements Placeholder {
        /** @throws NullPointerException if inputName is null */
        public InputUri {
            Objects.requireNonNull(inputName, "inputName");
        }
    }

    /** {@code {outputUri: NAME}}: the URI where the output artifact goes. */
    record OutputUri(String outputName) implements Placeholder {
        /** @throws NullPointerException if outputName is null */
        public OutputUri {
            Objects.requireNonNull(outputName, "outputName");
        }
    }

    /** {@code {concat: [...]}}: the items' expansions joined with no separator (absent items drop out). */
    record Concat(List<Placeholder> items) implements Placeholder {
        /** Copies the list (immutable). */
        public Concat {
            items = List.copyOf(items);
        }
    }

    /**
     * {@code {if: {cond: C, then: [...], else: [...]}}}. {@code cond} is an {@link IsPresent}, an
     * {@link InputValue} (read like Python's {@code strtobool}) or a {@link Literal}. A single
     * {@code then}/{@code else} item is stored as a one-element list; a missing {@code else} as an
     * empty list.
     */
    record If(Placeholder cond, List<Placeholder> then, List<Placeholder> otherwise) implements Placeholder {
        /**
         * @throws NullPointerException     if cond is null
         * @throws IllegalArgumentException if cond is not IsPresent, InputValue or Literal
         */
        public If {
            Objects.requireNonNull(cond, "cond");
            if (!(cond instanceof IsPresent || cond instanceof InputValue || cond instanceof Literal)) {
                throw new IllegalArgumentException("if.cond must be isPresent, inputValue or a constant: " + cond);
            }
            then = List.copyOf(then);
            otherwise = otherwise == null ? List.of() : List.copyOf(otherwise);
        }
    }

    /** {@code {isPresent: NAME}}: {@code "True"} when the input has a value (argument or default), else {@code "False"}. */
    record IsPresent(String inputName) implements Placeholder {
        /** @throws NullPointerException if inputName is null */
        public IsPresent {
            Objects.requireNonNull(inputName, "inputName");
        }
    }
}
