package dev.relay.runner.k8s;

import io.fabric8.knative.client.KnativeClient;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.ApiServerSource;
import io.fabric8.knative.sources.v1.SinkBinding;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.PrintWriter;
import java.util.List;

/**
 * Applies typed manifests ({@link Manifests#typed}) to a cluster with server-side apply (field
 * manager {@value #FIELD_MANAGER}): Kubernetes objects through fabric8, Knative ones through the
 * typed Knative client. A Secret is created only when absent: the manifests hold a template, and
 * applying it must never wipe the keys an operator put there.
 */
public final class Deployer {
    /** The field manager of Relay's server-side applies. */
    public static final String FIELD_MANAGER = "relay";

    private Deployer() {}

    /**
     * Applies {@code objects} in order (namespaces and RBAC first, as rendered).
     *
     * @param out one line per object: {@code applied KIND NAMESPACE/NAME} or {@code kept ...}
     * @return the number of objects applied or kept
     * @throws KubernetesClientException naming the object the API server refused
     */
    public static int apply(KubernetesClient client, List<HasMetadata> objects, PrintWriter out) {
        KnativeClient knative = client.adapt(KnativeClient.class);
        int n = 0;
        for (HasMetadata o : objects) {
            String ns = o.getMetadata().getNamespace();
            String id = o.getKind() + " " + (ns == null ? "" : ns + "/") + o.getMetadata().getName();
            try {
                if (o instanceof Secret s) {
                    Resource<Secret> r = client.secrets().inNamespace(ns).resource(s);
                    if (r.get() != null) {
                        out.println("kept    " + id + " (exists; relay deploy never overwrites a Secret)");
                        n++;
                        continue;
                    }
                    r.create();
                } else {
                    applyOrCreate(client, knative, o);
                }
            } catch (KubernetesClientException e) {
                String hint = e.getCode() == 404 && o.getApiVersion().contains("knative.dev")
                        ? " (is Knative Serving and Eventing installed? the API server does not serve " + o.getApiVersion() + ")" : "";
                Throwable root = e;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                String why = root == e ? "" : " (" + dev.relay.eventing.input.ErrorText.of(root) + ")";
                throw new KubernetesClientException("cannot apply " + id + " at " + client.getMasterUrl() + ": "
                        + e.getMessage() + why + hint, e);
            }
            out.println("applied " + id);
            n++;
        }
        out.flush();
        return n;
    }

    /**
     * Server-side apply; Knative kinds through the typed Knative client. An API server answers an
     * apply of an absent object by creating it; fabric8's mock server answers 404, so a 404 is
     * followed by a create (which, on a real server, fails the same way with a clear message).
     */
    private static void applyOrCreate(KubernetesClient client, KnativeClient knative, HasMetadata o) {
        Resource<? extends HasMetadata> r = resource(client, knative, o);
        try {
            r.fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            r.create();
        }
    }

    private static Resource<? extends HasMetadata> resource(KubernetesClient client, KnativeClient knative, HasMetadata o) {
        String ns = o.getMetadata().getNamespace();
        if (o instanceof Service s) {
            return knative.services().inNamespace(ns).resource(s);
        } else if (o instanceof Broker b) {
            return knative.brokers().inNamespace(ns).resource(b);
        } else if (o instanceof Trigger t) {
            return knative.triggers().inNamespace(ns).resource(t);
        } else if (o instanceof SinkBinding sb) {
            return knative.sinkBindings().inNamespace(ns).resource(sb);
        } else if (o instanceof ApiServerSource a) {
            return knative.apiServerSources().inNamespace(ns).resource(a);
        }
        return client.resource(o);
    }
}
