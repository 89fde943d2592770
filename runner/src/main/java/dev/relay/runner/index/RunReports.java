package dev.relay.runner.index;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.run.RunView;
import dev.relay.runner.store.ArtifactStore;
import java.util.List;
import java.util.Optional;

/**
 * The shape of {@code GET /api/v1/runs/{id}} and {@code relay runs get RUN --json}: the run as
 * the bucket tells it ({@link RunView}: {@code runId, pipeline, phase, parameters, cause,
 * createdAt, finishedAt, tasks}) plus what the index adds: {@code metrics} (the kept ones),
 * {@code visualizations} and {@code errors}; and the other documents of the HTTP API over the
 * index. The Quarkus endpoints only call these and map {@link UnknownRunException} to 404,
 * {@link IllegalArgumentException} to 400 and {@link IndexException} to 503 (see {@code docs/api.md}).
 */
public final class RunReports {
    private RunReports() {}

    /**
     * @return empty when the bucket holds no {@code run.json} for {@code runId}
     * @throws IndexException when the index cannot be read
     * @throws IllegalStateException when the run's documents in the bucket are unreadable
     */
    public static Optional<ObjectNode> get(ArtifactStore store, RunIndex index, String runId) {
        return RunView.load(store, runId).map(view -> of(view, index));
    }

    /** {@code view} as JSON with the index's {@code metrics}, {@code visualizations} and {@code errors} added. */
    public static ObjectNode of(RunView view, RunIndex index) {
        ObjectNode doc = Json.MAPPER.valueToTree(view);
        doc.set("metrics", metrics(index, view.runId()));
        doc.set("visualizations", Json.MAPPER.valueToTree(index.visualizations(view.runId())));
        doc.set("errors", Json.MAPPER.valueToTree(index.errors(view.runId())));
        return doc;
    }

    /** {@code [{"task","entry","name","numberValue","format"}]}: the run's kept metrics, by task then entry. */
    public static ArrayNode metrics(RunIndex index, String runId) {
        return Json.MAPPER.valueToTree(index.metrics(runId));
    }

    /**
     * {@code GET /api/v1/runs?pipeline=P&limit=N}:
     * {@code {"runs":[{"runId","pipeline","phase","createdAt","finishedAt","cause","metrics":{"NAME":number},"formats":{"NAME":"PERCENTAGE"}}],
     * "metricColumns":["NAME","NAME"]}}, newest first; {@code metricColumns} are the two metrics most
     * of these runs have.
     *
     * @param pipeline null for every pipeline
     * @param limit    0 for no limit
     */
    public static ObjectNode list(RunIndex index, String pipeline, int limit) {
        List<RunSummary> runs = index.listRuns(pipeline, limit);
        ObjectNode doc = Json.MAPPER.createObjectNode();
        ArrayNode a = doc.putArray("runs");
        for (RunSummary r : runs) {
            ObjectNode o = a.addObject();
            o.put("runId", r.runId());
            o.put("pipeline", r.pipeline());
            o.put("phase", r.phase());
            o.put("createdAt", r.createdAt());
            o.put("finishedAt", r.finishedAt());
            o.put("cause", r.cause());
            o.set("metrics", Json.MAPPER.valueToTree(r.metrics()));
            o.set("formats", Json.MAPPER.valueToTree(r.formats()));
        }
        doc.set("metricColumns", Json.MAPPER.valueToTree(RunIndex.metricColumns(runs, 2)));
        return doc;
    }

    /**
     * {@code GET /api/v1/runs/{id}/metrics}: {@code {"runId","metrics":[...],"errors":[...]}} with the
     * errors of the run's metrics files only.
     *
     * @return empty when the index does not hold the run
     */
    public static Optional<ObjectNode> metricsOf(RunIndex index, String runId) {
        return index.run(runId).map(r -> {
            ObjectNode doc = Json.MAPPER.createObjectNode();
            doc.put("runId", runId);
            doc.set("metrics", metrics(index, runId));
            doc.set("errors", Json.MAPPER.valueToTree(errors(index, runId, RunLayout.METRICS_FILE)));
            return doc;
        });
    }

    /**
     * {@code GET /api/v1/runs/{id}/visualizations}: {@code {"runId","visualizations":[...],"errors":[...]}}
     * with the errors of the run's UI-metadata files only.
     *
     * @return empty when the index does not hold the run
     */
    public static Optional<ObjectNode> visualizationsOf(RunIndex index, String runId) {
        return index.run(runId).map(r -> {
            ObjectNode doc = Json.MAPPER.createObjectNode();
            doc.put("runId", runId);
            doc.set("visualizations", Json.MAPPER.valueToTree(index.visualizations(runId)));
            doc.set("errors", Json.MAPPER.valueToTree(errors(index, runId, RunLayout.UI_METADATA_FILE)));
            return doc;
        });
    }

    /**
     * {@code GET /api/v1/compare?runs=A,B}: {@link Comparison} as JSON.
     *
     * @throws UnknownRunException naming the runs the index does not hold (404)
     * @throws IllegalArgumentException when no run is named (400)
     */
    public static ObjectNode compare(RunIndex index, List<String> runIds) {
        return Json.MAPPER.valueToTree(index.compare(runIds));
    }

    private static List<IndexError> errors(RunIndex index, String runId, String fileName) {
        return index.errors(runId).stream().filter(e -> e.file() != null && e.file().endsWith("/" + fileName)).toList();
    }
}
