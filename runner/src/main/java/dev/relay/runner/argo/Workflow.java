package dev.relay.runner.argo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of an Argo {@code Workflow} (argoproj.io/v1alpha1) that KFP 1.8's compiler writes and
 * Relay reads, typed. Read by {@link WorkflowReader}; every list keeps the file's order.
 *
 * @param source                 where the YAML came from ({@link ArgoPackage#name()})
 * @param name                   {@code metadata.name}, else {@code generateName} without its trailing {@code -}
 * @param entrypoint             {@code spec.entrypoint}: the template the run starts with
 * @param parameters             {@code spec.arguments.parameters}: the pipeline's parameters and their defaults
 * @param pipelineSpec           KFP's {@code pipelines.kubeflow.org/pipeline_spec} annotation (name, description,
 *                               inputs with types), or null
 * @param templates              {@code spec.templates} by name
 * @param onExit                 {@code spec.onExit}: the exit handler template, or null
 * @param activeDeadlineSeconds  {@code spec.activeDeadlineSeconds}: the run's deadline, or null
 * @param parallelism            {@code spec.parallelism}, or null
 * @param spec                   the raw {@code spec} (for the host check's field-by-field refusal)
 */
public record Workflow(String source, String name, String entrypoint, List<Parameter> parameters,
                       JsonNode pipelineSpec, Map<String, Template> templates, String onExit,
                       Long activeDeadlineSeconds, Integer parallelism, JsonNode spec) {

    /** @return the template named {@code name} */
    public Optional<Template> template(String name) {
        return Optional.ofNullable(templates.get(name));
    }

    /**
     * A named parameter: a workflow argument or a template input ({@code value} is its default,
     * null when it has none), or a task argument ({@code value} the expression).
     */
    public record Parameter(String name, String value) {}

    /** What a template does. */
    public enum Kind { CONTAINER, SCRIPT, DAG, STEPS, RESOURCE, SUSPEND, OTHER }

    /**
     * One template.
     *
     * @param name                  its name (unique in the workflow)
     * @param kind                  container, dag, steps, resource...
     * @param container             the container (kind CONTAINER or SCRIPT), else null
     * @param inputParameters       {@code inputs.parameters}
     * @param inputArtifacts        {@code inputs.artifacts}
     * @param outputParameters      {@code outputs.parameters} (from {@code valueFrom.path})
     * @param outputArtifacts       {@code outputs.artifacts}
     * @param componentSpec         KFP's {@code pipelines.kubeflow.org/component_spec} annotation parsed, or null
     * @param argumentsParameters   KFP's {@code pipelines.kubeflow.org/arguments.parameters} annotation
     *                              (component input name → Argo expression), empty when absent
     * @param tasks                 the DAG's tasks (kind DAG), or the steps as tasks (kind STEPS: each
     *                              step group depends on the previous one), else empty
     * @param retryLimit            {@code retryStrategy.limit}, or null
     * @param activeDeadlineSeconds the template's {@code activeDeadlineSeconds}: one attempt's deadline, or null
     * @param parallelism           {@code parallelism}, or null
     * @param path                  where it is in the file, e.g. {@code spec.templates[3]}
     * @param raw                   the template as written
     */
    public record Template(String name, Kind kind, Container container, List<Parameter> inputParameters,
                           List<ArtifactIn> inputArtifacts, List<OutputFile> outputParameters,
                           List<OutputFile> outputArtifacts, JsonNode componentSpec,
                           Map<String, String> argumentsParameters, List<Task> tasks, Integer retryLimit,
                           Long activeDeadlineSeconds, Integer parallelism, String path, JsonNode raw) {
        /** @return {@code spec.templates[i](name)}: how messages name this template */
        public String where() {
            return path + "(" + name + ")";
        }
    }

    /**
     * A container.
     *
     * @param image   {@code image}
     * @param command {@code command} (may be empty: the image's entrypoint)
     * @param args    {@code args}
     * @param env     {@code env} with literal values; an entry {@code valueFrom.fieldRef} has
     *                {@link EnvVar#fieldRef()} set instead
     */
    public record Container(String image, List<String> command, List<String> args, List<EnvVar> env) {}

    /** One {@code env} entry: a literal {@code value} or a Kubernetes {@code fieldRef} (fieldPath). */
    public record EnvVar(String name, String value, String fieldRef) {}

    /**
     * An input artifact.
     *
     * @param name its name
     * @param path where the container reads it
     * @param raw  {@code raw.data}: a constant content, or null
     */
    public record ArtifactIn(String name, String path, String raw) {}

    /**
     * An output parameter or artifact: read from {@code path} ({@code valueFrom.path} for a
     * parameter) in a container, or taken from {@code parameter} ({@code valueFrom.parameter} /
     * an artifact's {@code from}) in a DAG.
     */
    public record OutputFile(String name, String path, String parameter) {}

    /**
     * A DAG task (or a step).
     *
     * @param name         its name in the DAG
     * @param template     the template it runs
     * @param dependencies {@code dependencies}
     * @param depends      {@code depends} (an Argo enhanced-depends expression), or null
     * @param when         {@code when}, or null
     * @param withItems    {@code withItems}, or null
     * @param withParam    {@code withParam}, or null
     * @param parameters   {@code arguments.parameters}
     * @param artifacts    {@code arguments.artifacts}
     * @param path         where it is in the file
     */
    public record Task(String name, String template, List<String> dependencies, String depends, String when,
                       JsonNode withItems, String withParam, List<Parameter> parameters,
                       List<ArtifactArg> artifacts, String path) {}

    /**
     * A task's artifact argument: {@code from} an expression, or a {@code raw.data} constant.
     */
    public record ArtifactArg(String name, String from, String raw) {}
}
