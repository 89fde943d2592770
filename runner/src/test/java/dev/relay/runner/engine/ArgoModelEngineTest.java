package dev.relay.runner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.relay.runner.argo.ArgoPackage;
import dev.relay.runner.argo.ArgoPipeline;
import dev.relay.runner.model.PipelineModel;
import dev.relay.runner.spec.SpecException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Hand-written Argo Workflows translated into the pipeline model and driven through the pure
 * engine ({@link PipelineSim}: in-memory bucket, attempts finishing as each test says, in random
 * order with duplicated events): the branches a {@code when} picks, loop items, the exit handler
 * after a failure, a recursion that stops, a retry.
 */
class ArgoModelEngineTest {
    static PipelineModel model(String fixture) throws Exception {
        try (InputStream in = ArgoModelEngineTest.class.getResourceAsStream("/argo/" + fixture)) {
            return ArgoPipeline.model(new ArgoPackage(new String(in.readAllBytes(), StandardCharsets.UTF_8), fixture));
        }
    }

    static NodeState ok(Map<String, String> outputs) {
        Map<String, JsonNode> p = new java.util.LinkedHashMap<>();
        outputs.forEach((k, v) -> p.put(k, TextNode.valueOf(v)));
        return new NodeState(1, Phase.Succeeded, p, Map.of(), null);
    }

    static PipelineSim sim(PipelineModel m, Map<String, String> params, Function<PipelineEngine.Launch, NodeState> b) {
        Map<String, JsonNode> p = new java.util.LinkedHashMap<>();
        params.forEach((k, v) -> p.put(k, TextNode.valueOf(v)));
        return new PipelineSim(m, p, b);
    }

    static List<String> paths(PipelineSim s) {
        return s.launched.stream().map(PipelineEngine.Launch::path).sorted().toList();
    }

    @Test
    void whenPicksTheBranchesThatHold() throws Exception {
        for (Random rnd : new Random[] {null, new Random(1), new Random(2)}) {
            PipelineSim s = sim(model("when.workflow.yaml"), Map.of(), l -> l.task().equals("pick")
                    ? ok(Map.of("output", "heads")) : ok(Map.of()));
            assertEquals(Phase.Succeeded, s.run(rnd, null));
            assertEquals(List.of("big", "condition-1/heads", "pick"), paths(s));
            Map<String, Phase> tree = s.tree();
            assertEquals(Phase.Skipped, tree.get("condition-2"), tree.toString());
            PipelineEngine.Launch heads = s.launched.stream().filter(l -> l.path().equals("condition-1/heads")).findFirst().orElseThrow();
            assertEquals("heads", heads.parameters().get("text").asText(), "the group's input reaches its task");
        }
    }

    @Test
    void withItemsOfDictsGivesOneIterationPerItemWithItsFields() throws Exception {
        PipelineSim s = sim(model("withitems.workflow.yaml"), Map.of("greeting", "hello"), l -> ok(Map.of()));
        assertEquals(Phase.Succeeded, s.run(new Random(3), null));
        assertEquals(List.of("for-loop-1/0/print", "for-loop-1/1/print", "for-loop-1/2/print"), paths(s));
        for (PipelineEngine.Launch l : s.launched) {
            int i = Integer.parseInt(l.path().split("/")[1]);
            assertEquals(String.valueOf(i + 1), l.parameters().get("a").asText(), l.toString());
            assertEquals(List.of("x", "y", "z").get(i), l.parameters().get("b").asText(), l.toString());
            assertEquals("hello", l.parameters().get("greeting").asText(), "a pipeline parameter inside the loop");
        }
    }

    @Test
    void withParamLoopsOverTheListATaskWrote() throws Exception {
        PipelineSim s = sim(model("withparam.workflow.yaml"), Map.of(), l -> l.task().equals("make-list")
                ? ok(Map.of("out", "[\"red\", \"green\", \"blue\", \"cyan\"]\n")) : ok(Map.of()));
        assertEquals(Phase.Succeeded, s.run(new Random(4), null));
        assertEquals(5, s.launched.size());
        for (PipelineEngine.Launch l : s.launched) {
            if (l.path().startsWith("for-loop-2/")) {
                int i = Integer.parseInt(l.path().split("/")[1]);
                assertEquals(List.of("red", "green", "blue", "cyan").get(i), l.parameters().get("text").asText());
            }
        }
    }

