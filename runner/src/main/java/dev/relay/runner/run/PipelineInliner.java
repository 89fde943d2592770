package dev.relay.runner.run;

import dev.relay.eventing.input.SafeFiles;
import dev.relay.eventing.input.SafeYaml;
import dev.relay.runner.contract.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Turns a validated pipeline or component file into the self-contained spec that {@code run.json}
 * carries: every {@code componentRef.url} replaced by {@code componentRef.spec} with the
 * referenced file's content (recursively), and a lone component wrapped as a one-task pipeline
 * whose inputs pass straight through. Values keep their YAML 1.1 types as KFP's PyYAML loader
 * reads them, except timestamps, which stay text (as KFP's {@code str()} would print them).
 *
 * <p>Call it only on files {@link dev.relay.runner.spec.ComponentLoader#load} accepted: it trusts
 * their shape.
 */
public final class PipelineInliner {
    private PipelineInliner() {}

    /**
     * @return the inlined pipeline as a JSON tree
     * @throws UncheckedIOException when a file cannot be read
     */
    public static JsonNode inline(Path file) {
        Map<String, Object> root = load(file);
        Map<String, Object> impl = map(root.get("implementation"));
        if (impl == null || impl.get("graph") == null) {
            root = wrap(root);
        } else {
            inlineRefs(root, file.toAbsolutePath().getParent());
        }
        return Json.MAPPER.valueToTree(root);
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

    private static void inlineRefs(Map<String, Object> component, Path baseDir) {
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
                Path p = resolve(String.valueOf(ref.get("url")), baseDir);
                spec = load(p);
                specBase = p.toAbsolutePath().getParent();
            }
            Map<String, Object> specMap = map(spec);
            if (specMap != null) {
                inlineRefs(specMap, specBase);
                Map<String, Object> newRef = new LinkedHashMap<>();
                newRef.put("spec", specMap);
                task.put("componentRef", newRef);
            }
        }
    }

    /** A {@code componentRef.url}, resolved as the validator resolved it ({@link ComponentLoader#resolveUrl}). */
    static Path resolve(String url, Path baseDir) {
        return ComponentLoader.resolveUrl(url, baseDir == null ? Path.of("") : baseDir);
    }

    /**
     * Inlines a self-contained pipeline or component given as text (an inline or registered
     * pipeline): a lone component is wrapped as a one-task pipeline; {@code componentRef.spec}s
     * stay as they are. Call it only on text {@link RunService#prepare(String, String)} accepted.
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
        return Json.MAPPER.valueToTree(root);
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
    private static Map<String, Object> load(Path file) {
        try {
            String text = SafeFiles.readString(file);
            Object o = SafeYaml.load(text, SafeYaml.options(), noTimestamps());
            if (!(o instanceof Map)) {
                throw new IllegalArgumentException(file + ": not a YAML mapping");
            }
            return new LinkedHashMap<>((Map<String, Object>) o);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    private static Yaml yaml() {
        LoaderOptions lo = SafeYaml.options();
        DumperOptions dop = new DumperOptions();
        return new Yaml(new SafeConstructor(lo), new Representer(dop), dop, lo, noTimestamps());
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
