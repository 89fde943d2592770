package dev.relay.runner.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.trigger.TriggerLoader;
import io.cloudevents.CloudEvent;
import dev.relay.eventing.s3.S3CloudEvents;
import io.fabric8.knative.client.KnativeClient;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.knative.eventing.v1.TriggerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The example triggers as Knative Triggers on the CRUD mock API server: broker, filters and
 * subscriber field by field, idempotent apply, in-place update, prune, typed loading.
 */
@EnableKubernetesMockClient(crud = true)
class KnativeTriggersTest {
    static final Path EX = K8sFixtures.repo().resolve("examples/triggers");
    static final String NS = "relay";
    static final String S3 = "com.amazonaws.s3.ObjectCreated:";
    KubernetesClient client;

    static {
        K8sFixtures.quietMockServer();
    }

    static List<dev.relay.eventing.trigger.Trigger> examples() throws Exception {
        return TriggerLoader.loadAll(EX);
    }

    static List<Trigger> render(KnativeTriggers.Options o) throws Exception {
        return KnativeTriggers.render(examples(), o);
    }

    TriggerApplier.Result apply(List<Trigger> desired, boolean prune) throws Exception {
        return TriggerApplier.apply(client.adapt(KnativeClient.class), NS, desired, prune, new PrintWriter(new StringWriter()));
    }

    Map<String, Trigger> inCluster() {
        return client.adapt(KnativeClient.class).triggers().inNamespace(NS).list().getItems().stream()
                .collect(Collectors.toMap(t -> t.getMetadata().getName(), t -> t, (a, b) -> a, LinkedHashMap::new));
    }

    @Test
    void theExamplesBecomeTriggersOnTheBrokerWithTheRightFiltersAndSubscriber() throws Exception {
        TriggerApplier.Result r = apply(render(KnativeTriggers.Options.DEFAULT), false);
        List<String> uploads = List.of("put", "post", "copy", "complete-multipart-upload");
        assertEquals(5, r.created().size(), r.toString());
        Map<String, Trigger> all = inCluster();
        assertEquals(5, all.size(), all.keySet().toString());

        Map<String, String> eventOf = Map.of("put", "Put", "post", "Post", "copy", "Copy", "complete-multipart-upload", "CompleteMultipartUpload");
        for (String e : uploads) {
            Trigger t = all.get("relay-trigger-new-dataset-" + e);
            assertSubscribesToRelay(t);
            assertEquals(Map.of("type", S3 + eventOf.get(e), "source", "minio:s3..mlpipeline"), t.getSpec().getFilter().getAttributes());
            assertTrue(t.getSpec().getFilters() == null || t.getSpec().getFilters().isEmpty(), "the attributes form only by default");
            assertEquals("new-dataset", t.getMetadata().getLabels().get("relay.dev/trigger"));
            assertEquals("new-dataset.yaml", t.getMetadata().getAnnotations().get("relay.dev/trigger-file"));
            String note = t.getMetadata().getAnnotations().get("relay.dev/filtering");
            assertTrue(note.contains("never data") && note.contains("checks every condition") && note.contains("glob datasets/*.csv"), note);
        }

        Trigger drift = all.get("relay-trigger-retrain-on-drift");
        assertSubscribesToRelay(drift);
        assertEquals(Map.of("type", "com.example.model.drift"), drift.getSpec().getFilter().getAttributes(),
                "no source filter: the trigger names none");
        assertEquals("retrain-on-drift", drift.getMetadata().getLabels().get("relay.dev/trigger"));
        assertEquals("retrain-on-drift.yaml", drift.getMetadata().getAnnotations().get("relay.dev/trigger-file"));
        String note = drift.getMetadata().getAnnotations().get("relay.dev/filtering");
        assertTrue(note.contains("subjectPrefix models/") && note.contains("where (2 conditions"), note);
    }

