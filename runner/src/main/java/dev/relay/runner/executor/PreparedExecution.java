package dev.relay.runner.executor;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A v2 execution ready to run: what {@link V2Executor#prepare} worked out before anything starts.
 *
 * @param task               the task it was prepared from
 * @param layout             where its files are
 * @param image              the container image
 * @param argv               command then args, every placeholder resolved, one string per element
 * @param env                the container's environment (placeholders resolved)
 * @param executorInput      the executor input, as KFP's launcher hands it ({@code {{$}}})
 * @param downloads          input artifacts to place before the command starts
 * @param outputParameters   output name → its file ({@code outputFile})
 * @param outputArtifacts    output name → where the program writes it and where it is published
 * @param executorOutputFile where the program may write {@code executor_output.json}
 */
public record PreparedExecution(ExecutorTask task, ExecutorLayout layout, String image, List<String> argv,
                                Map<String, String> env, ObjectNode executorInput, List<Download> downloads,
                                Map<String, String> outputParameters, Map<String, OutputArtifact> outputArtifacts,
                                String executorOutputFile) {
    /** Copies (immutable, order kept). */
    public PreparedExecution {
        argv = List.copyOf(argv);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        downloads = List.copyOf(downloads);
        outputParameters = Collections.unmodifiableMap(new LinkedHashMap<>(outputParameters));
        outputArtifacts = Collections.unmodifiableMap(new LinkedHashMap<>(outputArtifacts));
    }

    /**
     * One input artifact to fetch.
     *
     * @param input    the input's name
     * @param storeUri {@code s3://bucket/key}: an object, or the prefix of a directory artifact
     * @param path     the local path the program reads (file or directory)
     */
    public record Download(String input, String storeUri, String path) {}

    /**
     * One declared output artifact.
     *
     * @param path     where the program writes it (a file or a directory; it may write none)
     * @param uri      the URI the executor input gives it
     * @param storeKey the object key it is published to ({@code runs/<run>/tasks/<path>/outputs/<name>})
     */
    public record OutputArtifact(String name, ArtifactType type, String path, String uri, String storeKey) {}
}
