package dev.relay.runner.run;

import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.engine.Dag;
import dev.relay.runner.engine.SimpleDag;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.SpecException;
import dev.relay.runner.spec.Names;
import dev.relay.runner.spec.TaskSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline ready to run: its tasks by name (the task id as a DNS-1123 label, as in object keys)
 * and the DAG the engine walks. The spec layer has already rejected cycles and name clashes.
 */
public final class RunPlan {
    private final ComponentSpec pipeline;
    private final Map<String, TaskSpec> byName = new LinkedHashMap<>();
    private final Map<String, String> nameOfId = new LinkedHashMap<>();
    private final Dag dag;

    private RunPlan(ComponentSpec pipeline) {
        this.pipeline = pipeline;
        if (pipeline.graph() == null) {
            throw new IllegalArgumentException("'" + pipeline.name() + "' is a component, not a pipeline");
        }
        for (String id : pipeline.graph().topologicalOrder()) {
            TaskSpec t = pipeline.graph().tasks().get(id);
            String name = Names.dnsLabel(id);
            byName.put(name, t);
            nameOfId.put(id, name);
        }
        SimpleDag.Builder b = SimpleDag.builder();
        byName.forEach((name, t) -> b.task(name, t.maxRetries()));
        byName.forEach((name, t) -> t.dependencies().forEach(up -> b.edge(nameOfId.get(up), name)));
        this.dag = b.build();
    }

    /** @throws IllegalArgumentException if {@code pipeline} has no graph */
    public static RunPlan of(ComponentSpec pipeline) {
        return new RunPlan(pipeline);
    }

    /**
     * Parses the inlined spec a {@code run.json} carries.
     *
     * @throws IllegalStateException when the spec is not a valid pipeline (the message names the run)
     */
    public static RunPlan of(RunDoc doc) {
        String where = RunLayout.runJson(doc.runId());
        try {
            return of(ComponentLoader.parse(doc.spec().toString(), where, null));
        } catch (SpecException e) {
            throw new IllegalStateException(where + ": the pipeline spec is invalid:\n" + e.getMessage(), e);
        }
    }

    public ComponentSpec pipeline() {
        return pipeline;
    }

    public Dag dag() {
        return dag;
    }

    /** @return task names in topological order */
    public List<String> taskNames() {
        return dag.tasks();
    }

    /** @return the task named {@code name} (a DNS-1123 label) */
    public TaskSpec task(String name) {
        TaskSpec t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no task named '" + name + "' in pipeline '" + pipeline.name() + "'");
        }
        return t;
    }

    /** @return the name (object-key label) of the task with id {@code taskId} */
    public String nameOf(String taskId) {
        return nameOfId.get(taskId);
    }
}
