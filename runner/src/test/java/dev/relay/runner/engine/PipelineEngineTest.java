package dev.relay.runner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.runner.engine.model.ModelException;
import dev.relay.runner.engine.cel.JsonText;
import dev.relay.runner.engine.model.PipelineModel;
import dev.relay.runner.pipeline.IrReader;
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

    static String fixture(String name) {
        try (InputStream in = PipelineEngineTest.class.getResourceAsStream("/v2/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static PipelineModel model(String name) throws ModelException {
        return IrReader.read(fixture(name), name).model();
    }

    private static Object json(String s) {
        return JsonText.parse(s);
    }

    private static int num(Object v) {
        return ((Number) v).intValue();
    }

    private static NodeState ok(Map<String, Object> params) {
        return new NodeState(1, Phase.Succeeded, params, Map.of(), null);
    }

    private static List<String> paths(PipelineEngine.Decisions d) {
        return d.launches().stream().map(l -> l.path() + "#" + l.attempt()).collect(Collectors.toList());
    }

    /** Echo-like behaviour: every component returns its input {@code msg}/{@code forced}, doubles {@code x}. */
    private static NodeState behave(PipelineEngine.Launch l) {
        Map<String, Object> p = l.parameters();
        switch (l.component()) {
            case "comp-flip-coin":
                return ok(Map.of("Output", p.get("forced")));
            case "comp-print":
                return ok(Map.of("Output", p.get("msg")));
            case "comp-make-list":
                return ok(Map.of("Output", json("[1, 2, 3]")));
            case "comp-double":
                return ok(Map.of("Output", (long) (num(p.get("x")) * 2)));
            case "comp-fail":
                return new NodeState(l.attempt(), Phase.Failed, Map.of(), Map.of(), "exit code 1");
            case "comp-flaky":
                return l.attempt() < 2 ? new NodeState(l.attempt(), Phase.Failed, Map.of(), Map.of(), "flaky")
                        : new NodeState(l.attempt(), Phase.Succeeded, Map.of("Output", "ok"), Map.of(), null);
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
        assertEquals("tails", sim.last.launches().get(0).parameters().get("forced"), "the default applies");
        sim.bucket.put("flip-coin", ok(Map.of("Output", "tails")));
        PipelineEngine.Decisions d = sim.evaluate();
        assertEquals(List.of("condition-branches-1/condition-3/print-tails#1"), paths(d));
        assertEquals(Phase.Skipped, d.phases().get("condition-branches-1/condition-2"));
        assertFalse(d.phases().containsKey("condition-branches-1/condition-2/print-heads"), "nothing below it is evaluated");
        sim.bucket.put("condition-branches-1/condition-3/print-tails", ok(Map.of("Output", "tails!")));
        d = sim.evaluate();
        assertEquals(List.of("print-result#1"), paths(d));
        assertEquals("tails!", d.launches().get(0).parameters().get("msg"));
        assertEquals(List.of("condition-branches-1/condition-3", "condition-branches-1"),
                d.completions().stream().map(PipelineEngine.Completion::path).toList(), "innermost first");
        assertEquals("tails!", d.completions().get(1).parameters()
                .get("pipelinechannel--condition-branches-1-oneof-1"));
        sim.apply(d, null);
        sim.bucket.put("print-result", ok(Map.of()));
        assertEquals(Phase.Succeeded, sim.evaluate().finish().orElseThrow());
        Map<String, Phase> tree = sim.tree();
        assertEquals(Phase.Skipped, tree.get("condition-branches-1/condition-2"));
        assertEquals(Phase.Succeeded, tree.get("condition-branches-1/condition-3/print-tails"));
    }

    @Test
    void headsRunsTheIfBranch() throws Exception {
        PipelineSim sim = new PipelineSim(model("condition.yaml"), Map.of("side", "heads"),
                PipelineEngineTest::behave);
        assertEquals(Phase.Succeeded, sim.run(null, null));
        List<String> ran = sim.launched.stream().map(PipelineEngine.Launch::path).toList();
        assertEquals(List.of("flip-coin", "condition-branches-1/condition-2/print-heads", "print-result"), ran);
        assertEquals("heads!", sim.launched.get(2).parameters().get("msg"));
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
                .map(l -> num(l.parameters().get("x"))).collect(Collectors.toSet());
        assertEquals(Set.of(5, 6), xs);
    }

    @Test
    void fanInCollectsInItemOrderWhateverOrderIterationsFinish() throws Exception {
        PipelineModel m = IrReader.read(fixture("loop_fanin.yaml").replace("parallelismLimit: 1", "parallelismLimit: 0"), "x").model();
        PipelineSim sim = new PipelineSim(m, Map.of(), PipelineEngineTest::behave);
        sim.bucket.put("make-list", ok(Map.of("Output", json("[1, 2, 3]"))));
        PipelineEngine.Decisions d = sim.evaluate();
        assertTrue(paths(d).containsAll(List.of("for-loop-1/0/double#1", "for-loop-1/1/double#1", "for-loop-1/2/double#1")));
        // the iterations finish last to first
        for (int i = 2; i >= 0; i--) {
            sim.bucket.put("for-loop-1/" + i + "/double", ok(Map.of("Output", (long) ((i + 1) * 2))));
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
        @SuppressWarnings("unchecked")
        Map<String, Object> status = (Map<String, Object>) exit.parameters().get("status");
        assertEquals("FAILED", status.get("state"));
        assertEquals("exit-handler-1", status.get("pipelineTaskName"));
        assertTrue(((Map<?, ?>) status.get("error")).get("message").toString().contains("exit code 1"), status.toString());
        assertTrue(status.get("pipelineJobResourceName").toString().startsWith("exit-retry-fixture-"));
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
        assertEquals((Object) 0.5, first.launches().get(1).parameters().get("lr"), "the sub-pipeline's default");
        assertEquals("s3://mlpipeline/data.csv", first.launches().get(0).parameters().get("uri"));
        assertEquals(Phase.Skipped, first.phases().get("for-loop-6/1/inner-pipeline/condition-1"));
        assertEquals(Phase.Succeeded, sim.run(null, null));
        List<PipelineEngine.Launch> uses = sim.launched.stream().filter(l -> l.component().equals("comp-use")).toList();
        assertEquals(8, uses.size());
        PipelineEngine.Launch one = uses.stream()
                .filter(l -> l.path().equals("for-loop-1/1/for-loop-5/0/for-loop-3/1/use")).findFirst().orElseThrow();
        assertEquals(1L, one.parameters().get("a"));
        assertEquals(20L, one.parameters().get("b"));
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
            {"condition.yaml", Map.of("side", "heads")},
            {"loop_fanin.yaml", Map.of()},
            {"exit_retry.yaml", Map.of()},
            {"nested.yaml", Map.of("rates", json("[0.3, 0, 0.1, 2]"))},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, Object> params = (Map<String, Object>) c[1];
            PipelineModel m = model((String) c[0]);
            PipelineSim reference = new PipelineSim(m, params, PipelineEngineTest::behave);
            Phase phase = reference.run(null, null);
            Map<String, Phase> tree = reference.tree();
            Set<String> launchedRef = new HashSet<>();
            reference.launched.forEach(l -> launchedRef.add(l.path() + "#" + l.attempt() + l.parameters() + l.artifacts()));
            // advanced per event with a memory and no lost writes: one walk (the start), the same run
            PipelineSim advanced = new PipelineSim(m, params, PipelineEngineTest::behave).incremental();
            assertEquals(phase, advanced.run(null, null), (String) c[0]);
            assertEquals(1, advanced.memory.walks, c[0] + ": only the start walks the run");
            assertEquals(tree, advanced.tree(), (String) c[0]);
            assertEquals(reference.launched, advanced.launched, (String) c[0]);
            for (int seed = 0; seed < 120; seed++) {
                // odd seeds: advanced per event with a memory, as the controller drives the engine
                PipelineSim sim = new PipelineSim(m, params, PipelineEngineTest::behave);
                if (seed % 2 == 1) {
                    sim.incremental();
                }
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
        PipelineModel m = IrReader.read(fixture("loop_fanin.yaml").replace("[\"v\"]", "[\"nope\"]"), "x").model();
        PipelineSim sim = new PipelineSim(m, Map.of(), PipelineEngineTest::behave);
        assertEquals(Phase.Failed, sim.run(null, null));
        NodeState s = sim.bucket.get("for-loop-2/0/double");
        assertEquals(Phase.Failed, s.phase());
        assertTrue(s.message().contains("no key 'nope'"), s.message());
        List<String> none = new ArrayList<>();
        sim.launched.stream().filter(l -> l.path().startsWith("for-loop-2")).forEach(l -> none.add(l.path()));
        assertEquals(List.of(), none);
    }

    /**
     * Advancing per event looks at the task's neighbourhood only: the lookups per event stay the
     * same from 100 to 5,000 tasks, for a chain, a wide fan-out/fan-in and random layers (a whole
     * evaluation per event looks at every task). Counted, not timed.
     */
    @Test
    void advancingLooksUpAboutTheSameNumberOfTasksPerEventWhateverTheRunsSize() throws Exception {
        for (String shape : List.of("chain", "fan", "layered")) {
            double small = lookupsPerEvent(shape, 100);
            double large = lookupsPerEvent(shape, 5_000);
            assertTrue(small <= 8 && large <= 8, shape + ": lookups per event " + small + " at 100 tasks, " + large + " at 5,000");
        }
    }

    private static double lookupsPerEvent(String shape, int tasks) throws ModelException {
        PipelineSim sim = new PipelineSim(PipelineEngineBenchmark.model(shape, tasks), Map.of(),
                l -> NodeState.attempt(l.attempt(), ExecutionPhase.Succeeded)).incremental();
        sim.apply(sim.evaluate(), null);
        int afterStart = sim.lookups;
        int events = 0;
        while (!sim.inFlight.isEmpty()) {
            PipelineEngine.Launch l = sim.inFlight.remove(0);
            sim.bucket.put(l.path(), sim.behaviour.apply(l));
            sim.apply(sim.event(l.path()), null);
            events++;
        }
        assertEquals(Phase.Succeeded, sim.last.finish().orElseThrow(), shape + " " + tasks);
        assertEquals(tasks, sim.launched.size());
        return (sim.lookups - afterStart) / (double) events;
    }
}
