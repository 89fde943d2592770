package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.k8s.Manifests;
import io.fabric8.knative.client.KnativeClient;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code relay deploy render} equals {@code kubectl kustomize}; {@code relay deploy apply} on the mock API server. */
@EnableKubernetesMockClient(crud = true)
class DeployCommandTest {
    static {
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
    }

    static final Path REPO = Path.of(System.getProperty("relay.repo.dir", "..")).toAbsolutePath().normalize();
    static final Path DEPLOY = REPO.resolve("deploy/knative");
    KubernetesClient client;
    @TempDir Path tmp;

    @Test
    void renderEqualsKubectlKustomize() throws Exception {
        Cli r = Cli.run("deploy", "render", "--dir", DEPLOY.toString());
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> mine = Manifests.parseYaml(r.out(), "relay deploy render");
        assertTrue(mine.size() >= 20, "objects: " + mine.size());
        assumeTrue(kubectl(), "kubectl is not installed here: relay deploy render vs kubectl kustomize NOT COMPARED");
        assertEquals(Manifests.parseYaml(kustomize(DEPLOY), "kubectl"), mine, "same objects, same order");
    }

    /**
     * Issue 13, docs/architecture.md §11: what {@code relay deploy render} emits is the threat model's
     * cluster half. The Service that serves the CloudEvent routes (which take the Broker's deliveries
     * without a token) is cluster-local, and every event delivery (Triggers, sources) goes to it, with
     * the OIDC audience it verifies; the public Service serves no CloudEvent route and checks tokens;
     * nothing routes the outside to the cluster-local one; the ConfigMap holds no credential.
     */
    @Test
    void theRenderedDeploymentIsTheThreatModelsClusterHalf() throws Exception {
        Cli r = Cli.run("deploy", "render", "--dir", DEPLOY.toString());
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> docs = Manifests.parseYaml(r.out(), "relay deploy render");
        Map<String, JsonNode> services = new java.util.HashMap<>();
        int triggers = 0;
        int sinks = 0;
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            String name = d.path("metadata").path("name").asText();
            if (kind.equals("Service") && d.path("apiVersion").asText().startsWith("serving.knative.dev")) {
                services.put(name, d);
            }
            if (kind.equals("Trigger")) {
                triggers++;
                JsonNode sub = d.path("spec").path("subscriber");
                assertEquals("relay-functions", sub.path("ref").path("name").asText(), name + ": " + sub);
                assertEquals("relay-functions", sub.path("audience").asText(), name + ": the OIDC audience relay-functions verifies");
            }
            JsonNode sink = d.path("spec").path("sink");
            if (!sink.isMissingNode()) {
                sinks++;
                String to = sink.path("ref").path("name").asText();
                assertTrue(to.equals("relay") || to.equals("relay-functions"), name + " delivers to " + sink);
            }
            assertTrue(!(kind.equals("Ingress") || kind.equals("DomainMapping") || kind.equals("HTTPRoute") || kind.equals("Route"))
                    || !d.toString().contains("relay-functions"), name + ": nothing routes the outside to relay-functions");
            if (kind.equals("ConfigMap")) {
                d.path("data").fieldNames().forEachRemaining(k -> assertTrue(
                        !k.matches(".*(TOKEN|SECRET_KEY|ACCESS_KEY|PASSWORD).*"), name + " holds a credential: " + k));
                assertTrue(!"none".equals(d.path("data").path("RELAY_EVENT_AUTH").asText()), name + " turns event auth off");
            }
        }
        assertTrue(triggers >= 5 && sinks >= 2, "triggers " + triggers + ", sinks " + sinks);
        JsonNode functions = services.get("relay-functions");
        JsonNode api = services.get("relay-api");
        assertNotNull(functions, services.keySet().toString());
        assertNotNull(api, services.keySet().toString());
        assertEquals("cluster-local", functions.path("metadata").path("labels").path("networking.knative.dev/visibility").asText());
        assertTrue(api.path("metadata").path("labels").path("networking.knative.dev/visibility").isMissingNode(), "relay-api is public");
        Map<String, String> functionsEnv = env(functions);
        assertEquals("cluster", functionsEnv.get("QUARKUS_PROFILE"), "the cluster profile: tokens required, events cluster-local");
        assertTrue(!functionsEnv.containsKey("RELAY_EVENT_AUTH"), "relay-functions keeps the cluster profile's cluster-local");
        Map<String, String> apiEnv = env(api);
        assertEquals("false", apiEnv.get("RELAY_EVENT_ROUTES"), "the public Service serves no CloudEvent route");
        assertEquals("token", apiEnv.get("RELAY_EVENT_AUTH"));
        for (JsonNode svc : List.of(functions, api)) {
            assertTrue(svc.toString().contains("\"secretRef\":{\"name\":\"relay-secrets\"}"), "the tokens come from the Secret");
        }
    }

    private static Map<String, String> env(JsonNode service) {
        Map<String, String> out = new java.util.HashMap<>();
        for (JsonNode e : service.path("spec").path("template").path("spec").path("containers").get(0).path("env")) {
            out.put(e.path("name").asText(), e.path("value").asText());
        }
        return out;
    }

    @Test
    void renderSubstitutesNamespaceAndImageLikeAnOverlay() throws Exception {
        Cli r = Cli.run("deploy", "render", "--dir", DEPLOY.toString(), "--namespace", "ml-prod",
                "--image", "registry.example.com/relay/functions:1.2.3", "--launcher-image", "registry.example.com/relay/launcher:1.2.3");
        assertEquals(0, r.exit(), r.err());
        List<JsonNode> mine = Manifests.parseYaml(r.out(), "relay deploy render");
        for (JsonNode o : mine) {
            if (o.path("kind").asText().equals("Namespace")) {
                assertEquals("ml-prod", o.path("metadata").path("name").asText());
            } else {
                assertEquals("ml-prod", o.path("metadata").path("namespace").asText(), o.toString());
            }
        }
        assertTrue(r.out().contains("image: registry.example.com/relay/functions:1.2.3"), r.out());
        assertTrue(r.out().contains("RELAY_LAUNCHER_IMAGE: registry.example.com/relay/launcher:1.2.3"), r.out());
        assertTrue(!r.out().contains("relay-functions:0.1.0"), "no placeholder image left");
        assumeTrue(kubectl(), "kubectl is not installed here: relay deploy render --namespace/--image vs kubectl kustomize NOT COMPARED");
        Path overlay = Files.createDirectories(tmp.resolve("overlay"));
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                resources:
                - %s
                namespace: ml-prod
                images:
                - name: relay-functions
                  newName: registry.example.com/relay/functions
                  newTag: "1.2.3"
                """.formatted(overlay.relativize(DEPLOY)));
        List<JsonNode> theirs = Manifests.parseYaml(kustomize(overlay), "kubectl");
        for (JsonNode o : theirs) {
            if (o.path("kind").asText().equals("ConfigMap")) {
                ((com.fasterxml.jackson.databind.node.ObjectNode) o.get("data")).put("RELAY_LAUNCHER_IMAGE", "registry.example.com/relay/launcher:1.2.3");
            }
        }
        assertEquals(theirs, mine);
    }

    @Test
    void renderFindsTheRepositoryAndExplainsBadInput() throws Exception {
        Cli found = Cli.run("deploy", "render");
        assertEquals(0, found.exit(), "deploy/knative found above the classes dir: " + found.err());
        Cli missing = Cli.run("deploy", "render", "--dir", tmp.toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("holds no kustomization.yaml"), missing.err());
        Cli overlay = Cli.run("deploy", "render", "--dir", DEPLOY.resolve("overlays/dev").toString());
        assertEquals(1, overlay.exit());
        assertTrue(overlay.err().contains("'patches' is not supported") && overlay.err().contains("kubectl kustomize"), overlay.err());
        Cli badNs = Cli.run("deploy", "render", "--namespace", "Not_A_Namespace");
        assertEquals(1, badNs.exit());
        assertTrue(badNs.err().contains("'Not_A_Namespace' is not a DNS-1123 label"), badNs.err());
        assertTrue(!badNs.err().contains("Exception"), "no stack trace: " + badNs.err());
    }

    @Test
    void applyCreatesTypedObjectsAndKeepsAnExistingSecret() {
        client.secrets().inNamespace("relay").resource(new SecretBuilder().withNewMetadata().withName("relay-secrets")
                .withNamespace("relay").endMetadata().addToStringData("RELAY_API_TOKEN", "real").build()).create();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new DeployCommand.Apply(
                () -> new KubernetesClientBuilder().withConfig(client.getConfiguration()).build()));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute("--dir", DEPLOY.toString(), "--image", "registry.example.com/relay/functions:9");
        assertEquals(0, exit, err.toString());
        assertTrue(out.toString().contains("kept    Secret relay/relay-secrets"), out.toString());
        assertTrue(out.toString().contains("applied Trigger relay/relay-run-requested"), out.toString());

        KnativeClient kn = client.adapt(KnativeClient.class);
        var svc = kn.services().inNamespace("relay").withName("relay-functions").get();
        assertNotNull(svc, "the Knative Service");
        assertEquals("registry.example.com/relay/functions:9", svc.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        assertEquals(8, kn.triggers().inNamespace("relay").list().getItems().size());
        assertNotNull(kn.brokers().inNamespace("relay").withName("relay").get());
        assertNotNull(kn.apiServerSources().inNamespace("relay").withName("relay-jobs").get());
        assertNotNull(kn.sinkBindings().inNamespace("relay").withName("relay-bridge").get());
        assertNotNull(client.apps().deployments().inNamespace("relay").withName("relay-bridge").get());
        assertNotNull(client.rbac().roles().inNamespace("relay").withName("relay-jobs").get());
        assertNotNull(client.serviceAccounts().inNamespace("relay").withName("relay-launcher").get());
        assertEquals(Map.of("RELAY_API_TOKEN", "real"), client.secrets().inNamespace("relay").withName("relay-secrets").get().getStringData(),
                "the operator's Secret is untouched");
        // Applying again is server-side apply on existing objects, which fabric8's mock server does
        // not implement (it answers 415): the second apply is left to a real API server.
    }

    static boolean kubectl() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String kustomize(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + ": " + err);
        return new String(out, StandardCharsets.UTF_8);
    }
}
