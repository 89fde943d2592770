package dev.relay.runner.spec;

import java.util.Map;

/**
 * What kind of document a parsed pipeline or component file is, judged from its top-level keys
 * only: the one place that tells the formats apart, so that every reader (validate, run, pipeline
 * upload, the HTTP API) classifies alike.
 *
 * <ul>
 * <li>{@link #KFP_V1_COMPONENT} / {@link #KFP_V1_GRAPH}: KFP v1 {@code component.yaml}, with
 *     {@code implementation.container} or {@code implementation.graph}; the formats Relay runs;</li>
 * <li>{@link #KFP_V2_IR}: a KFP SDK 2.x {@code PipelineSpec} (IR YAML or JSON written by
 *     {@code kfp.compiler}): top-level {@code pipelineInfo}, {@code root}, {@code deploymentSpec};</li>
 * <li>{@link #ARGO_WORKFLOW}: a KFP 1.x compiled package, an Argo {@code Workflow}
 *     ({@code apiVersion: argoproj.io/...}, {@code kind: Workflow});</li>
 * <li>{@link #KUBERNETES_OBJECT}: any other document with {@code apiVersion} and {@code kind}.</li>
 * </ul>
 */
public enum SpecFormat {
    KFP_V1_COMPONENT("a KFP v1 component"),
    KFP_V1_GRAPH("a KFP v1 graph pipeline"),
    KFP_V2_IR("a KFP v2 pipeline spec (IR with pipelineInfo, root and deploymentSpec, as kfp.compiler writes it)"),
    ARGO_WORKFLOW("an Argo Workflow (a KFP v1 compiled package)"),
    KUBERNETES_OBJECT("a Kubernetes object (apiVersion and kind), not a KFP component or pipeline");

    private final String description;

    SpecFormat(String description) {
        this.description = description;
    }

    /** @return a phrase naming the format for messages, e.g. "an Argo Workflow (a KFP v1 compiled package)" */
    public String description() {
        return description;
    }

    /** @return whether Relay runs this format today (KFP v1 component or graph) */
    public boolean runnable() {
        return this == KFP_V1_COMPONENT || this == KFP_V1_GRAPH;
    }

    /**
     * Classifies a document by its top-level mapping.
     *
     * @param topLevel the document's top-level keys; values as parsed (only {@code kind},
     *     {@code apiVersion} and {@code implementation} are looked into)
     * @return the format; a mapping that matches nothing else is {@link #KFP_V1_COMPONENT}
     *     (whose validation then names what is wrong)
     */
    public static SpecFormat classify(Map<String, ?> topLevel) {
        if (topLevel.containsKey("pipelineInfo") || topLevel.containsKey("deploymentSpec")
                || (topLevel.containsKey("root") && !topLevel.containsKey("implementation"))) {
            return KFP_V2_IR;
        }
        if (topLevel.containsKey("apiVersion") && topLevel.containsKey("kind")) {
            Object kind = topLevel.get("kind");
            Object api = topLevel.get("apiVersion");
            boolean argo = "Workflow".equals(kind) || (api instanceof String s && s.startsWith("argoproj.io/"));
            return argo ? ARGO_WORKFLOW : KUBERNETES_OBJECT;
        }
        if (topLevel.get("implementation") instanceof Map<?, ?> impl && impl.containsKey("graph")) {
            return KFP_V1_GRAPH;
        }
        return KFP_V1_COMPONENT;
    }
}
