package dev.relay.runner.spec;

import dev.relay.eventing.input.SafeYaml;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns a validated pipeline or component into the self-contained spec that {@code run.json}
 * carries: every {@code componentRef.url} replaced by {@code componentRef.spec} with the
 * referenced file's content (recursively), and a lone component wrapped as a one-task pipeline
 * whose inputs pass straight through. Values keep their YAML 1.1 types as KFP's PyYAML loader
 * reads them, except timestamps, which stay text (as KFP's {@code str()} would print them).
 *
 * <p>Used through {@link ComponentLoader#resolve}, which hands it the bytes the validation read
 * (so no file is read twice); it trusts their shape.
 */
public final class PipelineInliner {
    private static final ObjectMapper MAPPER = dev.relay.eventing.input.SafeJson.mapper();

    private PipelineInliner() {}

    /**
     * @param file   the pipeline or component file (its folder anchors relative urls)
     * @param source the bytes of a file by its absolute normalized path, as the validation read them
     * @return the inlined pipeline as a JSON tree
     * @throws IllegalStateException when a file's bytes are not among the sources
     */
    static JsonNode inline(Path file, Function<Path, byte[]> source) {
        Map<String, Object> root = load(file, source);
        Map<String, Object> impl = map(root.get("implementation"));
        if (impl == null || impl.get("graph") == null) {
            root = wrap(root);
        } else {
            inlineRefs(root, file.toAbsolutePath().getParent(), source);
        }
        return MAPPER.valueToTree(root);
    }

    private static Map<String, Object> wrap(Map<String, Object> component) {
        Object name = component.getOrDefault("name", "component");
        Map<String, Object> args = new LinkedHashMap<>();
        Object inputs = component.get("inputs");
        if (inputs instanceof List<?> list) {
            for (Object o : list) {
                Map<String, Object> in = map(o);
                if (in != null && in.get("name") != null) {
                    args.put(String.valueOf(in.get("name")), Map.of("graphInput", Map.of("inputName", in.get("name"))));
                }
            }
        }
        Map<String, Object> task = new LinkedHashMap<>();
        task.put("componentRef", Map.of("spec", component));
        task.put("arguments", args);
        Map<String, Object> pipeline = new LinkedHashMap<>();
        pipeline.put("name", name);
        if (component.get("description") != null) {
            pipeline.put("description", component.get("description"));
        }
        if (inputs != null) {
            pipeline.put("inputs", inputs);
        }
        pipeline.put("implementation", Map.of("graph", Map.of("tasks", Map.of(Names.dnsLabel(String.valueOf(name)), task))));
        return pipeline;
    }

    private static void inlineRefs(Map<String, Object> component, Path baseDir, Function<Path, byte[]> source) {
        Map<String, Object> impl = map(component.get("implementation"));
        Map<String, Object> graph = impl == null ? null : map(impl.get("graph"));
        Map<String, Object> tasks = graph == null ? null : map(graph.get("tasks"));
        if (tasks == null) {
            return;
        }
        for (Object t : tasks.values()) {
            Map<String, Object> task = map(t);
            Map<String, Object> ref = task == null ? null : map(task.get("componentRef"));
            if (ref == null) {
                continue;
            }
            Object spec = ref.get("spec");
            Path specBase = baseDir;
            if (spec == null && ref.get("url") != null) {
                Path p = ComponentLoader.resolveUrl(String.valueOf(ref.get("url")), baseDir == null ? Path.of("") : baseDir);
                spec = load(p, source);
                specBase = p.toAbsolutePath().getParent();
            }
            Map<String, Object> specMap = map(spec);
            if (specMap != null) {
                inlineRefs(specMap, specBase, source);
                Map<String, Object> newRef = new LinkedHashMap<>();
                newRef.put("spec", specMap);
                task.put("componentRef", newRef);
            }
        }
    }

    /**
     * Inlines a self-contained pipeline or component given as text (an inline or registered
     * pipeline): a lone component is wrapped as a one-task pipeline; {@code componentRef.spec}s
     * stay as they are. Call it only on text the validation accepted.
     *
     * @param name used in messages
     * @return the pipeline as a JSON tree
     * @throws IllegalArgumentException when the text is not a YAML mapping
     */
    public static JsonNode inlineText(String yamlText, String name) {
        Map<String, Object> root = loadText(yamlText, name);
        Map<String, Object> impl = map(root.get("implementation"));
        if (impl == null || impl.get("graph") == null) {
            root = wrap(root);
        }
        return MAPPER.valueToTree(root);
    }

    /**
     * Every {@code componentRef} that names a {@code url} (at any depth), as
     * {@code "<task>.componentRef.url"}; an inline or registered pipeline must have none, since
     * the server cannot and must not read files on the requester's behalf.
     */
    public static List<String> componentUrls(String yamlText, String name) {
        List<String> found = new java.util.ArrayList<>();
        collectUrls(loadText(yamlText, name), "", found);
        return found;
    }

    private static void collectUrls(Object node, String path, List<String> found) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String key = String.valueOf(e.getKey());
                String p = path.isEmpty() ? key : path + "." + key;
                if ("componentRef".equals(key) && e.getValue() instanceof Map<?, ?> ref && ref.get("url") != null) {
                    found.add(p + ".url");
                }
                collectUrls(e.getValue(), p, found);
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                collectUrls(l.get(i), path + "[" + i + "]", found);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> loadText(String text, String name) {
        Object o = SafeYaml.load(text, SafeYaml.options(), noTimestamps());
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(name + ": not a YAML mapping");
        }
        return new LinkedHashMap<>((Map<String, Object>) o);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load(Path file, Function<Path, byte[]> source) {
        byte[] bytes = source.apply(file.toAbsolutePath().normalize());
        if (bytes == null) {
            throw new IllegalStateException(file + ": not read by the validation");
        }
        Object o = SafeYaml.load(new String(bytes, StandardCharsets.UTF_8), SafeYaml.options(), noTimestamps());
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException(file + ": not a YAML mapping");
        }
        return new LinkedHashMap<>((Map<String, Object>) o);
    }

    /** YAML 1.1 implicit types without timestamps (they stay strings, as written). */
    private static Resolver noTimestamps() {
        return new Resolver() {
            @Override
            public void addImplicitResolver(org.yaml.snakeyaml.nodes.Tag tag, java.util.regex.Pattern regexp, String first, int limit) {
                if (!org.yaml.snakeyaml.nodes.Tag.TIMESTAMP.equals(tag)) {
                    super.addImplicitResolver(tag, regexp, first, limit);
                }
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : null;
    }
}
