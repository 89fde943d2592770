package dev.relay.runner.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of {@link Resolver#resolve}: what a launcher needs to run one execution.
 *
 * @param argv        command then args, flattened: one string per argv element, never shell text
 * @param inputPaths  input name → local path, only for inputs used through {@code inputPath}
 * @param outputPaths output name → local path: outputs used through {@code outputPath}, plus every
 *                    {@code fileOutputs} entry with its declared (absolute, in-container) path
 * @param env         the container's environment
 * @param inputValues input name → effective string value (arguments, then defaults), for every
 *                    input that has one; the launcher writes these into the {@code inputPaths} files
 *                    when the argument is a constant
 * @param inputUris   input name → URI, for inputs used through {@code inputUri}
 * @param outputUris  output name → URI, for outputs used through {@code outputUri}
 */
public record ResolvedCommand(List<String> argv, Map<String, String> inputPaths, Map<String, String> outputPaths,
                              Map<String, String> env, Map<String, String> inputValues,
                              Map<String, String> inputUris, Map<String, String> outputUris) {
    /** Copies everything (immutable, order kept). */
    public ResolvedCommand {
        argv = List.copyOf(argv);
        inputPaths = copy(inputPaths);
        outputPaths = copy(outputPaths);
        env = copy(env);
        inputValues = copy(inputValues);
        inputUris = copy(inputUris);
        outputUris = copy(outputUris);
    }

    /** The five-part shape without URIs (both URI maps empty). */
    public ResolvedCommand(List<String> argv, Map<String, String> inputPaths, Map<String, String> outputPaths,
                           Map<String, String> env, Map<String, String> inputValues) {
        this(argv, inputPaths, outputPaths, env, inputValues, Map.of(), Map.of());
    }

    private static Map<String, String> copy(Map<String, String> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
