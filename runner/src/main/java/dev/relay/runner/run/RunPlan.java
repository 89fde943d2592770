package dev.relay.runner.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.argo.ArgoModelTranslator;
import dev.relay.runner.argo.ArgoPackage;
import dev.relay.runner.argo.ArgoPipeline;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.engine.cel.JsonText;
import dev.relay.runner.engine.model.ModelException;
import dev.relay.runner.engine.model.PipelineModel;
import dev.relay.runner.executor.ComponentIo;
import dev.relay.runner.executor.ParameterTypeException;
import dev.relay.runner.pipeline.IrReader;
import dev.relay.runner.pipeline.Pipeline;
import dev.relay.runner.pipeline.V1Translator;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.InputSpec;
import dev.relay.runner.spec.Names;
import dev.relay.runner.spec.SpecException;
import dev.relay.runner.spec.TaskSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pipeline ready to run, derived from what {@code run.json} carries (never stored itself): the
 * engine's {@link PipelineModel} with the executors as written ({@link #model()}), for every format.
 * A KFP v1 graph also keeps its parsed {@link ComponentSpec} ({@link #pipeline()}, null for IR)
 * and the flat task view older callers use ({@link #task}).
 */
public final class RunPlan {
    private final ComponentSpec pipeline;
    private final Pipeline model;
    private final ComponentIo rootIo;
    private final List<InputSpec> argoInputs;
    private final java.time.Duration deadline;
    private List<String> hostProblems = List.of();
    private final Map<String, TaskSpec> byName = new LinkedHashMap<>();
    private final Map<String, String> nameOfId = new LinkedHashMap<>();

    private RunPlan(ComponentSpec pipeline, Pipeline model) {
        this(pipeline, model, null);
    }

    private RunPlan(ComponentSpec pipeline, Pipeline model, List<InputSpec> argoInputs) {
        this(pipeline, model, argoInputs, null);
    }

    private RunPlan(ComponentSpec pipeline, Pipeline model, List<InputSpec> argoInputs, Long deadlineSeconds) {
        this.deadline = deadlineSeconds == null || deadlineSeconds <= 0 ? null : java.time.Duration.ofSeconds(deadlineSeconds);
        this.pipeline = pipeline;
        this.model = model;
        this.argoInputs = argoInputs == null ? null : List.copyOf(argoInputs);
        if (argoInputs != null) {
            this.rootIo = null;
        } else if (pipeline != null) {
            for (String id : pipeline.graph().topologicalOrder()) {
                TaskSpec t = pipeline.graph().tasks().get(id);
                String name = Names.dnsLabel(id);
                byName.put(name, t);
                nameOfId.put(id, name);
            }
            this.rootIo = null;
        } else {
            this.rootIo = ComponentIo.parse("root", model.spec().path("root"));
        }
    }

    /** @throws IllegalArgumentException if {@code pipeline} has no graph or its graph does not translate */
    public static RunPlan of(ComponentSpec pipeline) {
        if (pipeline.graph() == null) {
            throw new IllegalArgumentException("'" + pipeline.name() + "' is a component, not a pipeline");
        }
        try {
            return new RunPlan(pipeline, V1Translator.translate(pipeline));
        } catch (ModelException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A KFP v2 pipeline read by {@link IrReader}. */
    public static RunPlan ir(Pipeline ir) {
        if (!PipelineModel.FORMAT_IR.equals(ir.format())) {
            throw new IllegalArgumentException("not an IR pipeline: " + ir.format());
        }
        return new RunPlan(null, ir);
    }

    /** A KFP 1.x compiled package (Argo Workflow) read by {@link ArgoPipeline#load}. */
    public static RunPlan argo(ArgoPipeline.Loaded argo) {
        RunPlan plan = new RunPlan(null, argo.pipeline(), argo.inputs(), argo.deadlineSeconds());
        plan.hostProblems = List.copyOf(argo.hostProblems());
        return plan;
    }

    /**
     * @param component a container template's component key (its template name)
     * @return what a local host cannot do for that template (its own lines and the Workflow's),
     *     empty for other formats
     */
    public List<String> hostProblems(String component) {
        return hostProblems.stream().filter(p -> p.startsWith("spec.") && !p.startsWith("spec.templates[")
                || p.contains("(" + component + ").")).toList();
    }

    /**
     * @return how long the run may take from its start (an Argo Workflow's
     *     {@code spec.activeDeadlineSeconds}), or null for no limit
     */
    public java.time.Duration deadline() {
        return deadline;
    }

    /**
     * Derives the plan from {@code run.json}: by its {@code format} (absent: a KFP v1 graph, as runs
     * were written before formats).
     *
     * @throws IllegalStateException when the spec is not a valid pipeline (the message names the run)
     */
    public static RunPlan of(RunDoc doc) {
        String where = RunLayout.runJson(doc.runId());
        if (PipelineModel.FORMAT_IR.equals(doc.format())) {
            try {
                return ir(IrReader.read(doc.spec().toString(), where));
            } catch (ModelException | RuntimeException e) {
                throw new IllegalStateException(where + ": the pipeline spec is invalid:\n" + e.getMessage(), e);
            }
        }
        if (ArgoModelTranslator.FORMAT.equals(doc.format())) {
            try {
                // accepted by its door already: what only a host cannot run stays for the launcher to judge
                return argo(ArgoPipeline.loadForAnyLauncher(new ArgoPackage(doc.spec().toString(), where)));
            } catch (SpecException | RuntimeException e) {
                throw new IllegalStateException(where + ": the pipeline spec is invalid:\n" + e.getMessage(), e);
            }
        }
        if (doc.format() != null && !PipelineModel.FORMAT_V1.equals(doc.format())) {
            throw new IllegalStateException(where + ": unknown format '" + doc.format() + "' (expected "
                    + PipelineModel.FORMAT_V1 + ", " + PipelineModel.FORMAT_IR + " or " + ArgoModelTranslator.FORMAT + ")");
        }
        try {
            return of(ComponentLoader.parse(doc.spec().toString(), where, null));
        } catch (SpecException | IllegalArgumentException e) {
            throw new IllegalStateException(where + ": the pipeline spec is invalid:\n" + e.getMessage(), e);
        }
    }

    /** @return {@link PipelineModel#FORMAT_V1} or {@link PipelineModel#FORMAT_IR} */
    public String format() {
        return model.format();
    }

    /** @return whether this is a KFP v2 IR pipeline */
    public boolean isIr() {
        return PipelineModel.FORMAT_IR.equals(model.format());
    }

    /** @return whether this is a KFP 1.x compiled package (an Argo Workflow) */
    public boolean isArgo() {
        return argoInputs != null;
    }

    /** @return the v1 inputs of a v1 graph or an Argo package (parameters with defaults), or null for IR */
    public List<InputSpec> inputs() {
        return argoInputs != null ? argoInputs : pipeline != null ? pipeline.inputs() : null;
    }

    /** @return the pipeline's name ({@code pipelineInfo.name}, or the v1 component's name) */
    public String name() {
        return pipeline != null ? pipeline.name() : model.model().name();
    }

    /** @return the translated pipeline: the engine's model and the executors as written */
    public Pipeline model() {
        return model;
    }

    /** @return the v1 graph component, or null for IR */
    public ComponentSpec pipeline() {
        return pipeline;
    }

    /** @return the IR's root input definitions, or null for v1 */
    public ComponentIo rootIo() {
        return rootIo;
    }

    /** @return the pipeline's input names, in declaration order */
    public List<String> inputNames() {
        if (inputs() != null) {
            return inputs().stream().map(InputSpec::name).toList();
        }
        List<String> names = new ArrayList<>(rootIo.inputParameters().keySet());
        names.addAll(rootIo.inputArtifacts().keySet());
        return names;
    }

    /**
     * A run parameter that is an artifact reference ({@link RunDoc#isReference}): carried through the
     * engine as an opaque value and given to the task as {@code ArgumentValue.Value.reference} (v1) or
     * an input artifact (IR).
     *
     * @param uri {@code s3://bucket/key}
     */
    public record ObjectRef(String uri) {
        @Override
        public String toString() {
            return uri;
        }
    }

    /**
     * The run's parameters as the engine's values ({@link #parameterValues(Map)}), with each artifact
     * reference of {@code doc} as an {@link ObjectRef}.
     *
     * @throws ParameterTypeException naming the parameter when a value does not read as its type
     */
    public Map<String, Object> parameterValues(RunDoc doc) {
        Map<String, String> given = doc.parameters() == null ? Map.of() : doc.parameters();
        Map<String, String> literal = new LinkedHashMap<>();
        given.forEach((k, v) -> {
            if (!doc.isReference(k)) {
                literal.put(k, v);
            }
        });
        Map<String, Object> typed = parameterValues(literal);
        Map<String, Object> out = new LinkedHashMap<>();
        given.forEach((k, v) -> out.put(k, doc.isReference(k) ? new ObjectRef(v) : typed.get(k)));
        return out;
    }

    /**
     * The run's parameters as the engine's JSON values: v1 values stay text; an IR parameter is read
     * as its declared type.
     *
     * @throws ParameterTypeException naming the parameter when a value does not read as its type
     */
    public Map<String, Object> parameterValues(Map<String, String> given) {
        Map<String, Object> out = new LinkedHashMap<>();
        given.forEach((k, v) -> {
            if (rootIo == null || rootIo.inputParameters().get(k) == null) {
                out.put(k, v);
                return;
            }
            JsonNode typed;
            try {
                typed = rootIo.inputParameters().get(k).type().parse(v);
            } catch (ParameterTypeException e) {
                throw new ParameterTypeException("parameter '" + k + "': " + e.getMessage());
            }
            out.put(k, JsonText.parse(Json.MAPPER.valueToTree(typed).toString()));
        });
        return out;
    }

    /** @return the root DAG's task names (path segments), in task order */
    public List<String> taskNames() {
        if (pipeline != null) {
            return List.copyOf(byName.keySet());
        }
        var root = model.model().root().dag();
        return root.order().stream().map(root::segment).toList();
    }

    /** @return the v1 top-level task named {@code name} (a DNS-1123 label) */
    public TaskSpec task(String name) {
        TaskSpec t = byName.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no task named '" + name + "' in pipeline '" + name() + "'");
        }
        return t;
    }

    /** @return the name (object-key label) of the v1 task with id {@code taskId} */
    public String nameOf(String taskId) {
        return nameOfId.get(taskId);
    }
}
