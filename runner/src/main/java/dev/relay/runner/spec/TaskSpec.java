package dev.relay.runner.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One task of a pipeline graph (KFP v1 {@code TaskSpec}): a component with its arguments.
 *
 * @param id          the task id as declared (a key of {@code graph.tasks}); its object-key form is
 *                    {@link Names#dnsLabel(String)}
 * @param component   the resolved component ({@code componentRef.url} loaded, or the inline {@code spec})
 * @param arguments   input name → argument, in declaration order
 * @param annotations the task's {@code annotations}, values as KFP strings (e.g. {@code relay.dev/timeout})
 * @param maxRetries  {@code executionOptions.retryStrategy.maxRetries}, 0 when absent
 * @param isEnabled   the {@code isEnabled} condition, or null
 */
public record TaskSpec(String id, ComponentSpec component, Map<String, Argument> arguments,
                       Map<String, String> annotations, int maxRetries, Predicate isEnabled) {
    /** A task without condition. */
    public TaskSpec(String id, ComponentSpec component, Map<String, Argument> arguments,
                    Map<String, String> annotations, int maxRetries) {
        this(id, component, arguments, annotations, maxRetries, null);
    }

    /** Copies the maps (immutable, order kept); null maps become empty. */
    public TaskSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(component, "component");
        arguments = arguments == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
        annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries < 0: " + maxRetries);
        }
    }

    /**
     * The task annotation ordering a task after others without consuming their outputs (Argo's
     * {@code dependencies}, KFP's {@code .after()}): task ids separated by commas.
     */
    public static final String AFTER = "relay.dev/after";

    /**
     * The upstream task ids: those named by this task's {@code taskOutput} arguments, in argument
     * order, then those its {@code isEnabled} condition reads, then those of its {@link #AFTER}
     * annotation.
     */
    public Set<String> dependencies() {
        Set<String> deps = new LinkedHashSet<>();
        java.util.List<Argument> all = new java.util.ArrayList<>(arguments.values());
        if (isEnabled != null) {
            all.addAll(isEnabled.arguments());
        }
        for (Argument a : all) {
            if (a instanceof Argument.TaskOutput t) {
                deps.add(t.taskId());
            }
        }
        deps.addAll(after());
        return Collections.unmodifiableSet(deps);
    }

    /** @return the task ids of the {@link #AFTER} annotation, in order; empty when absent */
    public Set<String> after() {
        Set<String> out = new LinkedHashSet<>();
        String a = annotations.get(AFTER);
        if (a != null) {
            for (String s : a.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.strip());
                }
            }
        }
        return out;
    }
}
