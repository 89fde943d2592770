package dev.relay.runner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The drawable graph of KFP v2 IR with nested pipelines, conditions and loops, and of a v1 graph. */
class PipelineGraphTest {

    static Map<String, PipelineGraph.Node> nodes(PipelineGraph g) {
        return g.nodes().stream().collect(Collectors.toMap(PipelineGraph.Node::path, n -> n));
    }

    @Test
    void nestedIrGivesGroupsForLoopsConditionsAndSubPipelines() throws Exception {
        PipelineGraph g = PipelineGraph.read(Files.readString(Path.of("src/test/resources/v2/nested.yaml")), "nested.yaml");
        Map<String, PipelineGraph.Node> n = nodes(g);
        assertEquals("kfp-v2-ir", g.format());
        assertEquals("task", n.get("importer").kind());
        assertEquals("dag", n.get("inner-pipeline").kind());
        assertEquals("loop", n.get("for-loop-6").kind());
        assertEquals("loop", n.get("for-loop-1").kind());
        assertEquals(List.of("for-loop-6"), n.get("for-loop-1").dependencies());
        PipelineGraph.Node cond = n.values().stream().filter(x -> x.kind().equals("condition")).findFirst().orElseThrow();
        assertTrue(cond.path().startsWith("inner-pipeline/"), cond.path());
        assertTrue(cond.condition() != null && !cond.condition().isBlank());
        // every non-root node's parent is a group listed before it
        List<String> seen = new java.util.ArrayList<>();
        for (PipelineGraph.Node x : g.nodes()) {
            if (x.parent() != null) {
                assertTrue(seen.contains(x.parent()), x.path() + " after its parent");
                assertTrue(!n.get(x.parent()).kind().equals("task"));
                assertTrue(x.path().startsWith(x.parent() + "/"));
            }
            seen.add(x.path());
        }
    }

    @Test
    void aV1GraphHasItsTasksAndEdges() {
        String yaml = """
                name: two
                implementation:
                  graph:
                    tasks:
                      a:
                        componentRef: {spec: {name: a, outputs: [{name: o}], implementation: {container: {image: x, command: [sh, -c, 'echo > $0', {outputPath: o}]}}}}
                      b:
                        componentRef: {spec: {name: b, inputs: [{name: i}], implementation: {container: {image: x, command: [cat, {inputPath: i}]}}}}
                        arguments: {i: {taskOutput: {taskId: a, outputName: o}}}
                """;
        PipelineGraph g = PipelineGraph.read(yaml, "two.yaml");
        assertEquals(List.of("a", "b"), g.nodes().stream().map(PipelineGraph.Node::path).toList());
        assertEquals(List.of("a"), nodes(g).get("b").dependencies());
        assertEquals("kfp-v1-graph", g.format());
    }

    @Test
    void aComponentIsNoGraph() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PipelineGraph.read(
                "name: c\nimplementation: {container: {image: x, command: [echo]}}\n", "c.yaml"));
        assertTrue(e.getMessage().startsWith("c.yaml: cannot draw the pipeline"), e.getMessage());
    }

    @Test
    void inputsNameWhereTheirValuesComeFrom() {
        String yaml = """
                name: two
                inputs: [{name: text, type: String}]
                implementation:
                  graph:
                    tasks:
                      a:
                        componentRef: {spec: {name: a, inputs: [{name: t}, {name: k}], outputs: [{name: o}], implementation: {container: {image: x, command: [sh, -c, 'echo $0 $1 > $2', {inputValue: t}, {inputValue: k}, {outputPath: o}]}}}}
                        arguments: {t: {graphInput: {inputName: text}}, k: '3'}
                      b:
                        componentRef: {spec: {name: b, inputs: [{name: i}], implementation: {container: {image: x, command: [cat, {inputPath: i}]}}}}
                        arguments: {i: {taskOutput: {taskId: a, outputName: o}}}
                """;
        Map<String, PipelineGraph.Node> n = nodes(PipelineGraph.read(yaml, "two.yaml"));
        assertEquals(new PipelineGraph.Input("input", null, "text", null, null, null), n.get("a").inputs().get("t"));
        assertEquals("constant", n.get("a").inputs().get("k").from());
        assertEquals("3", String.valueOf(n.get("a").inputs().get("k").value()));
        assertEquals(new PipelineGraph.Input("task", null, null, "a", "o", null), n.get("b").inputs().get("i"));
    }

    @Test
    void anArgoPackageIsDrawnWithItsLoop() throws Exception {
        PipelineGraph g = PipelineGraph.read(Files.readString(Path.of("src/test/resources/argo/withitems.workflow.yaml")),
                "withitems.workflow.yaml");
        Map<String, PipelineGraph.Node> n = nodes(g);
        assertEquals("argo-workflow", g.format());
        assertEquals("loop", n.get("for-loop-1").kind());
        assertEquals("for-loop-1", n.get("for-loop-1/print").parent());
        assertEquals("task", n.get("for-loop-1/print").kind());
        // print's greeting is the loop's input, which is the pipeline parameter
        assertEquals("input", n.get("for-loop-1/print").inputs().get("greeting").from());
        PipelineGraph.Input outer = n.get("for-loop-1").inputs().get(n.get("for-loop-1/print").inputs().get("greeting").name());
        assertEquals("input", outer.from(), String.valueOf(n.get("for-loop-1").inputs()));
        assertEquals("greeting", outer.name());
    }

    @Test
    void anArgoTaskReadingAnOutputParameterNamesTheOutput() throws Exception {
        Map<String, PipelineGraph.Node> n = nodes(PipelineGraph.read(
                Files.readString(Path.of("src/test/resources/argo/when.workflow.yaml")), "when.workflow.yaml"));
        assertEquals("condition", n.get("condition-1").kind());
        PipelineGraph.Input in = n.get("condition-1").inputs().get("pick-output");
        assertEquals("task", in.from(), String.valueOf(n.get("condition-1").inputs()));
        assertEquals("pick", in.task());
        assertEquals("output", in.output(), "the stored output's name, not the translation's value key");
    }
}
