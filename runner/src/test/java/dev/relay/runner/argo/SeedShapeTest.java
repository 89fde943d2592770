package dev.relay.runner.argo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.relay.runner.engine.model.DagSpec;
import dev.relay.runner.engine.model.TaskNode;
import dev.relay.runner.pipeline.Pipeline;
import dev.relay.runner.pipeline.V1Translator;
import dev.relay.runner.spec.ComponentLoader;
import dev.relay.runner.spec.ComponentSpec;
import dev.relay.runner.spec.InputSpec;
import dev.relay.runner.spec.OutputSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A KFP v1 graph of the seed's {@code *.component.yaml} files and the package KFP 1.8 compiled from
 * the same pipeline ({@code seed/random_sum_yaml_v1.tar.gz}) give the same run shape: the same
 * task keys (so the same task paths), dependencies and input sources, and components with the same
 * input and output names and command, although the compiler renamed the outputs
 * ({@code sum-numbers-sum}, {@code generate-numbers}); the annotation maps them back.
 */
class SeedShapeTest {
    private static final String GRAPH = """
            name: random-sum-v1-yaml
            inputs:
            - {name: count, type: Integer, default: '10'}
            implementation:
              graph:
                tasks:
                  generate:
                    componentRef: {url: generate.component.yaml}
                    arguments: {count: {graphInput: {inputName: count}}}
                  show:
                    componentRef: {url: show.component.yaml}
                    arguments: {text: {taskOutput: {taskId: sum-numbers, outputName: sum}}}
                  sum-numbers:
                    componentRef: {url: sum.component.yaml}
                    arguments: {numbers: {taskOutput: {taskId: generate, outputName: numbers}}}
            """;

    @Test
    void theCompiledPackageAndTheGraphOfItsComponentsHaveTheSameShape() throws Exception {
        Path seed = ArgoSharedCasesTest.shared("v1_kfp_sdk").resolve("seed");
        Assumptions.assumeTrue(Files.exists(seed.resolve("random_sum_yaml_v1.tar.gz")), "no seed package");
        Pipeline argo = ArgoPipeline.pipeline(seed.resolve("random_sum_yaml_v1.tar.gz"));
        Pipeline graph = V1Translator.translate(ComponentLoader.parse(GRAPH, "seed-graph.yaml", seed));
        DagSpec a = argo.model().root().dag();
        DagSpec g = graph.model().root().dag();
        assertEquals(g.tasks().keySet(), a.tasks().keySet(), "same task keys, so the same task paths");
        for (String key : g.tasks().keySet()) {
            TaskNode at = a.task(key);
            TaskNode gt = g.task(key);
            assertEquals(gt.segment(), at.segment(), key);
            assertEquals(gt.dependencies(), at.dependencies(), key);
            assertEquals(gt.inputs(), at.inputs(), key + ": inputs by the component's own names");
            ComponentSpec ac = argo.v1Task(at.component()).component();
            ComponentSpec gc = graph.v1Task(gt.component()).component();
            assertEquals(shape(gc), shape(ac), key);
        }
        assertEquals(graph.model().root().defaults(), argo.model().root().defaults(), "count defaults to '10'");
    }

    private static Map<String, Object> shape(ComponentSpec c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("inputs", c.inputs().stream().map(InputSpec::name).toList());
        m.put("outputs", c.outputs().stream().map(OutputSpec::name).toList());
        m.put("image", c.container().image());
        m.put("command", c.container().command());
        m.put("args", c.container().args());
        return m;
    }
}
