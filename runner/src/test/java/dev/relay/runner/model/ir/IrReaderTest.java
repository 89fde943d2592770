package dev.relay.runner.model.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.relay.runner.engine.NodeState;
import dev.relay.runner.engine.PipelineEngine;
import dev.relay.runner.model.ModelException;
import dev.relay.runner.model.PipelineModel;
import dev.relay.runner.model.TaskNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class IrReaderTest {
    static String fixture(String name) throws IOException {
        try (InputStream in = IrReaderTest.class.getResourceAsStream("/v2/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void readsYamlAndTheSameAsJson() throws Exception {
        String yaml = fixture("nested.yaml");
        PipelineModel a = IrReader.read(yaml, "nested.yaml");
        String json = new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(yaml));
        PipelineModel b = IrReader.read(json, "nested.json");
        assertEquals("nested-fixture", a.name());
        assertEquals(a.components().keySet(), b.components().keySet());
        assertEquals(a.root().dag().order(), b.root().dag().order());
        TaskNode loop = a.root().dag().task("for-loop-1");
        assertTrue(loop.loop().artifacts());
        assertEquals("pipelinechannel--models", loop.loop().input());
        assertTrue(IrReader.looksLikeIr(yaml));
        assertTrue(IrReader.looksLikeIr(json));
        assertTrue(IrReader.looksLikeIr("{\"pipelineSpec\": " + json + "}"));
        assertTrue(!IrReader.looksLikeIr("name: x\nimplementation: {container: {image: a}}\n"));
    }

    @Test
    void readsThePlatformSpecDocument() throws Exception {
        String text = fixture("condition.yaml") + "\n---\nplatforms:\n  kubernetes:\n    deploymentSpec:\n"
                + "      executors:\n        exec-print: {nodeSelector: {labels: {a: b}}}\n";
        PipelineModel m = IrReader.read(text, "p.yaml");
        assertEquals("b", m.platforms().path("kubernetes").path("deploymentSpec").path("executors")
                .path("exec-print").path("nodeSelector").path("labels").path("a").asText());
    }

    @Test
    void errorsNameTheFileAndField() throws Exception {
        String base = fixture("condition.yaml");
        ModelException e = assertThrows(ModelException.class,
                () -> IrReader.read(base.replace("componentRef: {name: comp-flip-coin}", "componentRef: {name: comp-nope}"), "p.yaml"));
        assertEquals("p.yaml: root.dag.tasks.flip-coin.componentRef.name: no component 'comp-nope'", e.getMessage());
        e = assertThrows(ModelException.class,
                () -> IrReader.read(base.replace("dependentTasks: [flip-coin]", "dependentTasks: [flip-con]"), "p.yaml"));
        assertTrue(e.getMessage().contains("root.dag: task 'condition-branches-1' depends on unknown task 'flip-con'"), e.getMessage());
        e = assertThrows(ModelException.class,
                () -> IrReader.read(base.replace("dependentTasks: [flip-coin]", "dependentTasks: [print-result]"), "p.yaml"));
        assertTrue(e.getMessage().contains("form a cycle"), e.getMessage());
        e = assertThrows(ModelException.class, () -> IrReader.read(base.replace("taskInfo: {name: flip-coin}",
                "taskInfo: {name: flip-coin}\n        retryPolicy: {maxRetryCount: 1, backoffDuration: soon}"), "p.yaml"));
        assertTrue(e.getMessage().contains("retryPolicy.backoffDuration: 'soon'; expected a duration"), e.getMessage());
        e = assertThrows(ModelException.class, () -> IrReader.read("root: [", "p.yaml"));
        assertTrue(e.getMessage().startsWith("p.yaml: not YAML or JSON"), e.getMessage());
        e = assertThrows(ModelException.class, () -> IrReader.read(base.replace("exec-print:\n      container:",
                "exec-print:\n      resolver:"), "p.yaml"));
        assertTrue(e.getMessage().contains("only 'container' and 'importer' executors"), e.getMessage());
    }

    /** Every IR file of the shared cases reads, and its first decisions (defaults only) come without error. */
    @Test
    void everySharedIrFileReads() throws Exception {
        Path shared = Path.of(System.getProperty("relay.shared.dir", "../shared"), "cases");
        assumeTrue(Files.isDirectory(shared.resolve("v2_kfp_sdk")), "../shared/cases/v2_kfp_sdk is absent: skipped");
        List<String> failures = new ArrayList<>();
        int read = 0;
        for (String dir : List.of("v2_kfp_sdk", "v2_kfp_sdk/seed", "v2_pipeline_specs")) {
            if (!Files.isDirectory(shared.resolve(dir))) {
                continue;
            }
            try (Stream<Path> files = Files.list(shared.resolve(dir))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".json")).sorted().toList()) {
                    String text = Files.readString(f);
                    if (!IrReader.looksLikeIr(text)) {
                        continue;
                    }
                    try {
                        PipelineModel m = IrReader.read(text, f.getFileName().toString());
                        PipelineEngine.evaluate(m, "r-test", Map.of(), p -> NodeState.NONE);
                        read++;
                    } catch (ModelException | RuntimeException e) {
                        failures.add(f.getFileName() + ": " + e);
                    }
                }
            }
        }
        assertEquals(List.of(), failures);
        assertTrue(read > 100, "read " + read);
    }
}
