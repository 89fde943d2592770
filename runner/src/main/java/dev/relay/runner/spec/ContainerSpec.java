package dev.relay.runner.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code implementation.container} of a KFP v1 component ({@code ContainerSpec} in
 * {@code kfp/components/_structures.py}).
 *
 * @param image       the container image; never null
 * @param command     the command placeholders (may be empty: the image's ENTRYPOINT)
 * @param args        the args placeholders (may be empty)
 * @param env         environment variables in declaration order (values as KFP strings)
 * @param fileOutputs legacy fixed output paths: output name → absolute path in the container,
 *                    e.g. {@code MLPipeline UI metadata: /mlpipeline-ui-metadata.json}
 */
public record ContainerSpec(String image, List<Placeholder> command, List<Placeholder> args,
                            Map<String, String> env, Map<String, String> fileOutputs) {
    /** Copies the collections (immutable, order kept); null collections become empty. */
    public ContainerSpec {
        Objects.requireNonNull(image, "image");
        command = command == null ? List.of() : List.copyOf(command);
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
        fileOutputs = fileOutputs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(fileOutputs));
    }

    /**
     * @return the inputs whose value is read as text: {@code inputValue} placeholders anywhere in
     *     {@code command} or {@code args}, also inside {@code concat} and as an {@code if} condition
     *     (a launcher reads an artifact passed to such an input as its content)
     */
    public java.util.Set<String> valueInputs() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        collectValueInputs(command, out);
        collectValueInputs(args, out);
        return out;
    }

    private static void collectValueInputs(List<Placeholder> ps, java.util.Set<String> out) {
        if (ps == null) {
            return;
        }
        for (Placeholder p : ps) {
            if (p instanceof Placeholder.InputValue v) {
                out.add(v.inputName());
            } else if (p instanceof Placeholder.Concat c) {
                collectValueInputs(c.items(), out);
            } else if (p instanceof Placeholder.If i) {
                collectValueInputs(List.of(i.cond()), out);
                collectValueInputs(i.then(), out);
                collectValueInputs(i.otherwise(), out);
            }
        }
    }
}
