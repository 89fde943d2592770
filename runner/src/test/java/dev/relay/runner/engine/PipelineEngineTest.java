package dev.relay.runner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.relay.runner.model.ModelException;
import dev.relay.runner.model.PipelineModel;
import dev.relay.runner.model.ir.IrReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PipelineEngineTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static String fixture(String name) {
        try (InputStream in = PipelineEngineTest.class.getResourceAsStream("/v2/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static PipelineModel model(String name) throws ModelException {
        return IrReader.read(fixture(name), name);
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static NodeState ok(Map<String, JsonNode> params) {
        return new NodeState(1, Phase.Succeeded, params, Map.of(), null);
    }

    private static List<String> paths(PipelineEngine.Decisions d) {
        return d.launches().stream().map(l -> l.path() + "#" + l.attempt()).collect(Collectors.toList());
    }

    /** Echo-like behaviour: every component returns its input {@code msg}/{@code forced}, doubles {@code x}. */
    private static NodeState behave(PipelineEngine.Launch l) {
        Map<String, JsonNode> p = l.parameters();
        switch (l.component()) {
            case "comp-flip-coin":
                return ok(Map.of("Output", p.get("forced")));
            case "comp-print":
                return ok(Map.of("Output", p.get("msg")));
            case "comp-make-list":
                return ok(Map.of("Output", json("[1, 2, 3]")));
            case "comp-double":
                return ok(Map.of("Output", IntNode.valueOf(p.get("x").asInt() * 2)));
            case "comp-fail":
                return new NodeState(l.attempt(), Phase.Failed, Map.of(), Map.of(), "exit code 1");
            case "comp-flaky":
                return l.attempt() < 2 ? new NodeState(l.attempt(), Phase.Failed, Map.of(), Map.of(), "flaky")
                        : new NodeState(l.attempt(), Phase.Succeeded, Map.of("Output", TextNode.valueOf("ok")), Map.of(), null);
            case "comp-train":
                return new NodeState(l.attempt(), Phase.Succeeded, Map.of(),
                        Map.of("model", List.of(new ArtifactRef(l.path(), "model"))), null);
            case "comp-importer":
                return new NodeState(l.attempt(), Phase.Succeeded, Map.of(),
                        Map.of("artifact", List.of(new ArtifactRef(l.path(), "artifact"))), null);
            default:
                return ok(Map.of());
        }
    }

    @Test
    void falseConditionSkipsItsBranchAndOneOfTakesTheOther() throws Exception {
        PipelineSim sim = new PipelineSim(model("condition.yaml"), Map.of(), PipelineEngineTest::behave);
        assertEquals(List.of("flip-coin#1"), paths(sim.evaluate()));
        assertEquals("tails", sim.last.launches().get(0).parameters().get("forced").asText(), "the default applies");
        sim.bucket.put("flip-coin", ok(Map.of("Output", TextNode.valueOf("tails"))));
        PipelineEngine.Decisions d = sim.evaluate();
        assertEquals(List.of("condition-branches-1/condition-3/print-tails#1"), paths(d));
        assertEquals(Phase.Skipped, d.phases().get("condition-branches-1/condition-2"));
        assertFalse(d.phases().containsKey("condition-branches-1/condition-2/print-heads"), "nothing below it is evaluated");
        sim.bucket.put("condition-branches-1/condition-3/print-tails", ok(Map.of("Output", TextNode.valueOf("tails!"))));
        d = sim.evaluate();
        assertEquals(List.of("print-result#1"), paths(d));
        assertEquals("tails!", d.launches().get(0).parameters().get("msg").asText());
        assertEquals(List.of("condition-branches-1/condition-3", "condition-branches-1"),
                d.completions().stream().map(PipelineEngine.Completion::path).toList(), "innermost first");
        assertEquals("tails!", d.completions().get(1).parameters()
                .get("pipelinechannel--condition-branches-1-oneof-1").asText());
        sim.apply(d, null);
        sim.bucket.put("print-result", ok(Map.of()));
        assertEquals(Phase.Succeeded, sim.evaluate().finish().orElseThrow());
        Map<String, Phase> tree = sim.tree();
        assertEquals(Phase.Skipped, tree.get("condition-branches-1/condition-2"));
        assertEquals(Phase.Succeeded, tree.get("condition-branches-1/condition-3/print-tails"));
    }

    @Test
    void headsRunsTheIfBranch() throws Exception {
        PipelineSim sim = new PipelineSim(model("condition.yaml"), Map.of("side", TextNode.valueOf("heads")),
                PipelineEngineTest::behave);
        assertEquals(Phase.Succeeded, sim.run(null, null));
        List<String> ran = sim.launched.stream().map(PipelineEngine.Launch::path).toList();
        assertEquals(List.of("flip-coin", "condition-branches-1/condition-2/print-heads", "print-result"), ran);
        assertEquals("heads!", sim.launched.get(2).parameters().get("msg").asText());
    }

    @Test
    void loopOfThreeWithParallelismOneNeverRunsTwoIterationsAtOnce() throws Exception {
        PipelineSim sim = new PipelineSim(model("loop_fanin.yaml"), Map.of(), PipelineEngineTest::behave);
        Function<List<PipelineEngine.Launch>, Integer> loop1 = inFlight -> (int) inFlight.stream()
                .filter(l -> l.path().startsWith("for-loop-1/")).count();
        assertEquals(Phase.Succeeded, sim.run(new Random(7), loop1));
        assertEquals(1, sim.maxConcurrent);
        List<String> order = sim.launched.stream().map(PipelineEngine.Launch::path)
                .filter(p -> p.startsWith("for-loop-1/")).toList();
        assertEquals(List.of("for-loop-1/0/double", "for-loop-1/1/double", "for-loop-1/2/double"), order);
        PipelineEngine.Launch sum = sim.launched.stream().filter(l -> l.path().equals("sum")).findFirst().orElseThrow();
        assertEquals(json("[2, 4, 6]"), sum.parameters().get("xs"));
        // the raw loop of structs, with the selector parseJson(string_value)["v"]
        Set<Integer> xs = sim.launched.stream().filter(l -> l.path().startsWith("for-loop-2/"))
                .map(l -> l.parameters().get("x").asInt()).collect(Collectors.toSet());
        assertEquals(Set.of(5, 6), xs);
    }

    @Test
    void fanInCollectsInItemOrderWhateverOrderIterationsFinish() throws Exception {
        PipelineModel m = IrReader.read(fixture("loop_fanin.yaml").replace("parallelismLimit: 1", "parallelismLimit: 0"), "x");
        PipelineSim sim = new PipelineSim(m, Map.of(), PipelineEngineTest::behave);
        sim.bucket.put("make-list", ok(Map.of("Output", json("[1, 2, 3]"))));
        PipelineEngine.Decisions d = sim.evaluate();
        assertTrue(paths(d).containsAll(List.of("for-loop-1/0/double#1", "for-loop-1/1/double#1", "for-loop-1/2/double#1")));
        // the iterations finish last to first
        for (int i = 2; i >= 0; i--) {
            sim.bucket.put("for-loop-1/" + i + "/double", ok(Map.of("Output", IntNode.valueOf((i + 1) * 2))));
            d = sim.evaluate();
        }
        PipelineEngine.Launch sum = d.launches().stream().filter(l -> l.path().equals("sum")).findFirst().orElseThrow();
        assertEquals(json("[2, 4, 6]"), sum.parameters().get("xs"));
    }

    @Test
    void exitHandlerRunsAfterAFailureAndSeesFailed() throws Exception {
        PipelineSim sim = new PipelineSim(model("exit_retry.yaml"), Map.of(), PipelineEngineTest::behave);
        assertEquals(Phase.Failed, sim.run(null, null));
        PipelineEngine.Launch exit = sim.launched.stream().filter(l -> l.path().equals("echo-status"))
                .findFirst().orElseThrow();
        JsonNode status = exit.parameters().get("status");
        assertEquals("FAILED", status.get("state").asText());
        assertEquals("exit-handler-1", status.get("pipelineTaskName").asText());
        assertTrue(status.get("error").get("message").asText().contains("exit code 1"), status.toString());
        assertTrue(status.get("pipelineJobResourceName").asText().startsWith("exit-retry-fixture-"));
        Map<String, Phase> tree = sim.tree();
        assertEquals(Phase.Skipped, tree.get("exit-handler-1/after-fail"));
        assertEquals(Phase.Succeeded, tree.get("exit-handler-1/ignore-failure"), "ignore_upstream_failure runs");
        assertEquals(Phase.Failed, tree.get("exit-handler-1"));
        assertEquals(Phase.Succeeded, tree.get("echo-status"));
    }

    @Test
    void retrySucceedsOnAttemptTwoAfterItsBackoff() throws Exception {
        PipelineSim sim = new PipelineSim(model("exit_retry.yaml"), Map.of(), PipelineEngineTest::behave);
        sim.run(null, null);
        List<PipelineEngine.Launch> flaky = sim.launched.stream().filter(l -> l.path().equals("exit-handler-1/flaky")).toList();
        assertEquals(2, flaky.size());
        assertEquals(Duration.ZERO, flaky.get(0).backoff());
        assertEquals(2, flaky.get(1).attempt());
        assertEquals(Duration.ofSeconds(1), flaky.get(1).backoff());
        assertEquals(Phase.Succeeded, sim.tree().get("exit-handler-1/flaky"));
        // later attempts back off by the factor, capped by backoffMaxDuration
        var policy = sim.model.component("comp-exit-handler-1").dag().task("flaky").retry();
        assertEquals(Duration.ofSeconds(2), policy.delayBefore(3));
        assertEquals(Duration.ofSeconds(3), policy.delayBefore(4));
    }

    @Test
    void nestedPipelinesConditionsLoopsAndArtifactLists() throws Exception {
        PipelineSim sim = new PipelineSim(model("nested.yaml"), Map.of("rates", json("[0.1, -1, 0.2]")),
                PipelineEngineTest::behave);
        PipelineEngine.Decisions first = sim.evaluate();
        assertEquals(List.of("importer#1", "inner-pipeline/condition-1/train#1", "for-loop-6/0/inner-pipeline/condition-1/train#1",
                "for-loop-6/2/inner-pipeline/condition-1/train#1"), paths(first));
        assertEquals(0.5, first.launches().get(1).parameters().get("lr").asDouble(), "the sub-pipeline's default");
        assertEquals("s3://mlpipeline/data.csv", first.launches().get(0).parameters().get("uri").asText());
        assertEquals(Phase.Skipped, first.phases().get("for-loop-6/1/inner-pipeline/condition-1"));
        assertEquals(Phase.Succeeded, sim.run(null, null));
        List<PipelineEngine.Launch> uses = sim.launched.stream().filter(l -> l.component().equals("comp-use")).toList();
        assertEquals(8, uses.size());
        PipelineEngine.Launch one = uses.stream()
                .filter(l -> l.path().equals("for-loop-1/1/for-loop-5/0/for-loop-3/1/use")).findFirst().orElseThrow();
        assertEquals(1, one.parameters().get("a").asInt());
        assertEquals(20, one.parameters().get("b").asInt());
        assertEquals(List.of(new ArtifactRef("for-loop-6/2/inner-pipeline/condition-1/train", "model")),
                one.artifacts().get("model"), "the second collected model (iteration 1 was skipped)");
    }

    /**
     * The randomized replay: attempts finish in random order, events are duplicated, task status
     * writes are lost at random. Every schedule gives the same tree and run phase as the
     * in-order one, never relaunches a task with a status and keeps the parallelism limit.
     */
    @Test
    void shuffledDuplicatedEventsGiveTheSameDecisionsForLoopsAndConditions() throws Exception {
        Object[][] cases = {
            {"condition.yaml", Map.of()},
            {"condition.yaml", Map.of("side", TextNode.valueOf("heads"))},
            {"loop_fanin.yaml", Map.of()},
            {"exit_retry.yaml", Map.of()},
            {"nested.yaml", Map.of("rates", json("[0.3, 0, 0.1, 2]"))},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, JsonNode> params = (Map<String, JsonNode>) c[1];
            PipelineModel m = model((String) c[0]);
            PipelineSim reference = new PipelineSim(m, params, PipelineEngineTest::behave);
            Phase phase = reference.run(null, null);
            Map<String, Phase> tree = reference.tree();
            Set<String> launchedRef = new HashSet<>();
            reference.launched.forEach(l -> launchedRef.add(l.path() + "#" + l.attempt() + l.parameters() + l.artifacts()));
            for (int seed = 0; seed < 60; seed++) {
                PipelineSim sim = new PipelineSim(m, params, PipelineEngineTest::behave);
                Function<List<PipelineEngine.Launch>, Integer> loop1 = inFlight -> (int) inFlight.stream()
                        .filter(l -> l.path().startsWith("for-loop-1/") && c[0].equals("loop_fanin.yaml")).count();
                assertEquals(phase, sim.run(new Random(seed), loop1), c[0] + " seed " + seed);
                assertEquals(tree, sim.tree(), c[0] + " seed " + seed);
                Set<String> got = new HashSet<>();
                sim.launched.forEach(l -> got.add(l.path() + "#" + l.attempt() + l.parameters() + l.artifacts()));
                assertEquals(launchedRef, got, c[0] + " seed " + seed);
                assertTrue(sim.maxConcurrent <= 1, "parallelism 1 kept");
            }
        }
    }

    @Test
    void aTaskWhoseInputCannotBeSelectedFailsBeforeLaunchWithAReason() throws Exception {
        PipelineModel m = IrReader.read(fixture("loop_fanin.yaml").replace("[\"v\"]", "[\"nope\"]"), "x");
        PipelineSim sim = new PipelineSim(m, Map.of(), PipelineEngineTest::behave);
        assertEquals(Phase.Failed, sim.run(null, null));
        NodeState s = sim.bucket.get("for-loop-2/0/double");
        assertEquals(Phase.Failed, s.phase());
        assertTrue(s.message().contains("no key 'nope'"), s.message());
        List<String> none = new ArrayList<>();
        sim.launched.stream().filter(l -> l.path().startsWith("for-loop-2")).forEach(l -> none.add(l.path()));
        assertEquals(List.of(), none);
    }
}
