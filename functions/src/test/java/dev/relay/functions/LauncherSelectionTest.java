package dev.relay.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.functions.app.ConfiguredLauncherFactory;
import dev.relay.runner.k8s.KubernetesJobLauncher;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.launch.LocalLauncher;
import dev.relay.runner.store.ArtifactStore;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quarkus.runtime.configuration.ConfigurationException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which launcher {@code relay.launcher} gives (the cluster profile sets {@code kubernetes}); no API server needed. */
class LauncherSelectionTest {
    @TempDir Path work;

    static ArtifactStore store() {
        return (ArtifactStore) java.lang.reflect.Proxy.newProxyInstance(ArtifactStore.class.getClassLoader(),
                new Class<?>[] {ArtifactStore.class}, (p, m, a) -> switch (m.getName()) {
                    case "bucket" -> "mlpipeline";
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void theClusterProfileSelectsTheKubernetesLauncher() throws Exception {
        Properties props = new Properties();
        try (var in = getClass().getResourceAsStream("/application.properties")) {
            props.load(in);
        }
        assertEquals("kubernetes", props.getProperty("%cluster.relay.launcher"));
        AtomicInteger clients = new AtomicInteger();
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").withNamespace("relay").build()).build()) {
            Map<String, String> env = Map.of("RELAY_LAUNCHER_IMAGE", "registry.example/relay-launcher:1",
                    "RELAY_S3_ENDPOINT", "http://minio.relay.svc:9000");
            try (Launcher l = ConfiguredLauncherFactory.create("kubernetes", store(), () -> {
                clients.incrementAndGet();
                return client;
            }, env, work)) {
                assertInstanceOf(KubernetesJobLauncher.class, l);
            }
            ConfigurationException e = assertThrows(ConfigurationException.class,
                    () -> ConfiguredLauncherFactory.create("kubernetes", store(), () -> client, Map.of(), work));
            assertTrue(e.getMessage().contains("RELAY_LAUNCHER_IMAGE"), e.getMessage());
        }
        assertEquals(1, clients.get());
    }

    @Test
    void theEmbeddedAndOtherProfilesKeepLocalProcesses() {
        try (Launcher l = ConfiguredLauncherFactory.create("local", store(), () -> {
            throw new AssertionError("no Kubernetes client for local");
        }, Map.of(), work)) {
            assertInstanceOf(LocalLauncher.class, l);
        }
        ConfigurationException e = assertThrows(ConfigurationException.class,
                () -> ConfiguredLauncherFactory.create("nomad", store(), () -> null, Map.of(), work));
        assertTrue(e.getMessage().contains("nomad"), e.getMessage());
    }
}
