package dev.relay.runner.pipeline;

import dev.relay.runner.engine.model.Component;
import dev.relay.runner.engine.model.DagOutput;
import dev.relay.runner.engine.model.DagSpec;
import dev.relay.runner.engine.model.InputSource;
import dev.relay.runner.engine.model.ModelException;
import dev.relay.runner.engine.model.PipelineModel;
import dev.relay.runner.engine.model.RetryPolicy;
import dev.relay.runner.engine.model.TaskNode;
import dev.relay.runner.spec.Argument;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.GraphSpec;
import dev.relay.runner.spec.InputSpec;
import dev.relay.runner.spec.Names;
import dev.relay.runner.spec.Predicate;
import dev.relay.runner.spec.TaskSpec;
import dev.relay.runner.spec.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates a KFP v1 graph component (already parsed and checked by the spec layer) into the
 * {@link PipelineModel}: each task becomes a task of the same key (so a top-level task's path is
 * its DNS-1123 label, as before); a task whose component is itself a graph becomes a sub-DAG whose
 * {@code outputValues} are its outputs; {@code isEnabled} becomes a condition.
 *
 * <p>v1 values are strings: constants and defaults become JSON strings as KFP v1 passes them
 * ({@link Values#toKfpString}). An {@code isEnabled} operand that is a task output is compared on
 * its content, trimmed of surrounding whitespace (the controller reads it); {@code ==} and
 * {@code !=} compare strings, the ordering operators compare numbers, as Argo's {@code when} does.
 */
public final class V1Translator {
    /** Prefix of the inputs a translated condition reads: {@code relay--condition-<n>}. */
    public static final String CONDITION_INPUT = "relay--condition-";

    private final Map<String, Component> components = new LinkedHashMap<>();
    private final Map<String, TaskSpec> tasksByComponent = new LinkedHashMap<>();

    /** The root graph's component key: {@code root}, or {@code relay--root} when a top-level task is named root. */
    private String rootKey = "root";

    private V1Translator() {}

    /**
     * @param pipeline a v1 component with {@code implementation.graph}
     * @throws ModelException when it has no graph
     */
    public static Pipeline translate(ComponentSpec pipeline) throws ModelException {
        if (pipeline.graph() == null) {
            throw new ModelException("'" + pipeline.name() + "' is a component, not a pipeline (no implementation.graph)");
        }
        V1Translator t = new V1Translator();
        // the root graph's component key must not be a top-level task's (their keys are their ids)
        t.rootKey = pipeline.graph().tasks().containsKey("root") ? "relay--root" : "root";
        Component root = t.graph(t.rootKey, pipeline);
        String name = pipeline.name() == null || pipeline.name().isBlank() ? "pipeline" : pipeline.name();
        PipelineModel m = new PipelineModel(name, PipelineModel.FORMAT_V1, root, t.components, null);
        return new Pipeline(m, null, null, pipeline, t.tasksByComponent);
    }

    /**
     * Constants given to inputs typed {@code Integer}, {@code Float} or {@code Boolean}
     * ({@link dev.relay.runner.executor.ParameterType#ofV1}) that do not read as that type, in this
     * graph and every nested graph component: the check {@code -p} values get, made on the file.
     *
     * @param pipeline a parsed v1 component (a lone component has none)
     * @return one message per bad constant, naming the task path, the input and the expected type
     */
    public static List<String> constantTypeErrors(ComponentSpec pipeline) {
        List<String> out = new ArrayList<>();
        constantTypeErrors(pipeline, "implementation.graph.tasks.", out);
        return out;
    }

    private static void constantTypeErrors(ComponentSpec c, String prefix, List<String> out) {
        if (c.graph() == null) {
            return;
        }
        c.graph().tasks().forEach((id, t) -> {
            t.arguments().forEach((name, a) -> {
                if (!(a instanceof Argument.Constant k)) {
                    return;
                }
                t.component().input(name).ifPresent(in -> {
                    dev.relay.runner.executor.ParameterType type = in.type() instanceof String s
                            ? dev.relay.runner.executor.ParameterType.ofV1(s) : null;
                    if (type == null) {
                        return;
                    }
                    try {
                        type.parse(Values.toKfpString(k.value()));
                    } catch (dev.relay.runner.executor.ParameterTypeException e) {
                        out.add(prefix + id + ".arguments." + name + ": " + e.getMessage() + " (input '" + name + "' of "
                                + (t.component().name() == null ? "the component" : "'" + t.component().name() + "'")
                                + " is " + in.type() + ")");
                    }
                });
            });
            constantTypeErrors(t.component(), prefix + id + ".componentRef.implementation.graph.tasks.", out);
        });
    }

    private Component graph(String key, ComponentSpec c) throws ModelException {
        GraphSpec g = c.graph();
        Map<String, TaskNode> tasks = new LinkedHashMap<>();
        for (String id : g.tasks().keySet()) {
            TaskSpec t = g.tasks().get(id);
            String ck = key.equals(rootKey) ? id : key + "/" + id;
            if (t.component().graph() != null) {
                graph(ck, t.component());
            } else {
                components.put(ck, new Component(ck, null, defaults(t.component()), null));
                tasksByComponent.put(ck, t);
            }
            Map<String, InputSource> inputs = new LinkedHashMap<>();
            t.arguments().forEach((name, a) -> inputs.put(name, source(a)));
            String condition = null;
            if (t.isEnabled() != null) {
                List<Argument> operands = new ArrayList<>();
                condition = cel(t.isEnabled(), operands);
                for (int i = 0; i < operands.size(); i++) {
                    inputs.put(CONDITION_INPUT + i, source(operands.get(i)));
                }
            }
            tasks.put(id, new TaskNode(id, Names.dnsLabel(id), id, ck, t.dependencies(), inputs, condition, false, null,
                    RetryPolicy.retries(t.maxRetries()), false));
        }
        Map<String, DagOutput> outs = new LinkedHashMap<>();
        g.outputValues().forEach((name, to) ->
                outs.put(name, new DagOutput(List.of(new DagOutput.Selector(to.taskId(), to.outputName())))));
        DagSpec dag;
        try {
            dag = new DagSpec(tasks, Map.of(), outs);
        } catch (ModelException e) {
            throw new ModelException((c.sourceFile() == null ? "" : c.sourceFile() + ": ") + e.getMessage());
        }
        Component comp = new Component(key, dag, defaults(c), null);
        components.put(key, comp);
        return comp;
    }

    private static Map<String, Object> defaults(ComponentSpec c) {
        Map<String, Object> d = new LinkedHashMap<>();
        for (InputSpec in : c.inputs()) {
            if (in.hasDefault()) {
                d.put(in.name(), Values.toKfpString(in.defaultValue()));
            }
        }
        return d;
    }

    private static InputSource source(Argument a) {
        if (a instanceof Argument.Constant k) {
            return new InputSource.Constant(Values.toKfpString(k.value()));
        }
        if (a instanceof Argument.GraphInput gi) {
            return new InputSource.DagInput(gi.inputName());
        }
        Argument.TaskOutput to = (Argument.TaskOutput) a;
        return new InputSource.TaskOutput(to.taskId(), to.outputName());
    }

    /** The CEL form of a predicate; each non-constant operand becomes the next condition input. */
    static String cel(Predicate p, List<Argument> operands) {
        if (p instanceof Predicate.Not n) {
            return "!(" + cel(n.operand(), operands) + ")";
        }
        if (p instanceof Predicate.And a) {
            return "(" + cel(a.left(), operands) + ") && (" + cel(a.right(), operands) + ")";
        }
        if (p instanceof Predicate.Or o) {
            return "(" + cel(o.left(), operands) + ") || (" + cel(o.right(), operands) + ")";
        }
        Predicate.Compare c = (Predicate.Compare) p;
        String conv = c.op().equals("==") || c.op().equals("!=") ? "string" : "double";
        return conv + "(" + operand(c.left(), operands) + ") " + c.op() + " " + conv + "(" + operand(c.right(), operands) + ")";
    }

    private static String operand(Argument a, List<Argument> operands) {
        if (a instanceof Argument.Constant k) {
            String s = Values.toKfpString(k.value()).strip();
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        operands.add(a);
        return "inputs.parameter_values['" + CONDITION_INPUT + (operands.size() - 1) + "']";
    }
}
