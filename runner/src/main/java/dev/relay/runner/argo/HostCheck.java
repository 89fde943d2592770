package dev.relay.runner.argo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What a local host cannot do for a workflow, found before anything is launched: resource
 * templates (VolumeOp's PVC, ResourceOp's objects, VolumeSnapshotOp), {@code volumes} and
 * {@code volumeClaimTemplates}, {@code volumeMounts}, {@code sidecars}, {@code initContainers},
 * {@code podSpecPatch}, secret-backed env, suspend templates, and containers without a command.
 * Each problem is one line naming the template (or {@code spec}) and the field. Scheduling hints
 * (nodeSelector, tolerations, affinity, resources, labels) mean nothing on one host and are ignored.
 */
public final class HostCheck {
    private HostCheck() {}

    /** @return one line per problem, in file order; empty when the host can run it all */
    public static List<String> problems(Workflow w) {
        List<String> out = new ArrayList<>();
        JsonNode spec = w.spec();
        for (String f : List.of("volumes", "volumeClaimTemplates", "podSpecPatch")) {
            if (present(spec.get(f))) {
                out.add("spec." + f + ": a workflow with " + f + " needs Kubernetes; a local host has no "
                        + (f.equals("podSpecPatch") ? "pod to patch" : "volumes to mount"));
            }
        }
        for (Workflow.Template t : w.templates().values()) {
            String at = t.where();
            switch (t.kind()) {
                case RESOURCE -> out.add(at + ".resource: a resource template ("
                        + t.raw().path("resource").path("action").asText("?") + " of a Kubernetes "
                        + kindOf(t.raw().path("resource").path("manifest").asText("")) + ") needs a cluster");
                case SUSPEND -> out.add(at + ".suspend: a suspend template waits for a human; not supported");
                case OTHER -> out.add(at + ": a template that is neither container, script, dag, steps nor resource");
                default -> { }
            }
            for (String f : List.of("volumes", "sidecars", "initContainers", "podSpecPatch")) {
                if (present(t.raw().get(f))) {
                    out.add(at + "." + f + ": " + switch (f) {
                        case "sidecars" -> "sidecar containers (" + images(t.raw().get(f)) + ") cannot run beside a local process";
                        case "initContainers" -> "init containers (" + images(t.raw().get(f)) + ") need a pod";
                        case "podSpecPatch" -> "a pod spec patch needs a pod";
                        default -> "volumes need Kubernetes";
                    });
                }
            }
            JsonNode c = t.raw().has("container") ? t.raw().get("container") : t.raw().get("script");
            if (c != null) {
                String cw = at + (t.raw().has("container") ? ".container" : ".script");
                if (present(c.get("volumeMounts"))) {
                    out.add(cw + ".volumeMounts: mounts volume '" + c.get("volumeMounts").get(0).path("name").asText()
                            + "', which a local process cannot have");
                }
                JsonNode env = c.path("env");
                for (int i = 0; i < env.size(); i++) {
                    JsonNode from = env.get(i).path("valueFrom");
                    for (String k : List.of("secretKeyRef", "configMapKeyRef", "resourceFieldRef")) {
                        if (from.has(k)) {
                            out.add(cw + ".env[" + i + "](" + env.get(i).path("name").asText() + ").valueFrom." + k
                                    + ": needs Kubernetes");
                        }
                    }
                }
                if (t.container() != null && t.container().command().isEmpty()) {
                    out.add(cw + ".command: missing: the container relies on its image's entrypoint ("
                            + t.container().image() + "), which a local process cannot run");
                }
            }
        }
        return out;
    }

    /**
     * What Relay cannot run even as Kubernetes Jobs, where volumes, sidecars, init containers,
     * secret-backed env and node selection map to the pod ({@code ArgoPodPatch}): resource
     * templates (Relay's Jobs run containers; the object must exist before the run), suspend
     * templates, {@code volumeClaimTemplates} (per-run claims), {@code podSpecPatch}, and pod fields
     * holding {@code {{...}}} references (the pod's additions are fixed per template).
     *
     * @return one line per problem, in file order; empty when a cluster can run it all
     */
    public static List<String> clusterProblems(Workflow w) {
        List<String> out = new ArrayList<>();
        JsonNode spec = w.spec();
        if (present(spec.get("volumeClaimTemplates"))) {
            out.add("spec.volumeClaimTemplates: claims made per run are not created by Relay; create the"
                    + " PersistentVolumeClaim beforehand and name it in spec.volumes");
        }
        if (present(spec.get("podSpecPatch"))) {
            out.add("spec.podSpecPatch: a pod spec patch is not applied to Relay's Jobs");
        }
        for (String f : ArgoPodFields.WORKFLOW) {
            if (present(spec.get(f)) && spec.get(f).toString().contains("{{")) {
                out.add("spec." + f + ": holds a {{...}} reference; the pod's " + f + " must be fixed in the package");
            }
        }
        for (Workflow.Template t : w.templates().values()) {
            String at = t.where();
            switch (t.kind()) {
                case RESOURCE -> out.add(at + ".resource: a resource template ("
                        + t.raw().path("resource").path("action").asText("?") + " of a Kubernetes "
                        + kindOf(t.raw().path("resource").path("manifest").asText("")) + ") is not run by Relay,"
                        + " whose Jobs run containers; create the object before the run");
                case SUSPEND -> out.add(at + ".suspend: a suspend template waits for a human; not supported");
                case OTHER -> out.add(at + ": a template that is neither container, script, dag, steps nor resource");
                default -> { }
            }
            if (present(t.raw().get("podSpecPatch"))) {
                out.add(at + ".podSpecPatch: a pod spec patch is not applied to Relay's Jobs");
            }
            for (String f : ArgoPodFields.TEMPLATE) {
                if (present(t.raw().get(f)) && t.raw().get(f).toString().contains("{{")) {
                    out.add(at + "." + f + ": holds a {{...}} reference ("
                            + t.raw().get(f).toString().replaceAll(".*?(\\{\\{[^}]*}}).*", "$1")
                            + "); the pod's " + f + " must be fixed in the package");
                }
            }
            JsonNode c = t.raw().has("container") ? t.raw().get("container") : t.raw().get("script");
            if (c != null && present(c.get("volumeMounts")) && c.get("volumeMounts").toString().contains("{{")) {
                out.add(at + ".container.volumeMounts: holds a {{...}} reference; mounts must be fixed in the package");
            }
        }
        return out;
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !(n.isContainerNode() && n.isEmpty()) && !(n.isTextual() && n.asText().isEmpty());
    }

    private static String images(JsonNode list) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : list) {
            out.add(n.path("image").asText(n.path("name").asText("?")));
        }
        return String.join(", ", out);
    }

    private static String kindOf(String manifest) {
        for (String line : manifest.split("\n")) {
            if (line.startsWith("kind:")) {
                return line.substring(5).strip();
            }
        }
        return "object";
    }
}