    private static void assertSubscribesToRelay(Trigger t) {
        assertEquals("eventing.knative.dev/v1", t.getApiVersion());
        assertEquals(NS, t.getMetadata().getNamespace());
        assertEquals("relay", t.getSpec().getBroker());
        assertEquals("serving.knative.dev/v1", t.getSpec().getSubscriber().getRef().getApiVersion());
        assertEquals("Service", t.getSpec().getSubscriber().getRef().getKind());
        assertEquals("relay-functions", t.getSpec().getSubscriber().getRef().getName());
        assertEquals("relay-functions", t.getSpec().getSubscriber().getAudience(), "the OIDC audience relay-functions verifies");
        assertEquals("relay", t.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    }

    @Test
    void theUploadFilterMatchesWhatTheBridgeSends() throws Exception {
        List<CloudEvent> events = S3CloudEvents.toCloudEvents(Files.readAllBytes(EX.resolve("events/upload.json")));
        CloudEvent ce = events.get(0);
        Trigger put = render(KnativeTriggers.Options.DEFAULT).stream()
                .filter(t -> t.getMetadata().getName().equals("relay-trigger-new-dataset-put")).findFirst().orElseThrow();
        assertEquals(Map.of("type", ce.getType(), "source", ce.getSource().toString()), put.getSpec().getFilter().getAttributes(),
                "the filter is an exact match on the bridge's own attributes");
    }

    @Test
    void applyingTwiceChangesNothing() throws Exception {
        apply(render(KnativeTriggers.Options.DEFAULT), false);
        Map<String, Trigger> first = inCluster();
        TriggerApplier.Result again = apply(render(KnativeTriggers.Options.DEFAULT), true);
        assertEquals(List.of(), again.created());
        assertEquals(List.of(), again.updated());
        assertEquals(List.of(), again.deleted());
        assertEquals(5, again.unchanged().size());
        Map<String, Trigger> second = inCluster();
        assertEquals(first.keySet(), second.keySet(), "no extra objects");
        for (String name : first.keySet()) {
            assertEquals(first.get(name).getMetadata().getResourceVersion(), second.get(name).getMetadata().getResourceVersion(), name);
            assertEquals(first.get(name).getMetadata().getGeneration(), second.get(name).getMetadata().getGeneration(), name);
            assertEquals(first.get(name).getMetadata().getUid(), second.get(name).getMetadata().getUid(), name);
        }
    }

    @Test
    void whatKnativeDefaultsIsNoChange() throws Exception {
        Trigger desired = render(KnativeTriggers.Options.DEFAULT).get(0);
        Trigger defaulted = new TriggerBuilder(desired).editMetadata().addToLabels("eventing.knative.dev/broker", "relay").endMetadata()
                .editSpec().editSubscriber().editRef().withNamespace(NS).endRef().endSubscriber().endSpec().build();
        client.adapt(KnativeClient.class).triggers().inNamespace(NS).resource(defaulted).create();
        TriggerApplier.Result r = apply(List.of(desired), false);
        assertEquals(List.of(desired.getMetadata().getName()), r.unchanged());
        Trigger newFilters = KnativeTriggers.render(examples().get(1), new KnativeTriggers.Options(NS, KnativeTriggers.DEFAULT_S3_SOURCE_PREFIX, true)).get(0);
        Trigger emptyFilter = new TriggerBuilder(newFilters).editSpec().withNewFilter().endFilter().endSpec().build();
        assertTrue(TriggerApplier.same(newFilters, emptyFilter, NS), "filter: {} added by the webhook is no change");
    }

    @Test
    void aChangeUpdatesInPlaceKeepingOthersLabels() throws Exception {
        apply(render(KnativeTriggers.Options.DEFAULT), false);
        KnativeClient kn = client.adapt(KnativeClient.class);
        Trigger before = kn.triggers().inNamespace(NS).withName("relay-trigger-retrain-on-drift").edit(t -> new TriggerBuilder(t)
                .editMetadata().addToLabels("team", "ml").endMetadata().build());

        TriggerApplier.Result r = apply(render(new KnativeTriggers.Options(NS, KnativeTriggers.DEFAULT_S3_SOURCE_PREFIX, true)), false);
        assertEquals(5, r.updated().size(), r.toString());
        Trigger after = kn.triggers().inNamespace(NS).withName("relay-trigger-retrain-on-drift").get();
        assertEquals(before.getMetadata().getUid(), after.getMetadata().getUid(), "updated, not deleted and recreated");
        assertNotEquals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion());
        assertEquals("ml", after.getMetadata().getLabels().get("team"), "labels others set are kept");
        assertNull(after.getSpec().getFilter(), "the filters form replaces filter.attributes");
        assertEquals(Map.of("type", "com.example.model.drift"), after.getSpec().getFilters().get(0).getExact());
        assertEquals(Map.of("subject", "models/"), after.getSpec().getFilters().get(1).getPrefix());
        assertEquals(2, after.getSpec().getFilters().size());

        Trigger put = kn.triggers().inNamespace(NS).withName("relay-trigger-new-dataset-put").get();
        assertEquals(1, put.getSpec().getFilters().size(), "a glob has no Knative filter; the example has no prefix");
        assertEquals(Map.of("type", S3 + "Put", "source", "minio:s3..mlpipeline"), put.getSpec().getFilters().get(0).getExact());
    }

