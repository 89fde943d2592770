package dev.relay.runner.spec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import dev.relay.eventing.input.InputLimitException;
import dev.relay.eventing.input.SafeFiles;
import dev.relay.eventing.input.SafeYaml;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Walks SnakeYAML's node tree (which keeps every node's position) and builds the typed model,
 * recording each problem as a {@link SpecError} at the offending node. One instance per file.
 */
final class SpecParser {
    /** Deepest nesting of YAML values and of componentRef files. */
    static final int MAX_DEPTH = 64;

    static final Set<String> COMPONENT_KEYS = Set.of("name", "description", "metadata", "inputs", "outputs",
            "implementation", "version");
    static final Set<String> METADATA_KEYS = Set.of("annotations", "labels");
    static final Set<String> INPUT_KEYS = Set.of("name", "type", "description", "default", "optional", "annotations");
    static final Set<String> OUTPUT_KEYS = Set.of("name", "type", "description", "annotations");
    static final Set<String> IMPLEMENTATION_KEYS = Set.of("container", "graph");
    static final Set<String> CONTAINER_KEYS = Set.of("image", "command", "args", "env", "fileOutputs");
    static final Set<String> GRAPH_KEYS = Set.of("tasks", "outputValues");
    static final Set<String> TASK_KEYS = Set.of("componentRef", "arguments", "isEnabled", "executionOptions",
            "annotations");
    static final Set<String> REF_KEYS = Set.of("name", "digest", "tag", "url", "spec");
    static final Set<String> EXEC_KEYS = Set.of("retryStrategy", "cachingStrategy");
    static final Set<String> RETRY_KEYS = Set.of("maxRetries");
    static final Set<String> CACHING_KEYS = Set.of("maxCacheStaleness");
    static final Set<String> IF_KEYS = Set.of("cond", "then", "else");
    static final Set<String> GRAPH_INPUT_KEYS = Set.of("inputName", "type");
    static final Set<String> TASK_OUTPUT_KEYS = Set.of("taskId", "outputName", "type");
    static final List<String> PLACEHOLDERS = List.of("inputValue", "inputPath", "outputPath", "inputUri",
            "outputUri", "concat", "if");

    /** State shared by the files of one load: the errors and the componentRef files seen. */
    static final class Context {
        private final List<SpecError> errors = new ArrayList<>();
        private final Map<Path, Optional<ComponentSpec>> cache = new HashMap<>();
        /** The bytes of every file read, by {@link #key}: each file is read once per load. */
        private final Map<Path, byte[]> sources = new HashMap<>();
        private final Deque<Path> stack = new ArrayDeque<>();

        List<SpecError> errors() {
            return errors;
        }

        void enter(Path file) {
            stack.push(key(file));
        }

        /** Records the bytes of {@code file} as read. */
        void source(Path file, byte[] bytes) {
            sources.put(key(file), bytes);
        }

        /** @return the bytes of a file read during this load (by absolute normalized path), or null */
        byte[] source(Path file) {
            return sources.get(key(file));
        }

        static Path key(Path p) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** Exposes SafeConstructor's scalar construction (int/float/bool/null as YAML 1.1 reads them). */
    private static final class ScalarConstructor extends SafeConstructor {
        ScalarConstructor(LoaderOptions o) {
            super(o);
        }

        Object scalar(ScalarNode n) {
            return constructObject(n);
        }
    }

    private final Context ctx;
    private final String file;
    private final Path baseDir;
    private final ScalarConstructor ctor;

    SpecParser(Context ctx, String file, Path baseDir) {
        this.ctx = ctx;
        this.file = file;
        this.baseDir = baseDir;
        this.ctor = new ScalarConstructor(loaderOptions());
    }

    static LoaderOptions loaderOptions() {
        LoaderOptions o = SafeYaml.options(); // Relay's size, alias and depth limits
        o.setAllowDuplicateKeys(true); // PyYAML keeps the last value of a repeated key
        o.setMergeOnCompose(true);     // PyYAML's SafeLoader applies "<<" merge keys
        return o;
    }

    // ------------------------------------------------------------------ entry points

    ComponentSpec parseBytes(byte[] bytes) {
        String text = decode(bytes);
        return text == null ? null : parseText(text);
    }

