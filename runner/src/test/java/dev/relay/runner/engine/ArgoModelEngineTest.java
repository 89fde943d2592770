package dev.relay.runner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.argo.ArgoModelTranslator;
import dev.relay.runner.argo.ArgoPackage;
import dev.relay.runner.argo.ArgoPipeline;
import dev.relay.runner.pipeline.Pipeline;
import dev.relay.runner.engine.model.PipelineModel;
import dev.relay.runner.spec.SpecException;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Hand-written Argo Workflows ({@code src/test/resources/argo/}) translated into the pipeline model
 * ({@link ArgoModelTranslator}) and driven through the pure engine ({@link PipelineSim}: in-memory
 * bucket, attempts finishing as each test says, in random order with duplicated events and lost
 * completion writes): the branches a {@code when} picks, loop items, the exit handler after a
 * failure, a recursion that stops and one that does not, a retry, a steps template.
 */
class ArgoModelEngineTest {
    static String text(String fixture) throws Exception {
        try (InputStream in = ArgoModelEngineTest.class.getResourceAsStream("/argo/" + fixture)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static Pipeline pipeline(String fixture) throws Exception {
        return ArgoPipeline.pipeline(new ArgoPackage(text(fixture), fixture));
    }

    /** A succeeded attempt whose outputs' values (Argo's output parameters) are {@code outputs}. */
    static NodeState ok(Map<String, Object> outputs) {
        Map<String, Object> values = new LinkedHashMap<>();
        outputs.forEach((k, v) -> values.put(ArgoModelTranslator.VALUE + k, v));
        return new NodeState(1, Phase.Succeeded, values, Map.of(), null);
    }

    static NodeState failed(PipelineEngine.Launch l) {
        return new NodeState(l.attempt(), Phase.Failed, Map.of(), Map.of(), "exit code 1");
    }

    /** A simulated run advanced per event with a memory, as the controller drives the engine. */
    static PipelineSim sim(Pipeline p, Map<String, Object> params, Function<PipelineEngine.Launch, NodeState> b) {
        return new PipelineSim(p.model(), new LinkedHashMap<>(params), b).incremental();
    }

    static List<String> paths(PipelineSim s) {
        return s.launched.stream().map(PipelineEngine.Launch::path).sorted().toList();
    }

    @Test
    void containerTemplatesBecomeV1TasksWithTheirKfpNames() throws Exception {
        Pipeline p = pipeline("when.workflow.yaml");
        assertEquals(ArgoModelTranslator.FORMAT, p.format());
        assertNotNull(p.v1Task("pick"), "each container template is a v1 task under its name");
        assertEquals(List.of("output"), p.v1Task("pick").component().outputs().stream().map(o -> o.name()).toList(),
                "pick-output of template pick is output 'output'");
        Pipeline retry = pipeline("retry.workflow.yaml");
        assertEquals("60s", retry.v1Task("flaky").annotations().get("relay.dev/timeout"),
                "the template's activeDeadlineSeconds is the attempt's deadline");
    }

    @Test
    void whenTrueRunsTheBranchAndWhenFalseSkipsIt() throws Exception {
        for (Random rnd : new Random[] {null, new Random(1), new Random(2)}) {
            PipelineSim s = sim(pipeline("when.workflow.yaml"), Map.of(), l -> l.task().equals("pick")
                    ? ok(Map.of("output", "heads")) : ok(Map.of()));
            assertEquals(Phase.Succeeded, s.run(rnd, null));
            assertEquals(List.of("big", "condition-1/heads", "pick"), paths(s));
            Map<String, Phase> tree = s.tree();
            assertEquals(Phase.Skipped, tree.get("condition-2"), tree.toString());
            PipelineEngine.Launch heads = s.launched.stream().filter(l -> l.path().equals("condition-1/heads"))
                    .findFirst().orElseThrow();
            assertEquals("heads", heads.parameters().get("text"), "the group's input reaches its task");
        }
        PipelineSim tails = sim(pipeline("when.workflow.yaml"), Map.of("threshold", "9"), l -> l.task().equals("pick")
                ? ok(Map.of("output", "tails")) : ok(Map.of()));
        assertEquals(Phase.Succeeded, tails.run(new Random(7), null));
        assertEquals(List.of("condition-2/tails", "pick"), paths(tails),
                "tails: the other branch; 7 > 9 is false, so 'big' is skipped (number comparison, &&, ||)");
    }

    @Test
    void withItemsOfDictsGivesOneIterationPerItemWithItsFields() throws Exception {
        PipelineSim s = sim(pipeline("withitems.workflow.yaml"), Map.of("greeting", "hello"), l -> ok(Map.of()));
        assertEquals(Phase.Succeeded, s.run(new Random(3), null));
        assertEquals(List.of("for-loop-1/0/print", "for-loop-1/1/print", "for-loop-1/2/print"), paths(s));
        for (PipelineEngine.Launch l : s.launched) {
            int i = Integer.parseInt(l.path().split("/")[1]);
            assertEquals(String.valueOf(i + 1), l.parameters().get("a"), l.toString());
            assertEquals(List.of("x", "y", "z").get(i), l.parameters().get("b"), l.toString());
            assertEquals("hello", l.parameters().get("greeting"), "a pipeline parameter inside the loop");
        }
    }

    @Test
    void withParamLoopsOverTheListATaskWrote() throws Exception {
        PipelineSim s = sim(pipeline("withparam.workflow.yaml"), Map.of(), l -> l.task().equals("make-list")
                ? ok(Map.of("out", "[\"red\", \"green\", \"blue\", \"cyan\"]\n")) : ok(Map.of()));
        assertEquals(Phase.Succeeded, s.run(new Random(4), null));
        assertEquals(5, s.launched.size(), paths(s).toString());
        int loops = 0;
        for (PipelineEngine.Launch l : s.launched) {
            if (l.path().startsWith("for-loop-2/")) {
                int i = Integer.parseInt(l.path().split("/")[1]);
                assertEquals(List.of("red", "green", "blue", "cyan").get(i), l.parameters().get("text"));
                loops++;
            }
        }
        assertEquals(4, loops);
    }

    @Test
    void theExitHandlerRunsAfterAFailureAndTheRunStillFails() throws Exception {
        PipelineSim s = sim(pipeline("exit.workflow.yaml"), Map.of(), l -> l.task().equals("fail") ? failed(l) : ok(Map.of()));
        assertEquals(Phase.Failed, s.run(new Random(5), null));
        assertEquals(List.of("cleanup", "fail"), paths(s));
        PipelineSim good = sim(pipeline("exit.workflow.yaml"), Map.of(), l -> ok(Map.of()));
        assertEquals(Phase.Succeeded, good.run(null, null));
        assertEquals(List.of("cleanup", "fail"), paths(good), "and after a success");
    }

    @Test
    void aRecursionUnderWhenStopsWhenItsConditionFails() throws Exception {
        PipelineSim s = sim(pipeline("recursion.workflow.yaml"), Map.of("n", "3"), l -> ok(Map.of("out",
                String.valueOf(Long.parseLong((String) l.parameters().get("n")) - 1))));
        assertEquals(Phase.Succeeded, s.run(new Random(6), null));
        assertEquals(List.of("graph-countdown-1/dec", "graph-countdown-1/graph-countdown-1/dec",
                "graph-countdown-1/graph-countdown-1/graph-countdown-1/dec",
                "graph-countdown-1/graph-countdown-1/graph-countdown-1/graph-countdown-1/dec"), paths(s),
                "n=3 counts down 3, 2, 1, 0: the body runs n+1 times, one more path segment per call");
    }

    @Test
    void aRecursionThatNeverStopsFailsAtTheNestingLimit() throws Exception {
        PipelineSim s = sim(pipeline("recursion.workflow.yaml"), Map.of("n", "3"), l -> ok(Map.of("out", "5")));
        assertEquals(Phase.Failed, s.run(null, null));
        String message = s.bucket.values().stream().map(NodeState::message)
                .filter(m -> m != null && m.contains("nesting limit")).findFirst().orElseThrow();
        assertTrue(message.contains("nesting limit of " + PipelineEngine.MAX_DEPTH), message);
        assertTrue(s.launched.size() < PipelineEngine.MAX_DEPTH, "stopped before launching without end");
    }

    @Test
    void anUnconditionalRecursionIsRefusedBeforeLaunch() throws Exception {
        String yaml = text("recursion.workflow.yaml")
                .replace("        when: '{{tasks.dec.outputs.parameters.dec-out}} >= 0'\n", "");
        SpecException e = assertThrows(SpecException.class, () -> ArgoPipeline.pipeline(new ArgoPackage(yaml, "r.yaml")));
        assertTrue(e.getMessage().contains("spec.templates[1](graph-countdown-1).dag.tasks[1].template")
                && e.getMessage().contains("calls itself without a 'when' on the way"), e.getMessage());
    }

    @Test
    void aRetryLaunchesASecondAttempt() throws Exception {
        PipelineSim s = sim(pipeline("retry.workflow.yaml"), Map.of("marker", "/tmp/m"), l -> l.attempt() == 1
                ? failed(l) : new NodeState(l.attempt(), Phase.Succeeded, Map.of(), Map.of(), null));
        assertEquals(Phase.Succeeded, s.run(null, null));
        assertEquals(2, s.launched.size());
        assertEquals(2, s.launched.get(1).attempt());
        PipelineSim never = sim(pipeline("retry.workflow.yaml"), Map.of("marker", "/tmp/m"), ArgoModelEngineTest::failed);
        assertEquals(Phase.Failed, never.run(null, null));
        assertEquals(3, never.launched.size(), "retryStrategy.limit 2: three attempts in all");
    }

    @Test
    void aStepsTemplateRunsItsGroupsInOrder() throws Exception {
        PipelineSim s = sim(pipeline("steps.workflow.yaml"), Map.of(), l -> ok(Map.of()));
        s.apply(s.evaluate(), null);
        assertEquals(List.of("first", "second"), paths(s), "the first group runs in parallel");
        assertEquals("hello", s.launched.get(0).parameters().get("text"));
        assertEquals(Phase.Succeeded, s.run(null, null));
        assertEquals(List.of("first", "last", "second"), paths(s));
    }

    @Test
    void aPackageWithTwoYamlFilesIsRefusedNamingBoth() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : List.of("pipeline.yaml", "other.yaml")) {
                zip.putNextEntry(new ZipEntry(name));
                zip.write(text("steps.workflow.yaml").getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        SpecException e = assertThrows(SpecException.class, () -> ArgoPipeline.pipeline(bytes.toByteArray(), "two.zip"));
        assertTrue(e.getMessage().contains("pipeline.yaml") && e.getMessage().contains("other.yaml"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }

    @Test
    void kfpsRecursiveWhileFlipsUntilTails() throws Exception {
        String dir = System.getProperty("relay.shared.dir");
        Assumptions.assumeTrue(dir != null, "relay.shared.dir is not set: skipping");
        Path file = Path.of(dir, "cases", "v1_kfp_sdk", "recursive_while.yaml");
        Assumptions.assumeTrue(Files.exists(file), "no " + file);
        PipelineModel m = ArgoPipeline.pipeline(file).model();
        Iterator<String> flips = List.of("heads", "heads", "tails").iterator();
        PipelineSim s = new PipelineSim(m, Map.of(), l -> switch (l.task()) {
            case "flip" -> ok(Map.of("output", "heads"));
            case "flip-2" -> ok(Map.of("output", "tails"));
            case "flip-3" -> ok(Map.of("output", flips.next()));
            default -> ok(Map.of());
        });
        assertEquals(Phase.Succeeded, s.run(null, null));
        long flip3 = s.launched.stream().filter(l -> l.task().equals("flip-3")).count();
        long prints = s.launched.stream().filter(l -> l.task().equals("print")).count();
        assertEquals(3, flip3, "flip again while heads: heads, heads, tails " + paths(s));
        assertEquals(3, prints, paths(s).toString());
        assertTrue(paths(s).contains("graph-flip-component-1/condition-2/graph-flip-component-1/condition-2/"
                + "graph-flip-component-1/condition-2/flip-3"), paths(s).toString());
        assertTrue(paths(s).contains("print-2"), "the final print runs after the recursion");
    }
}
