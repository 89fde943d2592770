package dev.relay.runner.executor;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An artifact's type as the IR writes it ({@code artifactType: {schemaTitle, schemaVersion}}), e.g.
 * {@code system.Dataset} / {@code 0.0.1}.
 */
public record ArtifactType(String schemaTitle, String schemaVersion) {
    /** The untyped artifact, {@code system.Artifact 0.0.1}. */
    public static final ArtifactType ARTIFACT = new ArtifactType("system.Artifact", "0.0.1");

    /** @param node an {@code artifactType} (or importer {@code typeSchema}) object; null → {@link #ARTIFACT} */
    public static ArtifactType parse(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return ARTIFACT;
        }
        String title = node.path("schemaTitle").asText("");
        if (title.isEmpty()) {
            // an instanceSchema ("title: system.Model\n...") names its type on its title line
            String schema = node.path("instanceSchema").asText("");
            for (String line : schema.split("\n")) {
                if (line.startsWith("title:")) {
                    title = line.substring("title:".length()).trim();
                }
            }
        }
        return new ArtifactType(title.isEmpty() ? "system.Artifact" : title, node.path("schemaVersion").asText("0.0.1"));
    }

    /** @return {@code {"schemaTitle": …, "schemaVersion": …}} as in an executor input */
    public JsonNode toJson() {
        return dev.relay.runner.contract.Json.MAPPER.createObjectNode()
                .put("schemaTitle", schemaTitle).put("schemaVersion", schemaVersion);
    }
}
