package dev.relay.runner.argo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import dev.relay.runner.pipeline.Pipeline;
import dev.relay.runner.spec.InputSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import java.nio.file.Path;
import java.util.List;

/**
 * The one entry point for KFP 1.x compiled packages: read ({@link ArgoPackage}), parse
 * ({@link WorkflowReader}), check what a local host cannot do ({@link HostCheck}) and translate
 * into the graph component Relay runs today ({@link ArgoTranslator}, static DAGs) or into the
 * pipeline model ({@link ArgoModelTranslator}: conditions, loops, exit handler, recursion).
 */
public final class ArgoPipeline {
    private ArgoPipeline() {}

    /**
     * @return whether {@code file} is a KFP 1.x package (Argo Workflow YAML, .tar.gz or .zip)
     *     rather than a component or graph YAML
     */
    public static boolean isPackage(Path file) {
        return ArgoPackage.isPackage(file);
    }

    /**
     * Reads and translates a package file.
     *
     * @return the graph component (every component inlined)
     * @throws SpecException naming the file and field of every problem; refusals of what a host
     *     cannot do are one line each
     */
    public static ObjectNode translate(Path file) throws SpecException {
        return translate(ArgoPackage.read(file));
    }

    /**
     * Translates a package given as bytes (an upload or an inline run request).
     *
     * @throws SpecException as {@link #translate(Path)}
     */
    public static ObjectNode translate(byte[] bytes, String name) throws SpecException {
        return translate(ArgoPackage.read(bytes, name));
    }

    /** @throws SpecException as {@link #translate(Path)} */
    public static ObjectNode translate(ArgoPackage pkg) throws SpecException {
        return ArgoTranslator.toGraphComponent(checked(pkg));
    }

    /**
     * Reads, checks and translates a package into the pipeline model (conditions, loops, exit
     * handler, recursion included), as {@link dev.relay.runner.engine.PipelineEngine} runs it.
     *
     * @return the pipeline: the model and, per container component, the v1 task it runs
     * @throws SpecException as {@link #translate(Path)}
     */
    public static Pipeline pipeline(ArgoPackage pkg) throws SpecException {
        return ArgoModelTranslator.translate(checked(pkg));
    }

    /** @throws SpecException as {@link #translate(Path)} */
    public static Pipeline pipeline(Path file) throws SpecException {
        return pipeline(ArgoPackage.read(file));
    }

    /** @throws SpecException as {@link #translate(Path)} */
    public static Pipeline pipeline(byte[] bytes, String name) throws SpecException {
        return pipeline(ArgoPackage.read(bytes, name));
    }

    /**
     * A package read for a run.
     *
     * @param pipeline the translated pipeline ({@link #pipeline(ArgoPackage)})
     * @param inputs   the pipeline's parameters ({@code spec.arguments.parameters}) with their
     *                 defaults, typed by KFP's {@code pipeline_spec} annotation where it has them
     * @param workflow the Workflow document as given, as a JSON tree (what {@code run.json} keeps)
     * @param deadlineSeconds {@code spec.activeDeadlineSeconds}: the run's deadline, counted from its
     *                 start, or null for none
     * @param hostProblems what a local host cannot run ({@link HostCheck#problems}), one line each
     *                 ({@code spec.templates[1](echo).sidecars: ...}); empty when it can run it all
     */
    public record Loaded(Pipeline pipeline, List<InputSpec> inputs, JsonNode workflow, Long deadlineSeconds,
                         List<String> hostProblems) {}

    /** @throws SpecException as {@link #translate(Path)}, also for what a local host cannot run ({@link HostCheck#problems}) */
    public static Loaded load(ArgoPackage pkg) throws SpecException {
        return load(pkg, true);
    }

    /**
     * Reads a package for a run that was accepted already (its {@code run.json}): refused only for
     * what no launcher runs ({@link HostCheck#clusterProblems}); what a host cannot run is kept in
     * {@link Loaded#hostProblems()} for the local launcher to refuse, while the Kubernetes launcher
     * maps it to the pod.
     *
     * @throws SpecException naming the file, template and field
     */
    public static Loaded loadForAnyLauncher(ArgoPackage pkg) throws SpecException {
        return load(pkg, false);
    }

    private static Loaded load(ArgoPackage pkg, boolean host) throws SpecException {
        Workflow w = WorkflowReader.read(pkg);
        List<String> hostProblems = HostCheck.problems(w);
        List<String> refused = host ? hostProblems : HostCheck.clusterProblems(w);
        if (!refused.isEmpty()) {
            throw new SpecException(refused.stream().map(p -> SpecError.ofFile(pkg.name(), p)).toList());
        }
        Pipeline p = ArgoModelTranslator.translate(w);
        Map<String, Object> types = new HashMap<>();
        if (w.pipelineSpec() != null) {
            for (JsonNode in : w.pipelineSpec().path("inputs")) {
                if (in.path("type").isTextual()) {
                    types.put(in.path("name").asText(), in.path("type").asText());
                }
            }
        }
        List<InputSpec> inputs = new ArrayList<>();
        for (Workflow.Parameter param : w.parameters()) {
            inputs.add(new InputSpec(param.name(), types.get(param.name()), null, param.value(), false));
        }
        LoaderOptions o = new LoaderOptions();
        o.setCodePointLimit(ArgoPackage.MAX_YAML_BYTES);
        o.setAllowDuplicateKeys(true);
        o.setMaxAliasesForCollections(100);
        JsonNode tree = Json.MAPPER.valueToTree(new Yaml(new SafeConstructor(o)).load(pkg.yaml()));
        return new Loaded(p, inputs, tree, w.activeDeadlineSeconds(), hostProblems);
    }

    private static Workflow checked(ArgoPackage pkg) throws SpecException {
        Workflow w = WorkflowReader.read(pkg);
        List<String> problems = HostCheck.problems(w);
        if (!problems.isEmpty()) {
            throw new SpecException(problems.stream().map(p -> SpecError.ofFile(pkg.name(), p)).toList());
        }
        return w;
    }
}
