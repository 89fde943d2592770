package dev.relay.runner.argo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.pipeline.Pipeline;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.SpecError;
import dev.relay.runner.spec.SpecException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every compiled package of {@code ../shared/cases/v1_kfp_sdk/} (with {@code seed/}) and
 * {@code v1_argo_workflows/} (read in place; skipped when absent) either translates into a graph
 * the spec layer accepts, or is refused with one line per reason naming the template and field.
 */
class ArgoSharedCasesTest {
    static Path shared(String folder) {
        String dir = System.getProperty("relay.shared.dir");
        Assumptions.assumeTrue(dir != null, "relay.shared.dir is not set: skipping the shared-case test");
        Path p = Path.of(dir, "cases", folder);
        Assumptions.assumeTrue(Files.isDirectory(p), "shared cases not found at " + p + ": skipping");
        return p;
    }

    static List<Path> packages(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".tar.gz") || p.toString().endsWith(".zip")
                            || (p.toString().endsWith(".yaml") && !p.toString().endsWith(".component.yaml")))
                    .sorted().toList();
        }
    }

    /** Outcome of one file: "valid" or the first refusal. */
    static Map<String, String> outcomes(Path folder) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (Path p : packages(folder)) {
            try {
                ObjectNode graph = ArgoPipeline.translate(p);
                ComponentSpec spec = ComponentLoader.parse(graph.toString(), p.toString(), null);
                assertTrue(spec.isPipeline());
                out.put(folder.relativize(p).toString(), "valid (" + spec.graph().tasks().size() + " tasks)");
            } catch (SpecException e) {
                for (SpecError err : e.errors()) {
                    assertFalse(err.message().contains("\n"), err.toString());
                    assertTrue(err.file().startsWith(p.toString()), err.toString());
                }
                String reason = e.errors().get(0).message();
                out.put(folder.relativize(p).toString(), "refused: " + reason);
            }
        }
        return out;
    }

    /** Outcome of one file translated into the pipeline model: "model" or the first refusal. */
    static Map<String, String> modelOutcomes(Path folder) throws IOException {
        Map<String, String> out = new TreeMap<>();
        for (Path p : packages(folder)) {
            try {
                Pipeline pipeline = ArgoPipeline.pipeline(p);
                out.put(folder.relativize(p).toString(), "model (" + pipeline.model().components().size() + " components)");
            } catch (SpecException e) {
                for (SpecError err : e.errors()) {
                    assertFalse(err.message().contains("\n"), err.toString());
                    assertTrue(err.file().startsWith(p.toString()), err.toString());
                }
                out.put(folder.relativize(p).toString(), "refused: " + e.errors().get(0).message());
            }
        }
        return out;
    }

    @Test
    void everyPackageBecomesAPipelineModelOrIsRefusedWithAReason() throws IOException {
        Map<String, String> o = new TreeMap<>();
        modelOutcomes(shared("v1_kfp_sdk")).forEach((k, v) -> o.put("v1_kfp_sdk/" + k, v));
        modelOutcomes(shared("v1_argo_workflows")).forEach((k, v) -> o.put("v1_argo_workflows/" + k, v));
        o.forEach((k, v) -> System.out.println("model " + k + ": " + v));
        assertEquals(38, o.size());
    }

    @Test
    void everyKfpSdkPackageTranslatesOrIsRefusedWithAReason() throws IOException {
        Map<String, String> o = outcomes(shared("v1_kfp_sdk"));
        o.forEach((k, v) -> System.out.println("v1_kfp_sdk/" + k + ": " + v));
        assertEquals(33, o.size());
    }

    @Test
    void everyArgoWorkflowTranslatesOrIsRefusedWithAReason() throws IOException {
        Map<String, String> o = outcomes(shared("v1_argo_workflows"));
        o.forEach((k, v) -> System.out.println("v1_argo_workflows/" + k + ": " + v));
        assertEquals(5, o.size());
    }
    /**
     * The same packages read for Kubernetes Jobs ({@link ArgoPipeline#loadForAnyLauncher}): volumes,
     * sidecars and secret volumes go to the pod, so only resource templates, pod fields holding
     * {@code {{...}}} and templates without a command stay refused, each with its reason.
     */
    @Test
    void onAClusterOnlyWhatNoJobCanDoIsRefused() throws IOException {
        Map<String, String> o = new TreeMap<>();
        for (String folder : List.of("v1_kfp_sdk", "v1_argo_workflows")) {
            Path dir = shared(folder);
            for (Path p : packages(dir)) {
                String name = folder + "/" + dir.relativize(p);
                try {
                    ArgoPipeline.loadForAnyLauncher(ArgoPackage.read(Files.readAllBytes(p), p.toString()));
                    o.put(name, "accepted");
                } catch (SpecException e) {
                    for (SpecError err : e.errors()) {
                        assertFalse(err.message().contains("\n"), err.toString());
                    }
                    o.put(name, "refused: " + e.errors().get(0).message());
                }
            }
        }
        o.forEach((k, v) -> System.out.println("cluster " + k + ": " + v));
        for (String accepted : List.of("v1_kfp_sdk/sidecar.yaml", "v1_kfp_sdk/volume.yaml", "v1_kfp_sdk/basic_no_decorator.yaml",
                "v1_kfp_sdk/withparam_output.yaml", "v1_kfp_sdk/seed/random_sum_funcs_v1.tar.gz")) {
            assertEquals("accepted", o.get(accepted), accepted);
        }
        for (String resource : List.of("volumeop_basic", "volumeop_dag", "volumeop_parallel", "volumeop_sequential",
                "volume_snapshotop_rokurl", "volume_snapshotop_sequential", "resourceop_basic", "param_substitutions")) {
            String v = o.get("v1_kfp_sdk/" + resource + ".yaml");
            // the claim a VolumeOp creates, or its name passed on as {{...}} into a pod field
            assertTrue(v.startsWith("refused: ") && (v.contains(".resource: a resource template (")
                    || v.contains(": holds a {{...}} reference")), resource + ": " + v);
        }
        assertTrue(o.get("v1_kfp_sdk/param_op_transform.yaml").contains("(cop).container.command: missing: Relay's Jobs"),
                o.get("v1_kfp_sdk/param_op_transform.yaml"));
        assertTrue(o.get("v1_argo_workflows/artifact_passing_using_volume.workflow.yaml").contains(
                ".container.volumeMounts: holds a {{...}} reference"), "its subPath names the run");
        assertTrue(o.get("v1_kfp_sdk/pipelineparams.yaml").contains(".sidecars: holds a {{...}} reference ({{inputs.parameters.tag}})"),
                o.get("v1_kfp_sdk/pipelineparams.yaml"));
    }
}