    @Test
    void uploadPrefixAndSuffixGoToTheNewFiltersOnly() throws Exception {
        var t = TriggerLoader.parse("""
                apiVersion: relay.dev/v1
                kind: UploadTrigger
                metadata: {name: train-on-new-data}
                spec:
                  bucket: datasets
                  prefix: incoming/
                  suffix: .csv
                  events: [Put]
                  pipeline: {name: train, version: latest}
                """, "t.yaml");
        Trigger attrs = KnativeTriggers.render(t, new KnativeTriggers.Options(NS, "aws:s3.us-east-1.", false)).get(0);
        assertEquals(Map.of("type", S3 + "Put", "source", "aws:s3.us-east-1.datasets"), attrs.getSpec().getFilter().getAttributes());
        assertTrue(attrs.getMetadata().getAnnotations().get("relay.dev/filtering").contains("prefix incoming/, suffix .csv"));
        Trigger filters = KnativeTriggers.render(t, new KnativeTriggers.Options(NS, KnativeTriggers.DEFAULT_S3_SOURCE_PREFIX, true)).get(0);
        assertEquals(3, filters.getSpec().getFilters().size());
        assertEquals(Map.of("type", S3 + "Put", "source", "minio:s3..datasets"), filters.getSpec().getFilters().get(0).getExact());
        assertEquals(Map.of("subject", "incoming/"), filters.getSpec().getFilters().get(1).getPrefix());
        assertEquals(Map.of("subject", ".csv"), filters.getSpec().getFilters().get(2).getSuffix());
        assertNull(filters.getSpec().getFilter());
    }

    @Test
    void pruneDeletesOnlyRelaysTriggersThatAreGone() throws Exception {
        KnativeClient kn = client.adapt(KnativeClient.class);
        Trigger staticOne = new TriggerBuilder().withNewMetadata().withName("relay-run-requested").withNamespace(NS)
                .addToLabels("app.kubernetes.io/part-of", "relay").endMetadata()
                .withNewSpec().withBroker("relay").endSpec().build();
        kn.triggers().inNamespace(NS).resource(staticOne).create();
        apply(render(KnativeTriggers.Options.DEFAULT), false);
        List<Trigger> onlyDrift = render(KnativeTriggers.Options.DEFAULT).stream()
                .filter(t -> t.getMetadata().getName().contains("drift")).toList();

        TriggerApplier.Result noPrune = apply(onlyDrift, false);
        assertEquals(List.of(), noPrune.deleted());
        assertEquals(6, inCluster().size(), "nothing deleted without --prune");

        TriggerApplier.Result pruned = apply(onlyDrift, true);
        assertEquals(4, pruned.deleted().size(), pruned.toString());
        assertEquals(List.of("relay-run-requested", "relay-trigger-retrain-on-drift"), inCluster().keySet().stream().sorted().toList());
    }

    @Test
    void aTriggerRelayDoesNotManageIsNeverTouched() throws Exception {
        KnativeClient kn = client.adapt(KnativeClient.class);
        kn.triggers().inNamespace(NS).resource(new TriggerBuilder().withNewMetadata().withName("relay-trigger-retrain-on-drift")
                .withNamespace(NS).endMetadata().withNewSpec().withBroker("other").endSpec().build()).create();
        TriggerApplier.ConflictException e = assertThrows(TriggerApplier.ConflictException.class,
                () -> apply(render(KnativeTriggers.Options.DEFAULT), true));
        assertTrue(e.getMessage().contains("relay/relay-trigger-retrain-on-drift") && e.getMessage().contains("nothing was applied"), e.getMessage());
        assertEquals(1, inCluster().size(), "nothing created");
        assertEquals("other", inCluster().get("relay-trigger-retrain-on-drift").getSpec().getBroker());
    }

    @Test
    void theRenderedObjectsLoadTypedWithoutUnknownFields() throws Exception {
        for (boolean newFilters : List.of(false, true)) {
            List<Trigger> rendered = render(new KnativeTriggers.Options(NS, KnativeTriggers.DEFAULT_S3_SOURCE_PREFIX, newFilters));
            String yaml = Manifests.toYaml(KnativeTriggers.toJson(rendered));
            List<HasMetadata> typed = Manifests.typed(Manifests.parseYaml(yaml, "render"), "render");
            assertEquals(5, typed.size());
            for (HasMetadata o : typed) {
                assertTrue(o instanceof Trigger, o.getClass().getName());
                assertEquals(List.of(), Manifests.unknownFields(o));
            }
            assertEquals(rendered, typed, "YAML round trip");
            assertTrue(!yaml.contains("status"), yaml);
        }
    }

    @Test
    void namesAreDns1123AndShort() {
        assertEquals("relay-trigger-new-dataset-complete-multipart-upload", KnativeTriggers.name("new-dataset", "CompleteMultipartUpload"));
        assertEquals("relay-trigger-retrain-on-drift", KnativeTriggers.name("retrain-on-drift", null));
        String longName = "a".repeat(63);
        String put = KnativeTriggers.name(longName, "Put");
        String copy = KnativeTriggers.name(longName, "Copy");
        assertEquals(63, put.length());
        assertTrue(put.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") && put.matches(".*-[0-9a-f]{8}"), put);
        assertNotEquals(put, copy, "the hash covers the event");
        assertThrows(IllegalArgumentException.class, () -> new KnativeTriggers.Options(NS, "minio:s3.", false),
                "minio:s3. + bucket would never match the bridge's minio:s3..bucket");
        assertThrows(IllegalArgumentException.class, () -> new KnativeTriggers.Options("Relay", "minio:s3..", false));
    }
}
