package dev.relay.runner.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Indexes KFP v2 output artifacts the way their KFP v1 counterparts are: a {@code system.Metrics}
 * artifact's metadata ({@code {"accuracy": 0.9}}) becomes metrics; a
 * {@code system.ClassificationMetrics} artifact's {@code confusionMatrix}
 * ({@code {"annotationSpecs": [{"displayName"}], "rows": [{"row": [...]}]}}) a {@code confusion_matrix}
 * visualization and its {@code confidenceMetrics} ({@code [{"confidenceThreshold", "recall",
 * "falsePositiveRate"}]}) a {@code roc} one; a {@code system.HTML} / {@code system.Markdown}
 * artifact's file a {@code web-app} / {@code markdown} visualization. Shapes as KFP SDK's
 * {@code kfp.dsl.Metrics} / {@code ClassificationMetrics} write them; the metadata comes from the
 * succeeded attempt's {@code status.json}.
 */
public final class V2ArtifactReports {
    /** The v2 artifact types this class reads. */
    public static final List<String> TYPES = List.of("system.Metrics", "system.ClassificationMetrics", "system.HTML", "system.Markdown");

    private V2ArtifactReports() {}

    /** @return whether the status has a v2 artifact of one of {@link #TYPES} */
    public static boolean applies(AttemptStatus s) {
        return s.outputs() != null && s.outputs().values().stream().anyMatch(o -> o != null && o.schemaTitle() != null && TYPES.contains(o.schemaTitle()));
    }

    /**
     * @param file the status key, named in errors
     * @return the task's metrics
     */
    public static MetricsParser.Result metrics(String file, AttemptStatus s) {
        List<Metric> out = new ArrayList<>();
        List<IndexError> errors = new ArrayList<>();
        int entry = 0;
        for (Map.Entry<String, AttemptStatus.OutputRef> e : s.outputs().entrySet()) {
            AttemptStatus.OutputRef o = e.getValue();
            if (o == null || !"system.Metrics".equals(o.schemaTitle()) || o.metadata() == null) {
                continue;
            }
            for (Map.Entry<String, JsonNode> m : (Iterable<Map.Entry<String, JsonNode>>) o.metadata()::fields) {
                if (m.getKey().equals("display_name")) {
                    continue;
                }
                if (!m.getValue().isNumber() || !Double.isFinite(m.getValue().asDouble())) {
                    errors.add(new IndexError(file, entry++, "outputs." + e.getKey() + ".metadata." + m.getKey(),
                            "a metric must be a finite number, got " + JsonText.show(m.getValue())));
                    continue;
                }
                out.add(new Metric(s.task(), entry++, m.getKey(), m.getValue().asDouble(), null));
            }
        }
        return new MetricsParser.Result(out, errors);
    }

    /**
     * @param file    the status key, named in errors and as the source of metadata-only data
     * @param sources reads HTML / Markdown artifact content from the store
     * @return the task's visualizations from its v2 artifacts
     */
    public static UiMetadataParser.Result visualizations(String file, AttemptStatus s, SourceReader sources) {
        List<Visualization> out = new ArrayList<>();
        List<IndexError> errors = new ArrayList<>();
        int entry = 0;
        for (Map.Entry<String, AttemptStatus.OutputRef> e : s.outputs().entrySet()) {
            AttemptStatus.OutputRef o = e.getValue();
            if (o == null || o.schemaTitle() == null) {
                continue;
            }
            String field = "outputs." + e.getKey();
            // the data is the artifact's metadata, in the status: name it as the source
            String source = o.uri() != null ? o.uri() : file + "#" + field;
            switch (o.schemaTitle()) {
                case "system.ClassificationMetrics" -> {
                    JsonNode md = o.metadata() == null ? Json.MAPPER.createObjectNode() : o.metadata();
                    JsonNode cm = md.get("confusionMatrix");
                    if (cm != null && cm.isObject()) {
                        ArrayNode labels = Json.MAPPER.createArrayNode();
                        cm.path("annotationSpecs").forEach(a -> labels.add(a.path("displayName").asText()));
                        ArrayNode matrix = Json.MAPPER.createArrayNode();
                        boolean ok = true;
                        for (JsonNode r : cm.path("rows")) {
                            JsonNode row = r.path("row");
                            if (!row.isArray() || row.size() != labels.size()) {
                                ok = false;
                                break;
                            }
                            ArrayNode nums = matrix.addArray();
                            row.forEach(v -> nums.add(v.asDouble()));
                        }
                        if (!ok || matrix.size() != labels.size()) {
                            errors.add(new IndexError(file, entry++, field + ".metadata.confusionMatrix",
                                    "expected one row of " + labels.size() + " numbers per category"));
                        } else {
                            ObjectNode data = Json.MAPPER.createObjectNode();
                            data.set("labels", labels);
                            data.putArray("axes").add("target").add("predicted");
                            data.set("matrix", matrix);
                            out.add(new Visualization(s.task(), entry++, "confusion_matrix", "inline", source, null, data));
                        }
                    }
                    JsonNode roc = md.get("confidenceMetrics");
                    if (roc != null && roc.isArray()) {
                        ObjectNode data = Json.MAPPER.createObjectNode();
                        ArrayNode points = data.putArray("points");
                        for (JsonNode p : roc) {
                            points.addObject().put("fpr", p.path("falsePositiveRate").asDouble())
                                    .put("tpr", p.path("recall").asDouble())
                                    .put("threshold", p.path("confidenceThreshold").asDouble());
                        }
                        out.add(new Visualization(s.task(), entry++, "roc", "inline", source, null, data));
                    }
                }
                case "system.HTML", "system.Markdown" -> {
                    String type = o.schemaTitle().equals("system.HTML") ? "web-app" : "markdown";
                    if (o.uri() == null) {
                        errors.add(new IndexError(file, entry++, field, "the " + o.schemaTitle() + " artifact has no file"));
                        continue;
                    }
                    try {
                        SourceReader.Content c = sources.read(o.uri(), null);
                        ObjectNode data = Json.MAPPER.createObjectNode();
                        data.put(type.equals("web-app") ? "html" : "markdown", c.text());
                        out.add(new Visualization(s.task(), entry++, type, null, o.uri(), c.link(), data));
                    } catch (SourceReader.SourceException x) {
                        errors.add(new IndexError(file, entry++, field, x.getMessage()));
                    }
                }
                default -> {
                    // other types have no view
                }
            }
        }
        return new UiMetadataParser.Result(out, errors);
    }
}