    /** PyYAML reads UTF-8 (or UTF-16 with a BOM); anything else is an error. */
    private String decode(byte[] bytes) {
        Charset cs = StandardCharsets.UTF_8;
        int skip = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            skip = 3;
        } else if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff) {
            cs = StandardCharsets.UTF_16BE;
            skip = 2;
        } else if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe) {
            cs = StandardCharsets.UTF_16LE;
            skip = 2;
        }
        try {
            return cs.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip)).toString();
        } catch (CharacterCodingException e) {
            ctx.errors.add(SpecError.ofFile(file, "the file is not valid " + cs.name() + " text"));
            return null;
        }
    }

    ComponentSpec parseText(String text) {
        Node root;
        try {
            root = SafeYaml.compose(text, loaderOptions(), new PyYamlResolver());
        } catch (InputLimitException e) {
            ctx.errors.add(e.line() > 0 ? new SpecError(file, e.line(), e.column(), e.getMessage())
                    : new SpecError(file, 1, 1, e.getMessage()));
            return null;
        } catch (MarkedYAMLException e) {
            if (notRunnableStream(text)) {
                return null;
            }
            Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            StringBuilder msg = new StringBuilder("invalid YAML: ");
            msg.append(e.getProblem() != null ? e.getProblem() : e.getMessage());
            if (e.getContext() != null) {
                msg.append(" (").append(e.getContext());
                if (e.getContextMark() != null && e.getContextMark() != m) {
                    msg.append(" at ").append(e.getContextMark().getLine() + 1).append(':')
                            .append(e.getContextMark().getColumn() + 1);
                }
                msg.append(')');
            }
            ctx.errors.add(m == null ? SpecError.ofFile(file, msg.toString())
                    : new SpecError(file, m.getLine() + 1, m.getColumn() + 1, msg.toString()));
            return null;
        } catch (YAMLException e) {
            ctx.errors.add(SpecError.ofFile(file, "invalid YAML: " + e.getMessage()));
            return null;
        }
        if (root == null) {
            ctx.errors.add(new SpecError(file, 1, 1,
                    "the file is empty; expected a component: a mapping with name, inputs, outputs and implementation"));
            return null;
        }
        if (notRunnable(root)) {
            return null;
        }
        return component(root, "");
    }

    /**
     * A compiled KFP file (v2 IR, Argo Workflow) or another Kubernetes object gets one error
     * naming its format instead of a list of unknown keys ({@link SpecFormat}).
     *
     * @return whether the document was refused
     */
    private boolean notRunnable(Node root) {
        if (!(root instanceof MappingNode m)) {
            return false;
        }
        Map<String, Object> top = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k) {
                Node v = t.getValueNode();
                Object value = v instanceof ScalarNode s ? s.getValue() : v instanceof MappingNode vm
                        ? vm.getValue().stream().filter(x -> x.getKeyNode() instanceof ScalarNode)
                            .collect(Collectors.toMap(x -> ((ScalarNode) x.getKeyNode()).getValue(), x -> Boolean.TRUE, (a, b) -> a))
                        : Boolean.TRUE;
                top.put(k.getValue(), value);
            }
        }
        SpecFormat format = SpecFormat.classify(top);
        if (format.runnable()) {
            return false;
        }
        ctx.errors.add(new SpecError(file, 1, 1, "this is " + format.description()
                + "; Relay runs KFP v1 components (component.yaml) and graph pipelines only so far"));
        return true;
    }

    /** A stream of several YAML documents (KFP v2 IR followed by its platform spec) whose first is not runnable. */
    private boolean notRunnableStream(String text) {
        try {
            List<Node> docs = SafeYaml.composeAll(text, loaderOptions(), new PyYamlResolver());
            return !docs.isEmpty() && notRunnable(docs.get(0));
        } catch (YAMLException e) {
            return false;
        }
    }

    // ------------------------------------------------------------------ component

    /** Per-component lookup state while its container or graph is parsed. */
    private static final class Scope {
        final Map<String, InputSpec> inputs = new LinkedHashMap<>();
        final Map<String, OutputSpec> outputs = new LinkedHashMap<>();
        final Map<String, SpecError> inputPositions = new HashMap<>();
        final Map<Placeholder, SpecError> placeholderPositions = new IdentityHashMap<>();
        final String prefix;

        Scope(String prefix) {
            this.prefix = prefix;
        }

        String inputNames() {
            return names(inputs.keySet());
        }

        String outputNames() {
            return names(outputs.keySet());
        }
    }

    /** Parses one component mapping ({@code prefix} is its path for messages, "" at the top). */
    private ComponentSpec component(Node node, String prefix) {
        int before = ctx.errors.size();
        Map<String, NodeTuple> f = fields(node, prefix.isEmpty() ? "the component" : strip(prefix), COMPONENT_KEYS);
        if (f == null) {
            return null;
        }
        Scope scope = new Scope(prefix);
        String name = string(f, "name", prefix, false);
        String description = text(f, "description");
        Map<String, Object> metadata = metadata(f.get("metadata"), prefix + "metadata");
        List<InputSpec> inputs = inputs(valueOf(f, "inputs"), prefix + "inputs", scope);
        List<OutputSpec> outputs = outputs(valueOf(f, "outputs"), prefix + "outputs", scope);
        string(f, "version", prefix, false);

        ContainerSpec container = null;
        GraphSpec graph = null;
        NodeTuple implTuple = f.get("implementation");
        if (implTuple == null || isNull(implTuple.getValueNode())) {
            error(implTuple == null ? node : implTuple.getValueNode(), "the component has no implementation; expected "
                    + prefix + "implementation.container or " + prefix + "implementation.graph");
        } else {
            Map<String, NodeTuple> impl = fields(implTuple.getValueNode(), prefix + "implementation", IMPLEMENTATION_KEYS);
            if (impl != null) {
                NodeTuple c = impl.get("container");
                NodeTuple g = impl.get("graph");
                if (c != null && g != null) {
                    error(g.getKeyNode(), prefix + "implementation has both container and graph; expected one of them");
                } else if (c != null) {
                    container = container(c.getValueNode(), prefix + "implementation.container", scope);
                } else if (g != null) {
                    graph = graph(g.getValueNode(), prefix + "implementation.graph", scope);
                } else {
                    error(implTuple.getValueNode(), prefix + "implementation is empty; expected container or graph");
                }
            }
        }
        if (ctx.errors.size() != before || (container == null && graph == null)) {
            return null;
        }
        return new ComponentSpec(name, description, metadata, inputs, outputs, container, graph, file,
                scope.inputPositions, scope.placeholderPositions);
    }

    private Map<String, Object> metadata(NodeTuple t, String path) {
        if (t == null || isNull(t.getValueNode())) {
            return Map.of();
        }
        Map<String, NodeTuple> f = fields(t.getValueNode(), path, METADATA_KEYS);
        if (f == null) {
            return Map.of();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : f.entrySet()) {
            Node v = e.getValue().getValueNode();
            if (!isNull(v) && !(v instanceof MappingNode)) {
                error(v, "expected a mapping for " + path + "." + e.getKey() + ", found " + describe(v));
            }
            m.put(e.getKey(), value(v, 0));
        }
        return m;
    }

    private List<InputSpec> inputs(Node n, String path, Scope scope) {
        List<InputSpec> list = new ArrayList<>();
        for (Item item : items(n, path)) {
            Map<String, NodeTuple> f = fields(item.node(), item.path(), INPUT_KEYS);
            if (f == null) {
                continue;
            }
            String name = string(f, "name", item.path() + ".", true);
            if (name == null) {
                if (!f.containsKey("name")) {
                    error(item.node(), item.path() + " has no name");
                }
                continue;
            }
            Object type = f.containsKey("type") ? value(f.get("type").getValueNode(), 0) : null;
            Object def = f.containsKey("default") ? value(f.get("default").getValueNode(), 0) : null;
            boolean optional = bool(f.get("optional"), item.path() + ".optional");
            Node nameNode = f.get("name").getValueNode();
            SpecError first = scope.inputPositions.get(name);
            if (first != null) {
                error(nameNode, "duplicate input name '" + name + "' in " + item.path() + "; first declared at line "
                        + first.line() + ", column " + first.column());
                continue;
            }
            InputSpec in = new InputSpec(name, type, text(f, "description"), def, optional);
            scope.inputs.put(name, in);
            scope.inputPositions.put(name, pos(nameNode, ""));
            list.add(in);
        }
        return list;
    }

    private List<OutputSpec> outputs(Node n, String path, Scope scope) {
        List<OutputSpec> list = new ArrayList<>();
        Map<String, SpecError> seen = new HashMap<>();
        for (Item item : items(n, path)) {
            Map<String, NodeTuple> f = fields(item.node(), item.path(), OUTPUT_KEYS);
            if (f == null) {
                continue;
            }
            String name = string(f, "name", item.path() + ".", true);
            if (name == null) {
                if (!f.containsKey("name")) {
                    error(item.node(), item.path() + " has no name");
                }
                continue;
            }
            Node nameNode = f.get("name").getValueNode();
            if (java.util.Arrays.stream(name.split("/", -1)).anyMatch(seg -> seg.isEmpty() || seg.equals(".") || seg.equals(".."))
                    || name.chars().anyMatch(Character::isISOControl)) {
                // the rule of RunLayout.safeName, which launch applies to the output's key
                error(nameNode, item.path() + ": output name '" + name + "' is not a relative path without '.', '..' or"
                        + " empty segments (it names the output's object in the bucket)");
                continue;
            }
            SpecError first = seen.get(name);
            if (first != null) {
                error(nameNode, "duplicate output name '" + name + "' in " + item.path() + "; first declared at line "
                        + first.line() + ", column " + first.column());
                continue;
            }
            seen.put(name, pos(nameNode, ""));
            Object type = f.containsKey("type") ? value(f.get("type").getValueNode(), 0) : null;
            OutputSpec out = new OutputSpec(name, type, text(f, "description"));
            scope.outputs.put(name, out);
            list.add(out);
        }
        return list;
    }

    // ------------------------------------------------------------------ container

    private ContainerSpec container(Node n, String path, Scope scope) {
        Map<String, NodeTuple> f = fields(n, path, CONTAINER_KEYS);
        if (f == null) {
            return null;
        }
        String image = string(f, "image", path + ".", true);
        if (!f.containsKey("image")) {
            error(n, path + " has no image");
        } else if (image == null && isNull(f.get("image").getValueNode())) {
            error(f.get("image").getValueNode(), path + ".image is empty; expected the container image, e.g. python:3.11");
        }
        List<Placeholder> command = placeholders(valueOf(f, "command"), "command", scope);
        List<Placeholder> args = placeholders(valueOf(f, "args"), "args", scope);
        Map<String, String> env = stringMap(valueOf(f, "env"), path + ".env", null);
        Map<String, String> fileOutputs = stringMap(valueOf(f, "fileOutputs"), path + ".fileOutputs", scope);
        return image == null ? null : new ContainerSpec(image, command, args, env, fileOutputs);
    }

    /** env (any keys) or fileOutputs (keys must be declared outputs, values strings). */
    private Map<String, String> stringMap(Node n, String path, Scope outputsOf) {
        Map<String, String> m = new LinkedHashMap<>();
        if (n == null || isNull(n)) {
            return m;
        }
        Map<String, NodeTuple> f = fields(n, path, null);
        if (f == null) {
            return m;
        }
        for (Map.Entry<String, NodeTuple> e : f.entrySet()) {
            Node v = e.getValue().getValueNode();
            if (outputsOf != null && !outputsOf.outputs.containsKey(e.getKey())) {
                error(e.getValue().getKeyNode(), path + " names unknown output '" + e.getKey() + "'; outputs are: "
                        + outputsOf.outputNames());
            }
            if (!(v instanceof ScalarNode) || isNull(v)) {
                error(v, "expected a string for " + path + "." + e.getKey() + ", found " + describe(v));
                continue;
            }
            if (outputsOf != null && !isStr(v)) {
                error(v, "expected a path string for " + path + "." + e.getKey() + ", found " + describe(v));
                continue;
            }
            if (outputsOf != null && !((ScalarNode) v).getValue().startsWith("/")) {
                error(v, path + "." + e.getKey() + " must be an absolute path in the container (the program writes the"
                        + " output there), got '" + ((ScalarNode) v).getValue() + "'");
                continue;
            }
            m.put(e.getKey(), Values.toKfpString(value(v, 0)));
        }
        return m;
    }

    private List<Placeholder> placeholders(Node n, String path, Scope scope) {
        List<Placeholder> list = new ArrayList<>();
        if (n == null || isNull(n)) {
            return list;
        }
        for (Item item : items(n, path)) {
            Placeholder p = placeholder(item.node(), item.path(), scope);
            if (p != null) {
                list.add(p);
            }
        }
        return list;
    }

    /** A literal or one placeholder; null after recording an error. */
    private Placeholder placeholder(Node n, String path, Scope scope) {
        if (n instanceof ScalarNode) {
            if (isNull(n)) {
                error(n, "null is not a command-line argument (" + path + "); write '' for an empty argument");
                return null;
            }
            return new Placeholder.Literal(Values.toKfpString(value(n, 0)));
        }
        if (n instanceof SequenceNode) {
            error(n, "expected a string or a placeholder in " + path + ", found a list");
            return null;
        }
        Map<String, NodeTuple> f = fields(n, path, null);
        if (f == null) {
            return null;
        }
        if (f.size() != 1) {
            error(n, "a placeholder has exactly one key, " + path + " has "
                    + (f.isEmpty() ? "none" : f.size() + ": " + String.join(", ", f.keySet()))
                    + "; expected one of " + String.join(", ", PLACEHOLDERS));
            return null;
        }
        Map.Entry<String, NodeTuple> e = f.entrySet().iterator().next();
        String key = e.getKey();
        Node v = e.getValue().getValueNode();
        Placeholder p;
        switch (key) {
            case "inputValue" -> p = inputRef(v, path, scope, Placeholder.InputValue::new);
            case "inputPath" -> p = inputRef(v, path, scope, Placeholder.InputPath::new);
            case "inputUri" -> p = inputRef(v, path, scope, Placeholder.InputUri::new);
            case "outputPath" -> p = outputRef(v, path, scope, Placeholder.OutputPath::new);
            case "outputUri" -> p = outputRef(v, path, scope, Placeholder.OutputUri::new);
            case "concat" -> {
                if (!(v instanceof SequenceNode)) {
                    error(v, "expected a list for " + path + ".concat, found " + describe(v));
                    return null;
                }
                p = new Placeholder.Concat(placeholders(v, path + ".concat", scope));
            }
            case "if" -> p = ifPlaceholder(v, path + ".if", scope);
            case "isPresent" -> {
                error(e.getValue().getKeyNode(), "isPresent is only allowed as an if condition (" + path
                        + "); write {if: {cond: {isPresent: NAME}, then: [...]}}");
                return null;
            }
            default -> {
                error(e.getValue().getKeyNode(), "unknown placeholder '" + key + "' in " + path + "; expected one of "
                        + String.join(", ", PLACEHOLDERS));
                return null;
            }
        }
        if (p != null) {
            scope.placeholderPositions.put(p, pos(n, ""));
        }
        return p;
    }

    private Placeholder inputRef(Node v, String path, Scope scope, java.util.function.Function<String, Placeholder> make) {
        String name = nameScalar(v, path);
        if (name == null) {
            return null;
        }
        if (!scope.inputs.containsKey(name)) {
            error(v, "unknown input '" + name + "' in " + path + "; inputs are: " + scope.inputNames());
            return null;
        }
        return make.apply(name);
    }

    private Placeholder outputRef(Node v, String path, Scope scope, java.util.function.Function<String, Placeholder> make) {
        String name = nameScalar(v, path);
        if (name == null) {
            return null;
        }
        if (!scope.outputs.containsKey(name)) {
            error(v, "unknown output '" + name + "' in " + path + "; outputs are: " + scope.outputNames());
            return null;
        }
        return make.apply(name);
    }

    private Placeholder ifPlaceholder(Node n, String path, Scope scope) {
        Map<String, NodeTuple> f = fields(n, path, IF_KEYS);
        if (f == null) {
            return null;
        }
        NodeTuple condT = f.get("cond");
        NodeTuple thenT = f.get("then");
        if (condT == null || thenT == null) {
            error(n, path + " needs " + (condT == null ? "cond" : "then") + "; expected {cond: ..., then: [...], else: [...]}");
            return null;
        }
        int before = ctx.errors.size();
        Placeholder cond = condition(condT.getValueNode(), path + ".cond", scope);
        List<Placeholder> then = branch(thenT.getValueNode(), path + ".then", scope);
        List<Placeholder> otherwise = f.containsKey("else") ? branch(f.get("else").getValueNode(), path + ".else", scope)
                : List.of();
        if (cond == null || ctx.errors.size() != before) {
            return null;
        }
        return new Placeholder.If(cond, then, otherwise);
    }

    private List<Placeholder> branch(Node n, String path, Scope scope) {
        if (isNull(n)) {
            return List.of();
        }
        if (n instanceof SequenceNode) {
            return placeholders(n, path, scope);
        }
        Placeholder p = placeholder(n, path, scope);
        return p == null ? List.of() : List.of(p);
    }

    private Placeholder condition(Node n, String path, Scope scope) {
        if (n instanceof ScalarNode) {
            if (isNull(n)) {
                error(n, path + " is null; expected isPresent, inputValue or a constant");
                return null;
            }
            return new Placeholder.Literal(Values.toKfpString(value(n, 0)));
        }
        Map<String, NodeTuple> f = n instanceof MappingNode ? fields(n, path, null) : null;
        if (f != null && f.size() == 1) {
            Map.Entry<String, NodeTuple> e = f.entrySet().iterator().next();
            Node v = e.getValue().getValueNode();
            if (e.getKey().equals("isPresent")) {
                Placeholder p = inputRef(v, path, scope, Placeholder.IsPresent::new);
                if (p != null) {
                    scope.placeholderPositions.put(p, pos(n, ""));
                }
                return p;
            }
            if (e.getKey().equals("inputValue")) {
                Placeholder p = inputRef(v, path, scope, Placeholder.InputValue::new);
                if (p != null) {
                    scope.placeholderPositions.put(p, pos(n, ""));
                }
                return p;
            }
        }
        if (f != null || !(n instanceof MappingNode)) {
            error(n, path + " must be {isPresent: NAME}, {inputValue: NAME} or a constant; found "
                    + (f == null ? describe(n) : f.isEmpty() ? "an empty mapping" : "'" + String.join(", ", f.keySet()) + "'"));
        }
        return null;
    }

    // ------------------------------------------------------------------ graph

    /** A task while the graph is checked: its parse result and the nodes to point errors at. */
    private static final class TaskDraft {
        String id;
        Node idNode;
        ComponentSpec component; // null when the componentRef failed
        final Map<String, Argument> arguments = new LinkedHashMap<>();
        final Map<String, Node> argumentKeyNodes = new LinkedHashMap<>();
        final Map<String, Node> argumentNodes = new LinkedHashMap<>();
        final Set<String> badArguments = new LinkedHashSet<>();
        final Map<String, String> annotations = new LinkedHashMap<>();
        int maxRetries;
        Predicate isEnabled;
        Node isEnabledNode;
    }

    private GraphSpec graph(Node n, String path, Scope scope) {
        int before = ctx.errors.size();
        Map<String, NodeTuple> f = fields(n, path, GRAPH_KEYS);
        if (f == null) {
            return null;
        }
        NodeTuple tasksT = f.get("tasks");
        if (tasksT == null) {
            error(n, path + " has no tasks");
            return null;
        }
        Map<String, NodeTuple> tasksF = fields(tasksT.getValueNode(), path + ".tasks", null);
        if (tasksF == null) {
            return null;
        }
        Map<String, TaskDraft> drafts = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : tasksF.entrySet()) {
            TaskDraft d = task(e.getKey(), e.getValue(), scope.prefix + "tasks." + e.getKey(), scope);
            if (d != null) {
                drafts.put(e.getKey(), d);
            }
        }
        // Argument checks against each task's component and the pipeline's inputs.
        Map<String, Set<String>> upstream = new LinkedHashMap<>();
        for (TaskDraft d : drafts.values()) {
            Set<String> up = new LinkedHashSet<>();
            upstream.put(d.id, up);
            String tpath = scope.prefix + "tasks." + d.id;
            for (Map.Entry<String, Argument> a : d.arguments.entrySet()) {
                String apath = tpath + ".arguments." + a.getKey();
                if (d.component != null && d.component.input(a.getKey()).isEmpty()) {
                    error(d.argumentKeyNodes.get(a.getKey()), "unknown input '" + a.getKey() + "' in " + tpath
                            + ".arguments; inputs of " + display(d.component) + " are: " + inputNames(d.component));
                }
                if (a.getValue() instanceof Argument.GraphInput gi && !scope.inputs.containsKey(gi.inputName())) {
                    error(d.argumentNodes.get(a.getKey()), "unknown pipeline input '" + gi.inputName() + "' in " + apath
                            + "; inputs are: " + scope.inputNames());
                }
                if (a.getValue() instanceof Argument.TaskOutput to
                        && taskOutputOk(to, d.argumentNodes.get(a.getKey()), apath, drafts, tasksF.keySet())) {
                    up.add(to.taskId());
                }
            }
            if (d.isEnabled != null) {
                String ppath = tpath + ".isEnabled";
                for (Argument a : d.isEnabled.arguments()) {
                    if (a instanceof Argument.GraphInput gi && !scope.inputs.containsKey(gi.inputName())) {
                        error(d.isEnabledNode, "unknown pipeline input '" + gi.inputName() + "' in " + ppath
                                + "; inputs are: " + scope.inputNames());
                    }
                    if (a instanceof Argument.TaskOutput to
                            && taskOutputOk(to, d.isEnabledNode, ppath, drafts, tasksF.keySet())) {
                        up.add(to.taskId());
                    }
                }
            }
            if (d.component != null) {
                for (InputSpec in : d.component.inputs()) {
                    if (in.isRequired() && !d.arguments.containsKey(in.name()) && !d.badArguments.contains(in.name())) {
                        error(d.idNode, "task '" + d.id + "': required input '" + in.name() + "' of "
                                + display(d.component) + " has no argument; add it under " + tpath + ".arguments");
                    }
                }
            }
        }
        // Task ids must stay distinct as object-key names.
        Map<String, String> labels = new HashMap<>();
        for (TaskDraft d : drafts.values()) {
            String label = Names.dnsLabel(d.id);
            String other = labels.putIfAbsent(label, d.id);
            if (other != null) {
                error(d.idNode, "task ids '" + other + "' and '" + d.id + "' both become '" + label
                        + "' as DNS-1123 names (object keys, Job names); rename one");
            }
        }
        String cycle = GraphSpec.findCycle(upstream);
        if (cycle != null) {
            String first = cycle.substring(0, cycle.indexOf(" -> "));
            error(drafts.get(first).idNode, "the task graph has a cycle: " + cycle
                    + "; a pipeline must be a DAG (taskOutput arguments define the edges)");
        }
        // outputValues
        Map<String, Argument.TaskOutput> outputValues = new LinkedHashMap<>();
        NodeTuple ovT = f.get("outputValues");
        if (ovT != null && !isNull(ovT.getValueNode())) {
            Map<String, NodeTuple> ov = fields(ovT.getValueNode(), path + ".outputValues", null);
            if (ov != null) {
                for (Map.Entry<String, NodeTuple> e : ov.entrySet()) {
                    String opath = scope.prefix + "outputValues." + e.getKey();
                    if (!scope.outputs.containsKey(e.getKey())) {
                        error(e.getValue().getKeyNode(), "outputValues names unknown output '" + e.getKey()
                                + "'; outputs are: " + scope.outputNames());
                    }
                    Argument a = argument(e.getValue().getValueNode(), opath);
                    if (a == null) {
                        continue;
                    }
                    if (a instanceof Argument.TaskOutput to) {
                        if (taskOutputOk(to, e.getValue().getValueNode(), opath, drafts, tasksF.keySet())) {
                            outputValues.put(e.getKey(), to);
                        }
                    } else {
                        error(e.getValue().getValueNode(), "expected {taskOutput: {taskId: T, outputName: O}} for "
                                + opath + ", found " + describe(e.getValue().getValueNode()));
                    }
                }
            }
        }
        if (ctx.errors.size() != before) {
            return null;
        }
        Map<String, TaskSpec> tasks = new LinkedHashMap<>();
        for (TaskDraft d : drafts.values()) {
            TaskSpec ts = new TaskSpec(d.id, d.component, d.arguments, d.annotations, d.maxRetries, d.isEnabled);
            for (String after : ts.after()) {
                if (!drafts.containsKey(after)) {
                    error(d.idNode, "task '" + d.id + "': annotation " + TaskSpec.AFTER + " names unknown task '"
                            + after + "'; tasks are: " + names(drafts.keySet()));
                }
            }
            tasks.put(d.id, ts);
        }
        if (ctx.errors.size() != before) {
            return null;
        }
        try {
            return new GraphSpec(tasks, outputValues);
        } catch (IllegalArgumentException e) {
            error(drafts.values().iterator().next().idNode, e.getMessage());
            return null;
        }
    }

    private boolean taskOutputOk(Argument.TaskOutput to, Node at, String path, Map<String, TaskDraft> drafts,
                                 Collection<String> allTaskIds) {
        if (!allTaskIds.contains(to.taskId())) {
            error(at, "unknown task '" + to.taskId() + "' in " + path + ".taskOutput; tasks are: " + names(allTaskIds));
            return false;
        }
        TaskDraft up = drafts.get(to.taskId());
        if (up == null || up.component == null) {
            return true; // already reported; still an edge for cycle detection
        }
        if (up.component.output(to.outputName()).isEmpty()) {
            error(at, "task '" + to.taskId() + "' has no output '" + to.outputName() + "' (" + path
                    + ".taskOutput); outputs of " + display(up.component) + " are: " + outputNames(up.component));
            return false;
        }
        return true;
    }

    private TaskDraft task(String id, NodeTuple t, String path, Scope scope) {
        Map<String, NodeTuple> f = fields(t.getValueNode(), path, TASK_KEYS);
        if (f == null) {
            return null;
        }
        TaskDraft d = new TaskDraft();
        d.id = id;
        d.idNode = t.getKeyNode();
        if (f.containsKey("isEnabled") && !isNull(f.get("isEnabled").getValueNode())) {
            d.isEnabledNode = f.get("isEnabled").getValueNode();
            d.isEnabled = predicate(d.isEnabledNode, path + ".isEnabled", 0);
        }
        NodeTuple ref = f.get("componentRef");
        if (ref == null) {
            error(t.getKeyNode(), "task '" + id + "' has no componentRef; expected componentRef: {url: FILE} or {spec: ...}");
        } else {
            d.component = componentRef(ref.getValueNode(), path + ".componentRef", scope);
        }
        NodeTuple args = f.get("arguments");
        if (args != null && !isNull(args.getValueNode())) {
            Map<String, NodeTuple> af = fields(args.getValueNode(), path + ".arguments", null);
            if (af != null) {
                for (Map.Entry<String, NodeTuple> e : af.entrySet()) {
                    Argument a = argument(e.getValue().getValueNode(), path + ".arguments." + e.getKey());
                    if (a == null) {
                        d.badArguments.add(e.getKey());
                    } else {
                        d.arguments.put(e.getKey(), a);
                        d.argumentKeyNodes.put(e.getKey(), e.getValue().getKeyNode());
                        d.argumentNodes.put(e.getKey(), e.getValue().getValueNode());
                    }
                }
            }
        }
        NodeTuple ann = f.get("annotations");
        if (ann != null && !isNull(ann.getValueNode())) {
            Map<String, NodeTuple> af = fields(ann.getValueNode(), path + ".annotations", null);
            if (af != null) {
                for (Map.Entry<String, NodeTuple> e : af.entrySet()) {
                    Object v = value(e.getValue().getValueNode(), 0);
                    if (v != null) {
                        d.annotations.put(e.getKey(), Values.toKfpString(v));
                    }
                }
            }
        }
        NodeTuple exec = f.get("executionOptions");
        if (exec != null && !isNull(exec.getValueNode())) {
            Map<String, NodeTuple> ef = fields(exec.getValueNode(), path + ".executionOptions", EXEC_KEYS);
            if (ef != null) {
                NodeTuple retry = ef.get("retryStrategy");
                if (retry != null && !isNull(retry.getValueNode())) {
                    Map<String, NodeTuple> rf = fields(retry.getValueNode(), path + ".executionOptions.retryStrategy",
                            RETRY_KEYS);
                    if (rf != null && rf.containsKey("maxRetries")) {
                        Node mr = rf.get("maxRetries").getValueNode();
                        Object v = value(mr, 0);
                        if (v instanceof Integer i && i >= 0) {
                            d.maxRetries = i;
                        } else {
                            error(mr, "expected a whole number >= 0 for " + path
                                    + ".executionOptions.retryStrategy.maxRetries, found " + describe(mr));
                        }
                    }
                }
                NodeTuple caching = ef.get("cachingStrategy");
                if (caching != null && !isNull(caching.getValueNode())) {
                    fields(caching.getValueNode(), path + ".executionOptions.cachingStrategy", CACHING_KEYS);
                }
            }
        }
        return d;
    }

    /**
     * A v1 {@code isEnabled} predicate ({@code PredicateType}): {@code {OP: {op1, op2}}} for a
     * comparison, {@code {not: P}}, {@code {and: {op1: P, op2: P}}}, {@code {or: ...}}; null after
     * recording an error.
     */
    private Predicate predicate(Node n, String path, int depth) {
        if (depth > MAX_DEPTH) {
            error(n, path + " is nested deeper than " + MAX_DEPTH + " levels");
            return null;
        }
        String expected = "expected one of " + Predicate.OPERATORS + ", not, and, or as the only key of " + path;
        Map<String, NodeTuple> f = fields(n, path, null);
        if (f == null) {
            return null;
        }
        if (f.size() != 1) {
            error(n, expected + ", found " + (f.isEmpty() ? "no keys" : String.join(", ", f.keySet())));
            return null;
        }
        Map.Entry<String, NodeTuple> e = f.entrySet().iterator().next();
        String op = e.getKey();
        Node v = e.getValue().getValueNode();
        String sub = path + "." + op;
        if (op.equals("not")) {
            Predicate p = predicate(v, sub, depth + 1);
            return p == null ? null : new Predicate.Not(p);
        }
        if (!Predicate.OPERATORS.contains(op) && !op.equals("and") && !op.equals("or")) {
            error(e.getValue().getKeyNode(), expected + ", found '" + op + "'");
            return null;
        }
        Map<String, NodeTuple> ops = fields(v, sub, Set.of("op1", "op2"));
        if (ops == null) {
            return null;
        }
        if (!ops.containsKey("op1") || !ops.containsKey("op2")) {
            error(v, sub + " needs op1 and op2");
            return null;
        }
        Node n1 = ops.get("op1").getValueNode();
        Node n2 = ops.get("op2").getValueNode();
        if (op.equals("and") || op.equals("or")) {
            Predicate l = predicate(n1, sub + ".op1", depth + 1);
            Predicate r = predicate(n2, sub + ".op2", depth + 1);
            if (l == null || r == null) {
                return null;
            }
            return op.equals("and") ? new Predicate.And(l, r) : new Predicate.Or(l, r);
        }
        Argument l = argument(n1, sub + ".op1");
        Argument r = argument(n2, sub + ".op2");
        return l == null || r == null ? null : new Predicate.Compare(op, l, r);
    }

    /** A constant, graphInput or taskOutput argument; null after recording an error. */
    private Argument argument(Node n, String path) {
        if (n instanceof ScalarNode) {
            if (isNull(n)) {
                error(n, "the argument " + path + " is null; leave it out to pass no argument");
                return null;
            }
            return new Argument.Constant(value(n, 0));
        }
        String expected = "expected a constant (string, number, boolean), {graphInput: {inputName: NAME}} or "
                + "{taskOutput: {taskId: T, outputName: O}} for " + path;
        if (n instanceof SequenceNode) {
            error(n, expected + ", found a list (write JSON as a quoted string)");
            return null;
        }
        Map<String, NodeTuple> f = fields(n, path, null);
        if (f == null) {
            return null;
        }
        if (f.size() != 1 || !(f.containsKey("graphInput") || f.containsKey("taskOutput"))) {
            error(n, expected + ", found a mapping with " + (f.isEmpty() ? "no keys" : String.join(", ", f.keySet())));
            return null;
        }
        if (f.containsKey("graphInput")) {
            Node v = f.get("graphInput").getValueNode();
            if (v instanceof ScalarNode) { // older KFP form: graphInput: NAME
                String name = nameScalar(v, path + ".graphInput");
                return name == null ? null : new Argument.GraphInput(name);
            }
            Map<String, NodeTuple> gf = fields(v, path + ".graphInput", GRAPH_INPUT_KEYS);
            if (gf == null) {
                return null;
            }
            String name = string(gf, "inputName", path + ".graphInput.", true);
            if (name == null) {
                if (!gf.containsKey("inputName")) {
                    error(v, path + ".graphInput needs inputName");
                }
                return null;
            }
            return new Argument.GraphInput(name);
        }
        Node v = f.get("taskOutput").getValueNode();
        Map<String, NodeTuple> tf = fields(v, path + ".taskOutput", TASK_OUTPUT_KEYS);
        if (tf == null) {
            return null;
        }
        String taskId = string(tf, "taskId", path + ".taskOutput.", true);
        String outputName = string(tf, "outputName", path + ".taskOutput.", true);
        if (!tf.containsKey("taskId") || !tf.containsKey("outputName")) {
            error(v, path + ".taskOutput needs taskId and outputName");
            return null;
        }
        return taskId == null || outputName == null ? null : new Argument.TaskOutput(taskId, outputName);
    }

    // ------------------------------------------------------------------ componentRef

    private ComponentSpec componentRef(Node n, String path, Scope scope) {
        Map<String, NodeTuple> f = fields(n, path, REF_KEYS);
        if (f == null) {
            return null;
        }
        NodeTuple spec = f.get("spec");
        if (spec != null && !isNull(spec.getValueNode())) {
            if (ctx.stack.size() > MAX_DEPTH) {
                error(spec.getValueNode(), "components nested deeper than " + MAX_DEPTH + " levels");
                return null;
            }
            return component(spec.getValueNode(), path + ".spec.");
        }
        NodeTuple urlT = f.get("url");
        if (urlT == null || isNull(urlT.getValueNode())) {
            error(n, path + " has no url or spec; a name, digest or tag alone cannot be resolved (Relay has no"
                    + " component store): give url (a path relative to this file, or a file: URL) or an inline spec");
            return null;
        }
        String url = string(f, "url", path + ".", true);
        if (url == null) {
            return null;
        }
        Node urlNode = urlT.getValueNode();
        Path target = resolveUrl(url, urlNode, path);
        if (target == null) {
            return null;
        }
        String display = target.toString();
        byte[] bytes = ctx.source(target);
        try {
            if (bytes == null) {
                bytes = SafeFiles.read(target);
                ctx.source(target, bytes);
            }
        } catch (NoSuchFileException e) {
            error(urlNode, path + ".url '" + url + "' does not exist: " + target.toAbsolutePath().normalize());
            return null;
        } catch (IOException e) {
            error(urlNode, path + ".url '" + url + "' cannot be read: " + e.getMessage());
            return null;
        }
        NodeTuple digestT = f.get("digest");
        if (digestT != null && !isNull(digestT.getValueNode())) {
            String digest = string(f, "digest", path + ".", true);
            if (digest != null) {
                String want = digest.toLowerCase(Locale.ROOT);
                if (want.startsWith("sha256:")) {
                    want = want.substring("sha256:".length());
                }
                String have = sha256(bytes);
                if (!have.equals(want)) {
                    error(digestT.getValueNode(), "digest mismatch for " + path + ".url '" + url + "': the file's sha256 is "
                            + have + ", the pipeline expects " + digest);
                    return null;
                }
            }
        }
        Path key = Context.key(target);
        if (ctx.stack.contains(key)) {
            List<String> chain = new ArrayList<>();
            for (java.util.Iterator<Path> it = ctx.stack.descendingIterator(); it.hasNext(); ) {
                chain.add(it.next().getFileName().toString());
            }
            chain.add(key.getFileName().toString());
            error(urlNode, path + ".url '" + url + "' refers back to a file that is being loaded: "
                    + String.join(" -> ", chain));
            return null;
        }
        Optional<ComponentSpec> cached = ctx.cache.get(key);
        if (cached != null) {
            if (cached.isEmpty()) {
                error(urlNode, path + ".url '" + url + "': the referenced component is invalid (see its errors)");
            }
            return cached.orElse(null);
        }
        if (ctx.stack.size() > MAX_DEPTH) {
            error(urlNode, "componentRef files nested deeper than " + MAX_DEPTH + " levels");
            return null;
        }
        ctx.stack.push(key);
        int before = ctx.errors.size();
        Path parent = target.getParent() == null ? Path.of("") : target.getParent();
        ComponentSpec c;
        try {
            c = new SpecParser(ctx, display, parent).parseBytes(bytes);
        } finally {
            ctx.stack.pop();
        }
        if (c == null || ctx.errors.size() != before) {
            ctx.cache.put(key, Optional.empty());
            error(urlNode, path + ".url '" + url + "': the referenced component is invalid (see its errors)");
            return null;
        }
        ctx.cache.put(key, Optional.of(c));
        return c;
    }

    private Path resolveUrl(String url, Node at, String path) {
        try {
            return ComponentLoader.resolveUrl(url, baseDir);
        } catch (IllegalArgumentException e) {
            error(at, path + ".url '" + url + "'" + e.getMessage());
            return null;
        }
    }

    static String sha256(byte[] bytes) {
        return dev.relay.eventing.Sha256.hex(bytes);
    }

    // ------------------------------------------------------------------ node helpers

    /** One element of a sequence with its path for messages, e.g. {@code args[3]}. */
    private record Item(Node node, String path) {
    }

    /** Items of a sequence, each with its path {@code path[i]}; an error when n is not a list. */
    private List<Item> items(Node n, String path) {
        if (n == null || isNull(n)) {
            return List.of();
        }
        if (!(n instanceof SequenceNode s)) {
            error(n, "expected a list for " + path + ", found " + describe(n));
            return List.of();
        }
        List<Node> values = s.getValue();
        List<Item> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            out.add(new Item(values.get(i), path + "[" + i + "]"));
        }
        return out;
    }

    /**
     * The entries of a mapping by key (the last of repeated keys wins, as in PyYAML); keys outside
     * {@code allowed} (when not null) are errors. Null when n is not a mapping (error recorded).
     */
    private Map<String, NodeTuple> fields(Node n, String path, Set<String> allowed) {
        if (!(n instanceof MappingNode m)) {
            error(n, "expected a mapping for " + path + ", found " + describe(n));
            return null;
        }
        Map<String, NodeTuple> f = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            Node k = t.getKeyNode();
            if (!(k instanceof ScalarNode)) {
                error(k, "expected a string key in " + path + ", found " + describe(k));
                continue;
            }
            String key = isStr(k) ? ((ScalarNode) k).getValue() : String.valueOf(Values.toKfpString(value(k, 0)));
            if (allowed != null && !allowed.contains(key)) {
                error(k, "unknown key '" + key + "' in " + path + "; expected one of: "
                        + allowed.stream().sorted().collect(Collectors.joining(", ")));
                continue;
            }
            f.remove(key); // keep the last occurrence, at its position in the order
            f.put(key, t);
        }
        return f;
    }

    private static Node valueOf(Map<String, NodeTuple> f, String key) {
        NodeTuple t = f.get(key);
        return t == null ? null : t.getValueNode();
    }

    /** A string field; null when absent, null-valued or not a string (error recorded when not a string). */
    private String string(Map<String, NodeTuple> f, String key, String prefix, boolean quoteHint) {
        NodeTuple t = f.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return null;
        }
        Node v = t.getValueNode();
        if (isStr(v)) {
            return ((ScalarNode) v).getValue();
        }
        error(v, "expected a string for " + prefix + key + ", found " + describe(v)
                + (v instanceof ScalarNode && quoteHint ? " (quote it)" : ""));
        return null;
    }

    /** A name inside a placeholder or reference: a string scalar. */
    private String nameScalar(Node v, String path) {
        if (isStr(v)) {
            return ((ScalarNode) v).getValue();
        }
        error(v, "expected a name (a string) in " + path + ", found " + describe(v)
                + (v instanceof ScalarNode && !isNull(v) ? " (quote it)" : ""));
        return null;
    }

    /** A free-text field (description): any scalar, as KFP's str(). */
    private String text(Map<String, NodeTuple> f, String key) {
        NodeTuple t = f.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return null;
        }
        Node v = t.getValueNode();
        if (!(v instanceof ScalarNode)) {
            error(v, "expected text for " + key + ", found " + describe(v));
            return null;
        }
        return Values.toKfpString(value(v, 0));
    }

    private boolean bool(NodeTuple t, String path) {
        if (t == null || isNull(t.getValueNode())) {
            return false;
        }
        Object v = value(t.getValueNode(), 0);
        if (v instanceof Boolean b) {
            return b;
        }
        error(t.getValueNode(), "expected true or false for " + path + ", found " + describe(t.getValueNode()));
        return false;
    }

    /** The plain Java value of a node (String, Boolean, Integer/Long/BigInteger, Double, List, Map, null). */
    private Object value(Node n, int depth) {
        if (depth > MAX_DEPTH) {
            error(n, "value nested deeper than " + MAX_DEPTH + " levels (or a recursive alias)");
            return null;
        }
        if (n instanceof ScalarNode s) {
            Tag tag = s.getTag();
            if (Tag.STR.equals(tag) || Tag.TIMESTAMP.equals(tag)) {
                return s.getValue(); // timestamps stay as written
            }
            try {
                return ctor.scalar(s);
            } catch (YAMLException | NumberFormatException e) {
                error(n, "cannot read the value '" + s.getValue() + "' tagged " + tag + ": " + e.getMessage());
                return s.getValue();
            }
        }
        if (n instanceof SequenceNode s) {
            List<Object> l = new ArrayList<>(s.getValue().size());
            for (Node c : s.getValue()) {
                l.add(value(c, depth + 1));
            }
            return l;
        }
        MappingNode m = (MappingNode) n;
        Map<String, Object> map = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            Object k = value(t.getKeyNode(), depth + 1);
            String key = k == null ? "null" : Values.toKfpString(k);
            map.remove(key);
            map.put(key, value(t.getValueNode(), depth + 1));
        }
        return map;
    }

    private static boolean isNull(Node n) {
        return n == null || (n instanceof ScalarNode && Tag.NULL.equals(n.getTag()));
    }

    private static boolean isStr(Node n) {
        return n instanceof ScalarNode && Tag.STR.equals(n.getTag());
    }

    /** "a mapping", "a list", "null", "the boolean true", "the number 3", "the string 'x'". */
    private static String describe(Node n) {
        if (n == null || isNull(n)) {
            return "null";
        }
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        String v = ((ScalarNode) n).getValue();
        Tag t = n.getTag();
        if (Tag.BOOL.equals(t)) {
            return "the boolean " + v;
        }
        if (Tag.INT.equals(t) || Tag.FLOAT.equals(t)) {
            return "the number " + v;
        }
        return "'" + (v.length() > 40 ? v.substring(0, 40) + "..." : v) + "'";
    }

    private SpecError pos(Node n, String message) {
        Mark m = n == null ? null : n.getStartMark();
        return m == null ? SpecError.ofFile(file, message) : new SpecError(file, m.getLine() + 1, m.getColumn() + 1, message);
    }

    private void error(Node n, String message) {
        ctx.errors.add(pos(n, message));
    }

    private static String strip(String prefix) {
        return prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    static String names(Collection<String> names) {
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }

    /** 'NAME' of a component, or "the component" for an unnamed one. */
    private static String display(ComponentSpec c) {
        return c.name() == null ? "the component" : "'" + c.name() + "'";
    }

    private static String inputNames(ComponentSpec c) {
        return names(c.inputs().stream().map(InputSpec::name).toList());
    }

    private static String outputNames(ComponentSpec c) {
        return names(c.outputs().stream().map(OutputSpec::name).toList());
    }
}
