package dev.relay.runner.index;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.run.Json;
import dev.relay.runner.run.RunView;
import dev.relay.runner.store.ArtifactStore;
import java.util.Optional;

/**
 * The shape of {@code GET /api/v1/runs/{id}} and {@code relay runs get RUN --json}: the run as
 * the bucket tells it ({@link RunView}: {@code runId, pipeline, phase, parameters, cause,
 * createdAt, finishedAt, tasks}) plus what the index adds: {@code metrics} (the kept ones),
 * {@code visualizations} and {@code errors} (see {@code docs/api.md}).
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
}
