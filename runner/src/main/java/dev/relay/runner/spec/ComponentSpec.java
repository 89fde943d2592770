package dev.relay.runner.spec;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed and validated KFP v1 component ({@code ComponentSpec} in
 * {@code kfp/components/_structures.py}): a container component or a graph component (a pipeline).
 * Built by {@link ComponentLoader}; immutable.
 */
public final class ComponentSpec {
    private final String name;
    private final String description;
    private final Map<String, Object> metadata;
    private final List<InputSpec> inputs;
    private final List<OutputSpec> outputs;
    private final Map<String, InputSpec> inputsByName;
    private final Map<String, OutputSpec> outputsByName;
    private final ContainerSpec container;
    private final GraphSpec graph;
    private final String sourceFile;
    /** Positions for resolve-time errors (inputs by name, if-placeholders by identity); may be empty. */
    private final Map<String, SpecError> inputPositions;
    private final Map<Placeholder, SpecError> placeholderPositions;

    /**
     * @param name        the {@code name} or null
     * @param description the {@code description} or null
     * @param metadata    the {@code metadata} mapping as YAML gave it (annotations, labels), or null
     * @param inputs      declared inputs in order (names unique)
     * @param outputs     declared outputs in order (names unique)
     * @param container   the container implementation, or null
     * @param graph       the graph implementation, or null (exactly one of container/graph is set)
     * @param sourceFile  the file it came from (for messages), never null
     * @throws IllegalArgumentException if both or neither of container/graph are given, or names repeat
     */
    public ComponentSpec(String name, String description, Map<String, Object> metadata, List<InputSpec> inputs,
                         List<OutputSpec> outputs, ContainerSpec container, GraphSpec graph, String sourceFile) {
        this(name, description, metadata, inputs, outputs, container, graph, sourceFile, Map.of(), Map.of());
    }

    ComponentSpec(String name, String description, Map<String, Object> metadata, List<InputSpec> inputs,
                  List<OutputSpec> outputs, ContainerSpec container, GraphSpec graph, String sourceFile,
                  Map<String, SpecError> inputPositions, Map<Placeholder, SpecError> placeholderPositions) {
        if ((container == null) == (graph == null)) {
            throw new IllegalArgumentException("exactly one of container and graph must be given");
        }
        this.name = name;
        this.description = description;
        this.metadata = metadata == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        this.inputs = inputs == null ? List.of() : List.copyOf(inputs);
        this.outputs = outputs == null ? List.of() : List.copyOf(outputs);
        Map<String, InputSpec> in = new LinkedHashMap<>();
        for (InputSpec i : this.inputs) {
            if (in.put(i.name(), i) != null) {
                throw new IllegalArgumentException("duplicate input name '" + i.name() + "'");
            }
        }
        Map<String, OutputSpec> out = new LinkedHashMap<>();
        for (OutputSpec o : this.outputs) {
            if (out.put(o.name(), o) != null) {
                throw new IllegalArgumentException("duplicate output name '" + o.name() + "'");
            }
        }
        this.inputsByName = Collections.unmodifiableMap(in);
        this.outputsByName = Collections.unmodifiableMap(out);
        this.container = container;
        this.graph = graph;
        this.sourceFile = Objects.requireNonNull(sourceFile, "sourceFile");
        this.inputPositions = Map.copyOf(inputPositions);
        IdentityHashMap<Placeholder, SpecError> pp = new IdentityHashMap<>(placeholderPositions);
        this.placeholderPositions = Collections.unmodifiableMap(pp);
    }

    /** The {@code name}, or null when the file has none. */
    public String name() {
        return name;
    }

    /** The {@code description}, or null. */
    public String description() {
        return description;
    }

    /** The {@code metadata} mapping (e.g. {@code annotations}, {@code labels}) as YAML gave it; may be empty. */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** Declared inputs in declaration order. */
    public List<InputSpec> inputs() {
        return inputs;
    }

    /** Declared outputs in declaration order. */
    public List<OutputSpec> outputs() {
        return outputs;
    }

    /** The input named {@code name} (inputs and outputs are separate namespaces). */
    public Optional<InputSpec> input(String name) {
        return Optional.ofNullable(inputsByName.get(name));
    }

    /** The output named {@code name}. */
    public Optional<OutputSpec> output(String name) {
        return Optional.ofNullable(outputsByName.get(name));
    }

    /** {@code implementation.container}, or null for a pipeline. */
    public ContainerSpec container() {
        return container;
    }

    /** {@code implementation.graph}, or null for a container component. */
    public GraphSpec graph() {
        return graph;
    }

    /** Whether this is a graph component (a pipeline). */
    public boolean isPipeline() {
        return graph != null;
    }

    /** The file this component was read from, as named to the loader (for messages). */
    public String sourceFile() {
        return sourceFile;
    }

    /** Where input {@code name} was declared (an error template with a position), if known. */
    SpecError inputPosition(String name) {
        return inputPositions.get(name);
    }

    /** Where placeholder {@code p} (by identity) was written, if known. */
    SpecError placeholderPosition(Placeholder p) {
        return placeholderPositions.get(p);
    }

    @Override
    public String toString() {
        return (isPipeline() ? "pipeline" : "component") + " '" + name + "' (" + sourceFile + ")";
    }
}
