package dev.relay.runner.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.engine.ArtifactRef;
import dev.relay.runner.engine.NodeState;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.engine.PipelineEngine;
import dev.relay.runner.engine.model.PipelineModel;
import dev.relay.runner.spec.ComponentLoader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class V1TranslatorTest {
    private static final String PIPELINE = """
            name: v1 conditions
            inputs:
            - {name: threshold, type: Integer, default: '5'}
            implementation:
              graph:
                tasks:
                  flip:
                    componentRef:
                      spec:
                        outputs: [{name: side}]
                        implementation: {container: {image: alpine, command: [sh, -c, 'echo heads > $0', {outputPath: side}]}}
                  when-heads:
                    componentRef: {spec: &echo {inputs: [{name: msg}], implementation: {container: {image: alpine, command: [echo, {inputValue: msg}]}}}}
                    arguments: {msg: {taskOutput: {taskId: flip, outputName: side}}}
                    isEnabled: {'==': {op1: {taskOutput: {taskId: flip, outputName: side}}, op2: heads}}
                  when-big:
                    componentRef: {spec: *echo}
                    arguments: {msg: big}
                    isEnabled: {and: {op1: {'>': {op1: {graphInput: {inputName: threshold}}, op2: 3}}, op2: {not: {'==': {op1: {taskOutput: {taskId: flip, outputName: side}}, op2: tails}}}}}
                  inner:
                    componentRef:
                      spec:
                        name: inner graph
                        inputs: [{name: text}]
                        outputs: [{name: out}]
                        implementation:
                          graph:
                            tasks:
                              shout:
                                componentRef: {spec: {inputs: [{name: t}], outputs: [{name: o}], implementation: {container: {image: alpine, command: [sh, -c, 'echo $0 > $1', {inputValue: t}, {outputPath: o}]}}}}
                                arguments: {t: {graphInput: {inputName: text}}}
                            outputValues: {out: {taskOutput: {taskId: shout, outputName: o}}}
                    arguments: {text: {taskOutput: {taskId: flip, outputName: side}}}
                  after-inner:
                    componentRef: {spec: {inputs: [{name: f}], implementation: {container: {image: alpine, command: [cat, {inputPath: f}]}}}}
                    arguments: {f: {taskOutput: {taskId: inner, outputName: out}}}
            """;

    @Test
    void aTaskNamedRootIsATaskNotTheGraph() throws Exception {
        String pipeline = """
                name: fan
                implementation:
                  graph:
                    tasks:
                      root:
                        componentRef: {spec: {outputs: [{name: o}], implementation: {container: {image: alpine, command: [sh, -c, 'echo 1 > $0', {outputPath: o}]}}}}
                      leaf:
                        componentRef: {spec: {inputs: [{name: i}], implementation: {container: {image: alpine, command: [cat, {inputPath: i}]}}}}
                        arguments: {i: {taskOutput: {taskId: root, outputName: o}}}
                """;
        PipelineModel m = V1Translator.translate(ComponentLoader.parse(pipeline, "p.yaml", null)).model();
        assertEquals(List.of("root", "leaf"), List.copyOf(m.root().dag().tasks().keySet()));
        Map<String, NodeState> bucket = new HashMap<>();
        PipelineEngine.Decisions d = PipelineEngine.evaluate(m, "r-1", Map.of(), p -> bucket.getOrDefault(p, NodeState.NONE));
        assertEquals(List.of("root"), d.launches().stream().map(PipelineEngine.Launch::path).toList());
        assertTrue(m.component(d.launches().get(0).component()).dag() == null, "the task 'root' launches its container, not the graph");
    }

    @Test
    void conditionsAndNestedGraphsRunThroughTheEngine() throws Exception {
        PipelineModel m = V1Translator.translate(ComponentLoader.parse(PIPELINE, "p.yaml", null)).model();
        assertEquals(PipelineModel.FORMAT_V1, m.format());
        assertEquals("string(inputs.parameter_values['relay--condition-0']) == string('heads')",
                m.root().dag().task("when-heads").condition());
        Map<String, NodeState> bucket = new HashMap<>();
        Map<String, Object> params = Map.of();
        PipelineEngine.Decisions d = PipelineEngine.evaluate(m, "r-1", params, p -> bucket.getOrDefault(p, NodeState.NONE));
        assertEquals(List.of("flip"), d.launches().stream().map(PipelineEngine.Launch::path).toList());
        // the controller gives a v1 output read by a condition as a parameter (its trimmed content)
        bucket.put("flip", new NodeState(1, Phase.Succeeded, Map.of("side", "heads"),
                Map.of("side", List.of(new ArtifactRef("flip", "side"))), null));
        d = PipelineEngine.evaluate(m, "r-1", params, p -> bucket.getOrDefault(p, NodeState.NONE));
        assertEquals(List.of("when-heads", "when-big", "inner/shout"),
                d.launches().stream().map(PipelineEngine.Launch::path).toList());
        bucket.put("when-heads", NodeState.attempt(1, dev.relay.runner.engine.ExecutionPhase.Succeeded));
        bucket.put("when-big", NodeState.attempt(1, dev.relay.runner.engine.ExecutionPhase.Succeeded));
        bucket.put("inner/shout", new NodeState(1, Phase.Succeeded, Map.of(),
                Map.of("o", List.of(new ArtifactRef("inner/shout", "o"))), null));
        d = PipelineEngine.evaluate(m, "r-1", params, p -> bucket.getOrDefault(p, NodeState.NONE));
        PipelineEngine.Launch after = d.launches().get(0);
        assertEquals("after-inner", after.path());
        assertEquals(List.of(new ArtifactRef("inner/shout", "o")), after.artifacts().get("f"),
                "the nested graph's outputValues reach the task after it");
        assertEquals("inner", d.completions().get(0).path());
    }

    @Test
    void aFalseConditionSkipsTheTask() throws Exception {
        PipelineModel m = V1Translator.translate(ComponentLoader.parse(PIPELINE, "p.yaml", null)).model();
        Map<String, NodeState> bucket = new HashMap<>();
        bucket.put("flip", new NodeState(1, Phase.Succeeded, Map.of("side", "tails"), Map.of(), null));
        PipelineEngine.Decisions d = PipelineEngine.evaluate(m, "r-1", Map.of("threshold", "2"),
                p -> bucket.getOrDefault(p, NodeState.NONE));
        assertEquals(List.of("inner/shout"), d.launches().stream().map(PipelineEngine.Launch::path).toList());
        assertEquals(Phase.Skipped, d.phases().get("when-heads"));
        assertEquals(Phase.Skipped, d.phases().get("when-big"));
        assertTrue(d.finish().isEmpty());
    }
}
