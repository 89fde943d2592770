package dev.relay.functions.app;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * The fabric8 client of the cluster this app runs in (in-cluster service account or kubeconfig),
 * made on first use only, so the embedded profile never builds one. Closed on shutdown.
 */
@ApplicationScoped
public class KubernetesClients {
    private KubernetesClient client;

    /** @return the client, built on the first call */
    public synchronized KubernetesClient client() {
        if (client == null) {
            client = new KubernetesClientBuilder().build();
        }
        return client;
    }

    /** Closes the client if one was made. */
    @PreDestroy
    synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
