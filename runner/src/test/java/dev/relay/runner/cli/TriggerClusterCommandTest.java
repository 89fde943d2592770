package dev.relay.runner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.k8s.Manifests;
import io.fabric8.knative.client.KnativeClient;
import io.fabric8.knative.eventing.v1.Trigger;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code relay trigger render} and {@code relay trigger apply} on the example triggers and the CRUD mock API server. */
@EnableKubernetesMockClient(crud = true)
class TriggerClusterCommandTest {
    static {
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
    }

    static final Path EX = RunCommandTest.repo().resolve("examples/triggers");
    KubernetesClient client;
    @TempDir Path tmp;

    record Result(int exit, String out, String err) {}

    Result apply(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new TriggerCommand.Apply(
                () -> new KubernetesClientBuilder().withConfig(client.getConfiguration()).build(), env));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Result(cl.execute(args), out.toString(), err.toString());
    }

    List<Trigger> triggers(String ns) {
        return client.adapt(KnativeClient.class).triggers().inNamespace(ns).list().getItems();
    }

    @Test
    void renderPrintsTypedKnativeTriggersAsOneYamlStream() throws Exception {
        Cli r = Cli.run("trigger", "render", "--dir", EX.toString(), "--namespace", "ml");
        assertEquals(0, r.exit(), r.err());
        assertEquals(4, r.out().split("(?m)^---$").length - 1, "five documents:\n" + r.out());
        List<JsonNode> docs = Manifests.parseYaml(r.out(), "relay trigger render");
        List<HasMetadata> typed = Manifests.typed(docs, "relay trigger render");
        assertEquals(5, typed.size());
        for (HasMetadata o : typed) {
            Trigger t = (Trigger) o;
            assertEquals("ml", t.getMetadata().getNamespace());
            assertEquals("relay", t.getSpec().getBroker());
            assertEquals(List.of(), Manifests.unknownFields(t));
        }
    }

    @Test
    void applyCreatesThenChangesNothing() {
        Result first = apply(Map.of(), "--dir", EX.toString());
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.out().contains("created   Trigger relay/relay-trigger-new-dataset-put"), first.out());
        assertTrue(first.out().contains("created   Trigger relay/relay-trigger-retrain-on-drift"), first.out());
        List<Trigger> before = triggers("relay");
        assertEquals(5, before.size());

        Result second = apply(Map.of("RELAY_TRIGGERS_DIR", EX.toString()), "--prune");
        assertEquals(0, second.exit(), second.err());
        assertTrue(!second.out().contains("created") && !second.out().contains("updated") && !second.out().contains("deleted"), second.out());
        assertEquals(5, second.out().lines().filter(l -> l.startsWith("unchanged Trigger relay/")).count(), second.out());
        List<Trigger> after = triggers("relay");
        assertEquals(before.stream().map(t -> t.getMetadata().getName() + "@" + t.getMetadata().getResourceVersion()).sorted().toList(),
                after.stream().map(t -> t.getMetadata().getName() + "@" + t.getMetadata().getResourceVersion()).sorted().toList());
    }

    @Test
    void anInvalidTriggerFileAppliesNothing() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("triggers"));
        Files.copy(EX.resolve("new-dataset.yaml"), dir.resolve("new-dataset.yaml"));
        Path bad = Files.writeString(dir.resolve("bad.yaml"),
                "apiVersion: relay.dev/v1\nkind: EventTrigger\nmetadata: {name: x}\nspec:\n  typ: a\n  pipeline: {name: p}\n");
        Result r = apply(Map.of(), "--dir", dir.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains(bad + ":5:3: unknown field 'spec.typ'"), r.err());
        assertEquals(List.of(), triggers("relay"), "nothing applied");

        Cli render = Cli.run("trigger", "render", "--dir", dir.toString());
        assertEquals(2, render.exit());
        assertTrue(render.err().contains(bad + ":5:3: missing required field 'type'"), render.err());
        assertEquals("", render.out());
    }

    @Test
    void twoFilesWithOneTriggerNameAreRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("twins"));
        Files.copy(EX.resolve("retrain-on-drift.yaml"), dir.resolve("a.yaml"));
        Files.copy(EX.resolve("retrain-on-drift.yaml"), dir.resolve("b.yaml"));
        Result r = apply(Map.of(), "--dir", dir.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains(dir.resolve("b.yaml") + ":1:1: trigger 'retrain-on-drift'") && r.err().contains("a.yaml"), r.err());
        assertEquals(List.of(), triggers("relay"));
    }

    @Test
    void usageErrorsExitTwo() {
        Result missing = apply(Map.of("RELAY_TRIGGERS_DIR", tmp.resolve("nope").toString()));
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("is not a folder of trigger files"), missing.err());
        Result prefix = apply(Map.of(), "--dir", EX.toString(), "--s3-source-prefix", "minio:s3.");
        assertEquals(2, prefix.exit());
        assertTrue(prefix.err().contains("minio:s3.. for MinIO"), prefix.err());
        Result ns = apply(Map.of(), "--dir", EX.toString(), "--namespace", "Not_A_Namespace");
        assertEquals(2, ns.exit());
        assertTrue(ns.err().contains("'Not_A_Namespace' is not a DNS-1123 label"), ns.err());
        assertEquals(List.of(), triggers("relay"));
    }
}
