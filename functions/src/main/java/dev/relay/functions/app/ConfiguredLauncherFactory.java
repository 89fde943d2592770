package dev.relay.functions.app;

import dev.relay.runner.k8s.KubernetesJobLauncher;
import dev.relay.runner.k8s.KubernetesLauncherConfig;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.launch.LocalLauncher;
import dev.relay.runner.store.ArtifactStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.arc.DefaultBean;
import io.quarkus.runtime.configuration.ConfigurationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The launcher that {@code relay.launcher} names: {@code local} (processes on this host, work dirs
 * under {@code relay.work-dir}, default {@code <state dir>/work}) or {@code kubernetes} (the
 * cluster profile: {@link KubernetesJobLauncher}, configured by
 * {@link KubernetesLauncherConfig#fromEnv} with the fabric8 client of {@link KubernetesClients}).
 */
@ApplicationScoped
@DefaultBean
public class ConfiguredLauncherFactory implements LauncherFactory {
    private final RelayConfig config;
    private final KubernetesClients clients;

    /** @param config which launcher, and where the work dirs go; @param clients the Kubernetes client, made on first use */
    @Inject
    public ConfiguredLauncherFactory(RelayConfig config, KubernetesClients clients) {
        this.config = config;
        this.clients = clients;
    }

    @Override
    public Launcher create(ArtifactStore store) {
        Path work = Path.of(config.workDir().orElse(config.stateDir() + "/work"));
        return create(config.launcher(), store, clients::client, System.getenv(), work);
    }

    /**
     * Makes the launcher {@code kind} names.
     *
     * @param client the Kubernetes client (asked for only for {@code kubernetes})
     * @param env    the environment {@code RELAY_LAUNCHER_IMAGE}, {@code RELAY_S3_ENDPOINT}, ... come from;
     *               {@code RELAY_BUCKET} defaults to the store's bucket
     * @throws ConfigurationException for an unknown kind or a missing or malformed variable
     */
    public static Launcher create(String kind, ArtifactStore store, Supplier<KubernetesClient> client, Map<String, String> env,
                                  Path work) {
        return switch (kind) {
            case "local" -> new LocalLauncher(store, work, LaunchListener.NONE, Runtime.getRuntime().availableProcessors(),
                    Clock.systemUTC());
            case "kubernetes" -> {
                Map<String, String> vars = new HashMap<>(env);
                vars.putIfAbsent("RELAY_BUCKET", store.bucket());
                KubernetesClient c = client.get();
                KubernetesLauncherConfig k;
                try {
                    k = KubernetesLauncherConfig.fromEnv(vars, c.getNamespace());
                } catch (IllegalArgumentException e) {
                    throw new ConfigurationException("relay.launcher=kubernetes: " + e.getMessage());
                }
                yield new KubernetesJobLauncher(c, k, store, Clock.systemUTC());
            }
            default -> throw new ConfigurationException("relay.launcher must be 'local' or 'kubernetes', not '" + kind + "'");
        };
    }
}
