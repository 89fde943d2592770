package dev.relay.runner.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.Json;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of the IR's {@code deploymentSpec.executors}: a container or an importer
 * (KFP's {@code PipelineDeploymentConfig.ExecutorSpec}; resolvers and custom jobs are refused).
 */
public sealed interface ExecutorSpec {

    /** @return the executor label ({@code exec-add}) */
    String label();

    /**
     * A container executor.
     *
     * @param command   {@code command}, elements as in the IR (a {@code {"Concat": …}} or
     *                  {@code {"IfPresent": …}} element is its JSON text)
     * @param args      {@code args}, likewise
     * @param env       {@code env} name → value (values may hold placeholders)
     * @param resources {@code resources} as given (cpu/memory limits and requests, accelerator), or an empty object
     */
    record Container(String label, String image, List<String> command, List<String> args,
                     Map<String, String> env, JsonNode resources) implements ExecutorSpec {
        /** Copies (immutable). */
        public Container {
            command = List.copyOf(command);
            args = List.copyOf(args);
            env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        }
    }

    /**
     * An importer executor.
     *
     * @param uriConstant  {@code artifactUri.constant}, or null
     * @param uriParameter {@code artifactUri.runtimeParameter}: the input parameter holding the URI, or null
     * @param type         {@code typeSchema}
     * @param metadata     {@code metadata} (values may hold input-parameter placeholders)
     * @param reimport     {@code reimport}
     */
    record Importer(String label, String uriConstant, String uriParameter, ArtifactType type,
                    ObjectNode metadata, boolean reimport) implements ExecutorSpec {}

    /**
     * Reads {@code deploymentSpec.executors.<label>}.
     *
     * @throws IllegalArgumentException naming {@code deploymentSpec.executors.<label>} and what was
     *     expected when the executor is neither a container nor an importer, or lacks its image/URI
     */
    public static ExecutorSpec parse(String label, JsonNode executor) {
        String where = "deploymentSpec.executors." + label;
        if (executor.has("container")) {
            JsonNode c = executor.get("container");
            String image = c.path("image").asText("");
            if (image.isEmpty()) {
                throw new IllegalArgumentException(where + ".container.image: missing (expected the container image)");
            }
            Map<String, String> env = new LinkedHashMap<>();
            for (JsonNode e : c.path("env")) {
                env.put(e.path("name").asText(), e.path("value").asText(""));
            }
            return new Container(label, image, strings(where + ".container.command", c.path("command")),
                    strings(where + ".container.args", c.path("args")), env,
                    c.has("resources") ? c.get("resources") : Json.MAPPER.createObjectNode());
        }
        if (executor.has("importer")) {
            JsonNode i = executor.get("importer");
            JsonNode u = i.path("artifactUri");
            String constant = u.has("constant") ? constantText(u.get("constant")) : null;
            String param = u.path("runtimeParameter").asText(null);
            if (constant == null && param == null) {
                throw new IllegalArgumentException(where + ".importer.artifactUri: expected 'constant' or 'runtimeParameter'");
            }
            ObjectNode metadata = i.get("metadata") instanceof ObjectNode o ? o.deepCopy() : Json.MAPPER.createObjectNode();
            return new Importer(label, constant, param, ArtifactType.parse(i.get("typeSchema")), metadata,
                    i.path("reimport").asBoolean(false));
        }
        String kind = executor.fieldNames().hasNext() ? executor.fieldNames().next() : "nothing";
        throw new IllegalArgumentException(where + ": a '" + kind
                + "' executor is not supported (expected 'container' or 'importer')");
    }

    private static String constantText(JsonNode n) {
        // the compiler writes either a bare string or a protobuf Value {"stringValue": …}
        return n.isTextual() ? n.asText() : n.path("stringValue").asText(n.asText());
    }

    private static List<String> strings(String where, JsonNode arr) {
        List<String> out = new ArrayList<>();
        int i = 0;
        for (JsonNode n : arr) {
            if (n.isTextual()) {
                out.add(n.asText());
            } else if (n.isObject()) {
                // hand-written IR may give a struct placeholder as an object; keep its JSON text
                out.add(n.toString());
            } else {
                throw new IllegalArgumentException(where + "[" + i + "]: expected a string, got " + n);
            }
            i++;
        }
        return out;
    }
}
