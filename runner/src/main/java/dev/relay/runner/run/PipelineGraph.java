package dev.relay.runner.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.relay.runner.argo.ArgoModelTranslator;
import dev.relay.runner.argo.ArgoPackage;
import dev.relay.runner.argo.ArgoPipeline;
import dev.relay.runner.engine.model.Component;
import dev.relay.runner.engine.model.DagSpec;
import dev.relay.runner.engine.model.InputSource;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The static shape of a pipeline for drawing it (the web UI's run and pipeline graphs,
 * {@code GET /api/v1/runs/{id}/graph}, docs/api.md): every task of every DAG, nested DAGs, loops
 * and conditions as groups, the edges between tasks of the same DAG, and where each task's inputs
 * come from.
 *
 * <p>A node's {@code path} is the task path the run writes under {@code runs/<run>/tasks/} with
 * the loop-iteration segments left out: a run's task {@code for-loop-2/0/print-op} is drawn by
 * node {@code for-loop-2/print-op}.
 *
 * @param name   the pipeline's name
 * @param format {@link PipelineModel#FORMAT_IR}, {@link PipelineModel#FORMAT_V1} or
 *               {@code argo-workflow} (a KFP 1.x compiled package)
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
     * @param inputs       input name → where its value comes from, in the order the spec gives them
     */
    public record Node(String path, String name, String kind, String parent, String component,
                       List<String> dependencies, String condition, boolean cache, Map<String, Input> inputs) {}

    /**
     * Where one input of a task comes from (KFP's {@code TaskInputsSpec}).
     *
     * @param from   {@code constant} ({@code value}), {@code input} (the enclosing DAG's input
     *               {@code name}: a pipeline parameter at the root, the loop item or the parent's
     *               input inside a group), {@code task} (output {@code output} of the sibling task
     *               {@code task}, a node path) or {@code status} (the final status of {@code task})
     * @param value  the constant, as JSON
     * @param name   the enclosing DAG's input
     * @param task   the producing sibling's node path
     * @param output the producer's output name
     * @param select a CEL expression applied to the value ({@code parameterExpressionSelector}), or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Input(String from, Object value, String name, String task, String output, String select) {}

    /**
     * Reads pipeline text: KFP v2 IR (YAML or JSON), a KFP v1 graph component (inlined) or a KFP 1.x
     * compiled package's Argo Workflow YAML.
     *
     * @param text the pipeline as stored ({@code run.json}'s {@code spec}, a registered version)
     * @param file the name used in error messages
     * @throws IllegalArgumentException naming the file when the text is no pipeline Relay reads
     */
    public static PipelineGraph read(String text, String file) {
        try {
            Pipeline p = ArgoPackage.isWorkflowText(text) ? ArgoPipeline.pipeline(new ArgoPackage(text, file))
                    : IrReader.looksLikeIr(text) ? IrReader.read(text, file)
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
                deps.add(sibling(dag, parent, up));
            }
            Map<String, Input> inputs = new LinkedHashMap<>();
            t.inputs().forEach((name, source) -> inputs.put(name, input(dag, parent, source, null)));
            out.add(new Node(path, t.name(), kind, parent, t.component(), List.copyOf(deps), t.condition(), t.cache(),
                    java.util.Collections.unmodifiableMap(inputs)));
            if (group && onPath.add(t.component())) {
                walk(model, c.dag(), path, out, onPath);
                onPath.remove(t.component());
            }
        }
    }

    private static String sibling(DagSpec dag, String parent, String key) {
        return parent == null ? dag.segment(key) : parent + "/" + dag.segment(key);
    }

    private static Input input(DagSpec dag, String parent, InputSource s, String select) {
        if (s instanceof InputSource.Selected sel) {
            return input(dag, parent, sel.source(), sel.expression());
        }
        if (s instanceof InputSource.Constant k) {
            return new Input("constant", k.value(), null, null, null, select);
        }
        if (s instanceof InputSource.DagInput d) {
            return new Input("input", null, d.name(), null, null, select);
        }
        if (s instanceof InputSource.TaskOutput o) {
            // an Argo task reads an output parameter as its file's trimmed text under a prefixed key; the file is the output
            String key = o.key().startsWith(ArgoModelTranslator.VALUE) ? o.key().substring(ArgoModelTranslator.VALUE.length()) : o.key();
            return new Input("task", null, null, sibling(dag, parent, o.task()), key, select);
        }
        if (s instanceof InputSource.FinalStatus f) {
            return new Input("status", null, null, sibling(dag, parent, f.task()), null, select);
        }
        throw new IllegalStateException("unknown input source " + s);
    }
}