    @Test
    void theExitHandlerRunsAfterAFailureAndTheRunStillFails() throws Exception {
        PipelineSim s = sim(model("exit.workflow.yaml"), Map.of(), l -> l.task().equals("fail")
                ? new NodeState(l.attempt(), Phase.Failed, Map.of(), Map.of(), "exit code 1") : ok(Map.of()));
        assertEquals(Phase.Failed, s.run(new Random(5), null));
        assertEquals(List.of("cleanup", "fail"), paths(s));
    }

    @Test
    void aRecursionUnderWhenStopsWhenItsConditionFails() throws Exception {
        PipelineSim s = sim(model("recursion.workflow.yaml"), Map.of("n", "3"), l -> ok(Map.of("out",
                String.valueOf(Integer.parseInt(l.parameters().get("n").asText()) - 1))));
        assertEquals(Phase.Succeeded, s.run(new Random(6), null));
        assertEquals(List.of("graph-countdown-1/dec", "graph-countdown-1/graph-countdown-1/dec",
                "graph-countdown-1/graph-countdown-1/graph-countdown-1/dec",
                "graph-countdown-1/graph-countdown-1/graph-countdown-1/graph-countdown-1/dec"), paths(s),
                "n=3 counts down 3, 2, 1, 0: the body runs n+1 times");
    }

    @Test
    void aRetryLaunchesASecondAttempt() throws Exception {
        PipelineSim s = sim(model("retry.workflow.yaml"), Map.of("marker", "/tmp/m"), l -> l.attempt() == 1
                ? new NodeState(1, Phase.Failed, Map.of(), Map.of(), "exit code 3") : new NodeState(l.attempt(), Phase.Succeeded, Map.of(), Map.of(), null));
        assertEquals(Phase.Succeeded, s.run(null, null));
        assertEquals(2, s.launched.size());
        assertEquals(2, s.launched.get(1).attempt());
    }

    @Test
    void anUnconditionalRecursionIsRefused() throws Exception {
        String yaml;
        try (InputStream in = ArgoModelEngineTest.class.getResourceAsStream("/argo/recursion.workflow.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("        when: '{{tasks.dec.outputs.parameters.dec-out}} >= 0'\n", "");
        }
        SpecException e = assertThrows(SpecException.class, () -> ArgoPipeline.model(new ArgoPackage(yaml, "r.yaml")));
        assertTrue(e.getMessage().contains("calls itself without a 'when' on the way"), e.getMessage());
    }

    @Test
    void kfpsRecursiveWhileFlipsUntilTails() throws Exception {
        String dir = System.getProperty("relay.shared.dir");
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null, "relay.shared.dir is not set: skipping");
        java.nio.file.Path file = java.nio.file.Path.of(dir, "cases", "v1_kfp_sdk", "recursive_while.yaml");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(file), "no " + file);
        PipelineModel m = ArgoPipeline.model(ArgoPackage.read(file));
        java.util.Iterator<String> flips = List.of("heads", "heads", "tails").iterator();
        PipelineSim s = sim(m, Map.of(), l -> switch (l.task()) {
            case "flip" -> ok(Map.of("output", "heads"));
            case "flip-2" -> ok(Map.of("output", "tails"));
            case "flip-3" -> ok(Map.of("output", flips.next()));
            default -> ok(Map.of());
        });
        assertEquals(Phase.Succeeded, s.run(null, null));
        long flip3 = s.launched.stream().filter(l -> l.task().equals("flip-3")).count();
        long prints = s.launched.stream().filter(l -> l.task().equals("print") && l.path().contains("/")).count();
        assertEquals(3, flip3, "flip again while heads: heads, heads, tails " + paths(s));
        assertEquals(3, prints, paths(s));
        assertTrue(paths(s).contains("graph-flip-component-1/condition-2/graph-flip-component-1/condition-2/"
                + "graph-flip-component-1/condition-2/flip-3"), paths(s).toString());
        assertTrue(paths(s).contains("print"), "the final print runs after the recursion");
    }
}
