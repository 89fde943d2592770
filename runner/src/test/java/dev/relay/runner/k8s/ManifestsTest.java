package dev.relay.runner.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.knative.eventing.v1.Broker;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.serving.v1.Service;
import io.fabric8.knative.sources.v1.ApiServerSource;
import io.fabric8.knative.sources.v1.SinkBinding;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every manifest under deploy/knative loads as a typed resource with no unknown field, and says what the issue asks. */
class ManifestsTest {
    static final Path DEPLOY = K8sFixtures.repo().resolve("deploy/knative");

    /** Every YAML file under deploy/knative except kustomizations, with its typed objects. */
    static Map<Path, List<HasMetadata>> everyManifest() throws Exception {
        Map<Path, List<HasMetadata>> out = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(DEPLOY)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().equals("kustomization.yaml")).toList();
        }
        for (Path f : files) {
            out.put(DEPLOY.relativize(f), Manifests.typed(Manifests.readYaml(f), f.toString()));
        }
        return out;
    }

    @Test
    void everyManifestLoadsTypedWithoutUnknownFields() throws Exception {
        Map<Path, List<HasMetadata>> all = everyManifest();
        assertTrue(all.size() >= 12, "base and overlay files: " + all.keySet());
        Set<String> kinds = all.values().stream().flatMap(List::stream).map(o -> o.getClass().getName()).collect(Collectors.toSet());
        for (Class<?> c : List.of(Service.class, Broker.class, Trigger.class, ApiServerSource.class, SinkBinding.class,
                Deployment.class, ServiceAccount.class, Role.class, RoleBinding.class, ConfigMap.class, Secret.class,
                io.fabric8.kubernetes.api.model.Namespace.class, io.fabric8.kubernetes.api.model.Service.class)) {
            assertTrue(kinds.contains(c.getName()), "a typed " + c.getSimpleName() + " among " + kinds);
        }
    }

    @Test
    void aPingSourceSweepsEveryMinuteThroughTheFunctionsService() throws Exception {
        List<HasMetadata> sweep = everyManifest().get(Path.of("base/sweep.yaml"));
        io.fabric8.knative.sources.v1.PingSource ping = one(sweep, io.fabric8.knative.sources.v1.PingSource.class);
        assertEquals("relay-sweep", ping.getMetadata().getName());
        assertEquals("* * * * *", ping.getSpec().getSchedule());
        assertEquals("Service", ping.getSpec().getSink().getRef().getKind());
        assertEquals("relay-functions", ping.getSpec().getSink().getRef().getName());
        assertTrue(Files.readString(DEPLOY.resolve("base/kustomization.yaml")).contains("- sweep.yaml"));
    }

    @Test
    void aMisspeltFieldFailsTheCheck() throws Exception {
        Manifests.ManifestException e = assertThrows(Manifests.ManifestException.class, () -> fixture("misspelt-trigger.yaml"));
        assertTrue(e.getMessage().contains("unknown field spec.subscribr"), e.getMessage());
        e = assertThrows(Manifests.ManifestException.class, () -> fixture("misspelt-container.yaml"));
        assertTrue(e.getMessage().contains("spec.template.spec.containers[0].imagePullPolcy"), e.getMessage());
        e = assertThrows(Manifests.ManifestException.class, () -> fixture("unknown-kind.yaml"));
        assertTrue(e.getMessage().contains("no typed model knows this kind"), e.getMessage());
        e = assertThrows(Manifests.ManifestException.class, () -> Manifests.parseYaml("a: [b\n", "broken.yaml"));
        assertTrue(e.getMessage().startsWith("broken.yaml:"), e.getMessage());
    }

    private static List<HasMetadata> fixture(String name) throws Exception {
        String text;
        try (var in = ManifestsTest.class.getResourceAsStream("/k8s/" + name)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return Manifests.typed(Manifests.parseYaml(text, name), name);
    }

    @Test
    void theObjectsSayWhatTheIssueAsks() throws Exception {
        List<HasMetadata> objects = Manifests.typed(Manifests.render(DEPLOY, Manifests.Options.NONE), "render");
        assertTrue(objects.stream().allMatch(o -> o instanceof io.fabric8.kubernetes.api.model.Namespace
                || "relay".equals(o.getMetadata().getNamespace())), "everything in relay");

        Map<String, String> triggerTypes = new TreeMap<>();
        for (Trigger t : of(objects, Trigger.class)) {
            assertEquals("relay", t.getSpec().getBroker());
            assertEquals(1, t.getSpec().getFilter().getAttributes().size(), "filters on the type only: " + t.getMetadata().getName());
            assertEquals("relay-functions", t.getSpec().getSubscriber().getRef().getName());
            assertEquals("Service", t.getSpec().getSubscriber().getRef().getKind());
            assertEquals("relay-functions", t.getSpec().getSubscriber().getAudience(), "the OIDC audience relay-functions verifies");
            triggerTypes.put(t.getSpec().getFilter().getAttributes().get("type"), t.getMetadata().getName());
        }
        assertEquals(Set.of("com.amazonaws.s3.ObjectCreated:Put", "com.amazonaws.s3.ObjectCreated:Post",
                "com.amazonaws.s3.ObjectCreated:Copy", "com.amazonaws.s3.ObjectCreated:CompleteMultipartUpload",
                "dev.relay.run.requested", "dev.knative.apiserver.resource.update", "dev.knative.apiserver.resource.add",
                "dev.knative.sources.ping"), triggerTypes.keySet(), "one Trigger per CloudEvent type");

        Broker broker = one(objects, Broker.class);
        assertEquals("relay", broker.getMetadata().getName());

        Map<String, Service> services = of(objects, Service.class).stream()
                .collect(Collectors.toMap(o -> o.getMetadata().getName(), o -> o));
        assertEquals(Set.of("relay-functions", "relay-api"), services.keySet());
        Service functions = services.get("relay-functions");
        // issue 13: the CloudEvent routes (which a Broker calls without a token) are reachable only in the cluster
        assertEquals("cluster-local", functions.getMetadata().getLabels().get("networking.knative.dev/visibility"));
        assertEquals("0", functions.getSpec().getTemplate().getMetadata().getAnnotations().get("autoscaling.knative.dev/min-scale"));
        assertTrue(functions.getSpec().getTemplate().getSpec().getContainerConcurrency() > 0);
        assertEquals("relay-functions", functions.getSpec().getTemplate().getSpec().getServiceAccountName());
        var fc = functions.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("relay-functions:0.1.0", fc.getImage());
        assertEquals("cluster", fc.getEnv().stream().filter(e -> e.getName().equals("QUARKUS_PROFILE")).findFirst().orElseThrow().getValue());

        // the public Service: same image and profile, CloudEvent routes off; its Kubernetes API access is the
        // recurring runs' PingSources and the Jobs and pod logs of the runs it starts, ends and follows (issue 17)
        Service api = services.get("relay-api");
        assertFalse(api.getMetadata().getLabels().containsKey("networking.knative.dev/visibility"), "public");
        var ac = api.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(fc.getImage(), ac.getImage());
        Map<String, String> apiEnv = ac.getEnv().stream().collect(Collectors.toMap(e -> e.getName(), e -> e.getValue()));
        assertEquals(Map.of("QUARKUS_PROFILE", "cluster", "RELAY_EVENT_ROUTES", "false", "RELAY_EVENT_AUTH", "token"), apiEnv);
        assertEquals("relay-api", api.getSpec().getTemplate().getSpec().getServiceAccountName());
        Role schedules = of(objects, Role.class).stream().filter(r -> r.getMetadata().getName().equals("relay-schedules"))
                .findFirst().orElseThrow();
        assertEquals(1, schedules.getRules().size(), "PingSources only");
        assertEquals(List.of("sources.knative.dev"), schedules.getRules().get(0).getApiGroups());
        assertEquals(List.of("pingsources"), schedules.getRules().get(0).getResources());
        RoleBinding scheduleBinding = of(objects, RoleBinding.class).stream()
                .filter(b -> b.getRoleRef().getName().equals("relay-schedules")).findFirst().orElseThrow();
        assertEquals(Set.of("relay-api", "relay-functions"), scheduleBinding.getSubjects().stream().map(x -> x.getName())
                .collect(Collectors.toSet()));
        assertTrue(ac.getEnvFrom().stream().anyMatch(e -> e.getSecretRef() != null
                && "relay-secrets".equals(e.getSecretRef().getName())), "the tokens");

        Deployment bridge = one(objects, Deployment.class);
        assertEquals("relay-bridge", bridge.getMetadata().getName());
        var bc = bridge.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(fc.getImage(), bc.getImage(), "the bridge is the same image");
        assertEquals("bridge", bc.getEnv().stream().filter(e -> e.getName().equals("QUARKUS_PROFILE")).findFirst().orElseThrow().getValue());
        SinkBinding sb = one(objects, SinkBinding.class);
        assertEquals("relay-bridge", sb.getSpec().getSubject().getName());
        assertEquals("Deployment", sb.getSpec().getSubject().getKind());
        assertEquals("Broker", sb.getSpec().getSink().getRef().getKind());
        assertEquals("relay", sb.getSpec().getSink().getRef().getName());

        ApiServerSource src = one(objects, ApiServerSource.class);
        assertEquals("Resource", src.getSpec().getMode());
        assertEquals("batch/v1", src.getSpec().getResources().get(0).getApiVersion());
        assertEquals("Job", src.getSpec().getResources().get(0).getKind());
        LabelSelectorRequirement req = src.getSpec().getResources().get(0).getSelector().getMatchExpressions().get(0);
        assertEquals(List.of("relay.dev/run", "Exists"), List.of(req.getKey(), req.getOperator()));
        assertEquals("relay", src.getSpec().getSink().getRef().getName());

        Role jobs = of(objects, Role.class).stream().filter(r -> r.getMetadata().getName().equals("relay-jobs")).findFirst().orElseThrow();
        assertEquals(List.of("create", "get", "list", "watch", "delete"), jobs.getRules().get(0).getVerbs());
        assertEquals(List.of("jobs"), jobs.getRules().get(0).getResources());
        assertEquals(List.of("pods", "pods/log"), jobs.getRules().get(1).getResources());
        assertEquals(List.of("get", "list"), jobs.getRules().get(1).getVerbs());
        RoleBinding jobsBinding = of(objects, RoleBinding.class).stream()
                .filter(b -> b.getRoleRef().getName().equals("relay-jobs")).findFirst().orElseThrow();
        assertEquals(Set.of("relay-functions", "relay-api"), jobsBinding.getSubjects().stream().map(x -> x.getName())
                .collect(Collectors.toSet()), "the KFP API's terminate, retry and live pod logs need the Jobs and pods");
        Set<String> accounts = of(objects, ServiceAccount.class).stream().map(a -> a.getMetadata().getName()).collect(Collectors.toSet());
        assertTrue(accounts.containsAll(Set.of("relay-launcher", "relay-functions")), accounts.toString());
        assertEquals(KubernetesLauncherConfig.DEFAULT_SERVICE_ACCOUNT, "relay-launcher");

        ConfigMap cm = one(objects, ConfigMap.class);
        assertTrue(cm.getData().keySet().containsAll(Set.of("RELAY_BUCKET", "RELAY_S3_ENDPOINT", "RELAY_LAUNCHER_IMAGE",
                "RELAY_KAFKA_TOPIC", "KAFKA_BOOTSTRAP_SERVERS", "RELAY_DB_URL")), cm.getData().toString());
        assertEquals("relay-minio-events", cm.getData().get("RELAY_KAFKA_TOPIC"));
        Secret secret = one(objects, Secret.class);
        assertEquals(KubernetesLauncherConfig.DEFAULT_SECRET, secret.getMetadata().getName());
        assertTrue(secret.getStringData().keySet().containsAll(Set.of("RELAY_S3_ACCESS_KEY", "RELAY_S3_SECRET_KEY",
                "RELAY_API_TOKEN", "RELAY_WEBHOOK_TOKEN", "RELAY_DB_USER", "RELAY_DB_PASSWORD")));
        assertTrue(secret.getStringData().values().stream().allMatch(String::isEmpty), "the base Secret is a template");
    }

    @Test
    void kubectlKustomizeRendersTheBaseAndTheDevOverlay() throws Exception {
        assumeTrue(kubectl(), "kubectl is not installed here: `kubectl kustomize deploy/knative` NOT CHECKED"
                + " (install kubectl >= 1.27 to run this test)");
        for (Path dir : List.of(DEPLOY, DEPLOY.resolve("overlays/dev"))) {
            List<JsonNode> docs = Manifests.parseYaml(kustomize(dir), dir.toString());
            assertFalse(docs.isEmpty(), dir.toString());
            Manifests.typed(docs, "kubectl kustomize " + dir);
        }
        String dev = kustomize(DEPLOY.resolve("overlays/dev"));
        assertTrue(dev.contains("namespace: relay-dev") && dev.contains("image: localhost:5001/relay-functions:dev"), dev);
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

    /** @return {@code kubectl kustomize DIR}'s output; fails the test with kubectl's stderr on error */
    static String kustomize(Path dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kubectl", "kustomize", dir.toString()).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize finished");
        assertEquals(0, p.exitValue(), "kubectl kustomize " + dir + ": " + err);
        return new String(out, StandardCharsets.UTF_8);
    }

    static <T> List<T> of(List<HasMetadata> objects, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (type.isInstance(o)) {
                out.add(type.cast(o));
            }
        }
        return out;
    }

    static <T> T one(List<HasMetadata> objects, Class<T> type) {
        List<T> l = of(objects, type);
        assertEquals(1, l.size(), type.getSimpleName());
        return l.get(0);
    }
}
