package dev.relay.runner.k8s;

import io.fabric8.knative.client.KnativeClient;
import io.fabric8.knative.duck.v1.KReference;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1.TriggerFilter;
import io.fabric8.knative.eventing.v1.TriggerSpec;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Makes the cluster hold the Knative Triggers {@link KnativeTriggers} rendered, through the typed
 * Knative client: an absent one is created; a present one is updated only when its spec, or one of
 * the labels and annotations Relay sets, differs (so applying twice changes nothing: same
 * resourceVersion and generation); nothing is ever deleted and recreated. With prune, Knative
 * Triggers managed by Relay and labelled {@value KnativeTriggers#TRIGGER_LABEL} that were not
 * rendered (their Relay trigger, or one of its events, is gone) are deleted.
 *
 * <p>The comparison is semantic, so that Knative's defaulting webhook does not make every apply an
 * update: an absent {@code filter} equals an empty one, and a subscriber reference without a
 * namespace equals one in the Trigger's namespace. Labels and annotations others added (Knative
 * adds {@code eventing.knative.dev/broker}) are kept.
 */
public final class TriggerApplier {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private TriggerApplier() {}

    /** A Knative Trigger of the same name exists and Relay does not manage it: nothing was changed. */
    public static final class ConflictException extends Exception {
        /** @param message names the Triggers in the way */
        public ConflictException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What {@link #apply} did, by Knative Trigger name.
     *
     * @param created   created
     * @param updated   updated in place
     * @param unchanged already as rendered
     * @param deleted   pruned
     */
    public record Result(List<String> created, List<String> updated, List<String> unchanged, List<String> deleted) {}

    /**
     * Applies {@code desired} (all in {@code namespace}); prints one line per Trigger:
     * {@code created|updated|unchanged|deleted Trigger NS/NAME}.
     *
     * @throws ConflictException before changing anything, when a name is taken by a Trigger Relay does not manage
     * @throws KubernetesClientException when the API server refuses a request (earlier changes stay)
     */
    public static Result apply(KnativeClient knative, String namespace, List<Trigger> desired, boolean prune, PrintWriter out)
            throws ConflictException {
        var triggers = knative.triggers().inNamespace(namespace);
        Map<String, Trigger> existing = new HashMap<>();
        for (Trigger t : triggers.list().getItems()) {
            existing.put(t.getMetadata().getName(), t);
        }
        List<String> conflicts = new ArrayList<>();
        for (Trigger d : desired) {
            Trigger e = existing.get(d.getMetadata().getName());
            if (e != null && !managed(e)) {
                conflicts.add(namespace + "/" + d.getMetadata().getName());
            }
        }
        if (!conflicts.isEmpty()) {
            throw new ConflictException("Knative Trigger" + (conflicts.size() > 1 ? "s " : " ") + String.join(", ", conflicts)
                    + " exist" + (conflicts.size() > 1 ? "" : "s") + " without the label " + JobNames.MANAGED_BY
                    + "=relay; rename the Relay trigger or delete it yourself (nothing was applied)");
        }
        Result result = new Result(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (Trigger d : desired) {
            String name = d.getMetadata().getName();
            Trigger e = existing.get(name);
            if (e == null) {
                triggers.resource(d).create();
                result.created().add(name);
                out.println("created   Trigger " + namespace + "/" + name);
            } else if (same(d, e, namespace)) {
                result.unchanged().add(name);
                out.println("unchanged Trigger " + namespace + "/" + name);
            } else {
                Trigger updated = copy(e);
                updated.setSpec(copy(d).getSpec());
                ObjectMeta m = updated.getMetadata();
                m.setLabels(merged(m.getLabels(), d.getMetadata().getLabels()));
                m.setAnnotations(merged(m.getAnnotations(), d.getMetadata().getAnnotations()));
                updated.setStatus(null);
                triggers.resource(updated).update();
                result.updated().add(name);
                out.println("updated   Trigger " + namespace + "/" + name);
            }
        }
        if (prune) {
            Set<String> wanted = desired.stream().map(t -> t.getMetadata().getName()).collect(Collectors.toSet());
            for (Trigger e : existing.values().stream().sorted((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName())).toList()) {
                Map<String, String> labels = e.getMetadata().getLabels();
                if (managed(e) && labels.containsKey(KnativeTriggers.TRIGGER_LABEL) && !wanted.contains(e.getMetadata().getName())) {
                    triggers.withName(e.getMetadata().getName()).delete();
                    result.deleted().add(e.getMetadata().getName());
                    out.println("deleted   Trigger " + namespace + "/" + e.getMetadata().getName()
                            + " (" + KnativeTriggers.TRIGGER_LABEL + "=" + labels.get(KnativeTriggers.TRIGGER_LABEL) + ")");
                }
            }
        }
        out.flush();
        return result;
    }

    /** True when the spec, Relay's labels and Relay's annotations of {@code existing} are those of {@code desired}. */
    static boolean same(Trigger desired, Trigger existing, String namespace) {
        return normalized(desired.getSpec(), namespace).equals(normalized(existing.getSpec(), namespace))
                && contains(existing.getMetadata().getLabels(), desired.getMetadata().getLabels())
                && contains(existing.getMetadata().getAnnotations(), desired.getMetadata().getAnnotations());
    }

    private static TriggerSpec normalized(TriggerSpec spec, String namespace) {
        TriggerSpec s = spec == null ? new TriggerSpec() : SERIALIZATION.clone(spec);
        if (s.getFilter() != null && (s.getFilter().getAttributes() == null || s.getFilter().getAttributes().isEmpty())) {
            s.setFilter(null);
        }
        if (s.getFilter() != null) {
            s.setFilter(new TriggerFilter(Map.copyOf(s.getFilter().getAttributes())));
        }
        if (s.getFilters() != null && s.getFilters().isEmpty()) {
            s.setFilters(null);
        }
        if (s.getSubscriber() != null && s.getSubscriber().getRef() != null) {
            KReference ref = s.getSubscriber().getRef();
            if (ref.getNamespace() == null || ref.getNamespace().isEmpty()) {
                ref.setNamespace(namespace);
            }
        }
        return s;
    }

    private static boolean managed(Trigger t) {
        Map<String, String> labels = t.getMetadata().getLabels();
        return labels != null && "relay".equals(labels.get(JobNames.MANAGED_BY));
    }

    private static boolean contains(Map<String, String> have, Map<String, String> want) {
        if (want == null || want.isEmpty()) {
            return true;
        }
        if (have == null) {
            return false;
        }
        for (Map.Entry<String, String> e : want.entrySet()) {
            if (!Objects.equals(have.get(e.getKey()), e.getValue())) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> merged(Map<String, String> base, Map<String, String> ours) {
        Map<String, String> m = new java.util.LinkedHashMap<>(base == null ? Map.of() : base);
        if (ours != null) {
            m.putAll(ours);
        }
        return m;
    }

    private static Trigger copy(Trigger t) {
        return SERIALIZATION.clone(t);
    }
}
