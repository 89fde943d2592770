package dev.relay.runner.run;

import dev.relay.runner.engine.model.Component;
import dev.relay.runner.engine.model.DagSpec;
import dev.relay.runner.engine.model.ModelException;
import dev.relay.runner.engine.model.PipelineModel;
import dev.relay.runner.engine.model.TaskNode;
import dev.relay.runner.pipeline.IrReader;
import dev.relay.runner.pipeline.Pipeline;
import dev.relay.runner.pipeline.V1Translator;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.SpecException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The static shape of a pipeline for drawing it (the web UI's run and pipeline graphs,
 * {@code GET /api/v1/runs/{id}/graph}, docs/api.md): every task of every DAG, nested DAGs, loops
 * and conditions as groups, and the edges between tasks of the same DAG.
 *
 * <p>A node's {@code path} is the task path the run writes under {@code runs/<run>/tasks/} with
 * the loop-iteration segments left out: a run's task {@code for-loop-2/0/print-op} is drawn by
 * node {@code for-loop-2/print-op}.
 *
 * @param name   the pipeline's name
 * @param format {@link PipelineModel#FORMAT_IR} or {@link PipelineModel#FORMAT_V1}
 * @param nodes  tasks and groups, parents before their children, each DAG in topological order
 */
public record PipelineGraph(String name, String format, List<Node> nodes) {

    /**
     * One task or group.
     *
     * @param path         segments joined by {@code /} (no loop indexes)
     * @param name         the task's display name ({@code taskInfo.name}, else its key)
     * @param kind         {@code task} (runs a container or importer), {@code dag} (a nested pipeline),
     *                     {@code loop} ({@code ParallelFor}), {@code condition} (a DAG under a condition)
     * @param parent       the enclosing group's path, null at the root
     * @param component    the component key it runs
     * @param dependencies paths of the upstream tasks in the same DAG
     * @param condition    its trigger condition (CEL), or null
     * @param cache        whether caching is enabled for it
     */
    public record Node(String path, String name, String kind, String parent, String component,
                       List<String> dependencies, String condition, boolean cache) {}

    /**
     * Reads pipeline text: KFP v2 IR (YAML or JSON) or a KFP v1 graph component (inlined).
     *
     * @param text the pipeline as stored ({@code run.json}'s {@code spec}, a registered version)
     * @param file the name used in error messages
     * @throws IllegalArgumentException naming the file when the text is no pipeline Relay reads
     */
    public static PipelineGraph read(String text, String file) {
        try {
            Pipeline p = IrReader.looksLikeIr(text) ? IrReader.read(text, file)
                    : V1Translator.translate(ComponentLoader.parse(text, file, null));
            return of(p.model());
        } catch (ModelException | SpecException e) {
            throw new IllegalArgumentException(file + ": cannot draw the pipeline: "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    /** @return the graph of a model */
    public static PipelineGraph of(PipelineModel model) {
        List<Node> nodes = new ArrayList<>();
        walk(model, model.root().dag(), null, nodes, new HashSet<>());
        return new PipelineGraph(model.name(), model.format(), List.copyOf(nodes));
    }

    private static void walk(PipelineModel model, DagSpec dag, String parent, List<Node> out, Set<String> onPath) {
        for (String key : dag.order()) {
            TaskNode t = dag.task(key);
            String path = parent == null ? t.segment() : parent + "/" + t.segment();
            Component c = model.components().get(t.component());
            boolean group = c != null && c.dag() != null;
            String kind = !group ? "task" : t.loop() != null ? "loop" : t.condition() != null ? "condition" : "dag";
            List<String> deps = new ArrayList<>();
            for (String up : t.dependencies()) {
                deps.add(parent == null ? dag.segment(up) : parent + "/" + dag.segment(up));
            }
            out.add(new Node(path, t.name(), kind, parent, t.component(), List.copyOf(deps), t.condition(), t.cache()));
            if (group && onPath.add(t.component())) {
                walk(model, c.dag(), path, out, onPath);
                onPath.remove(t.component());
            }
        }
    }
}
