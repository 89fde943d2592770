package dev.relay.runner.executor;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A component's interface in the IR ({@code components.<comp-x>}): its input and output definitions
 * and its executor label (null for a DAG component).
 *
 * @param inputParameters  name → definition, in IR order
 * @param inputArtifacts   name → definition
 * @param outputParameters name → definition (defaults unused)
 * @param outputArtifacts  name → definition
 */
public record ComponentIo(String executorLabel, Map<String, ParameterDef> inputParameters,
                          Map<String, ArtifactDef> inputArtifacts, Map<String, ParameterDef> outputParameters,
                          Map<String, ArtifactDef> outputArtifacts) {

    /**
     * A parameter definition.
     *
     * @param defaultValue the IR's {@code defaultValue} as typed JSON, or null
     * @param optional     {@code isOptional}
     */
    public record ParameterDef(ParameterType type, JsonNode defaultValue, boolean optional) {}

    /**
     * An artifact definition.
     *
     * @param list     {@code isArtifactList} (a {@code List[Artifact]} input or output)
     * @param optional {@code isOptional}
     */
    public record ArtifactDef(ArtifactType type, boolean list, boolean optional) {}

    /** Copies the maps (immutable, order kept). */
    public ComponentIo {
        inputParameters = copy(inputParameters);
        inputArtifacts = copy(inputArtifacts);
        outputParameters = copy(outputParameters);
        outputArtifacts = copy(outputArtifacts);
    }

    /**
     * Reads one entry of the IR's {@code components} map (or {@code root}).
     *
     * @param where names the node in messages, e.g. {@code components.comp-add}
     * @throws ParameterTypeException for an unknown {@code parameterType} (message prefixed by {@code where})
     */
    public static ComponentIo parse(String where, JsonNode component) {
        String label = component.path("executorLabel").asText(null);
        JsonNode in = component.path("inputDefinitions");
        JsonNode out = component.path("outputDefinitions");
        return new ComponentIo(label,
                parameters(where + ".inputDefinitions", in.path("parameters")),
                artifacts(in.path("artifacts")),
                parameters(where + ".outputDefinitions", out.path("parameters")),
                artifacts(out.path("artifacts")));
    }

    private static Map<String, ParameterDef> parameters(String where, JsonNode params) {
        Map<String, ParameterDef> m = new LinkedHashMap<>();
        params.fields().forEachRemaining(e -> {
            JsonNode p = e.getValue();
            ParameterType t;
            try {
                t = ParameterType.of(p.path("parameterType").asText(null));
            } catch (ParameterTypeException x) {
                throw new ParameterTypeException(where + ".parameters." + e.getKey() + ": " + x.getMessage());
            }
            JsonNode def = p.get("defaultValue");
            if (def != null && !def.isNull()) {
                try {
                    def = t.coerce(def);
                } catch (ParameterTypeException x) {
                    throw new ParameterTypeException(where + ".parameters." + e.getKey() + ".defaultValue: " + x.getMessage());
                }
            }
            m.put(e.getKey(), new ParameterDef(t, def, p.path("isOptional").asBoolean(false)));
        });
        return m;
    }

    private static Map<String, ArtifactDef> artifacts(JsonNode arts) {
        Map<String, ArtifactDef> m = new LinkedHashMap<>();
        arts.fields().forEachRemaining(e -> m.put(e.getKey(), new ArtifactDef(
                ArtifactType.parse(e.getValue().get("artifactType")),
                e.getValue().path("isArtifactList").asBoolean(false),
                e.getValue().path("isOptional").asBoolean(false))));
        return m;
    }

    private static <V> Map<String, V> copy(Map<String, V> m) {
        return m == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
