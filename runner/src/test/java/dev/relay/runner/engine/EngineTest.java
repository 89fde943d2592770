package dev.relay.runner.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class EngineTest {
    private final Map<String, TaskStatus> bucket = new HashMap<>();
    private final Function<String, TaskStatus> lookup = t -> bucket.getOrDefault(t, TaskStatus.NONE);

    private static Dag seed() {
        return SimpleDag.builder().edge("gen", "sum").edge("sum", "print").build();
    }

    private static List<String> launched(Decisions d) {
        List<String> out = new ArrayList<>();
        d.launches().forEach(l -> out.add(l.task() + "#" + l.attempt()));
        return out;
    }

    @Test
    void startLaunchesOnlyRoots() {
        Dag dag = SimpleDag.builder().edge("a", "c").edge("b", "c").task("d").build();
        assertEquals(List.of("a#1", "b#1", "d#1"), launched(Engine.start(dag, lookup)));
    }

    @Test
    void emptyPipelineFinishesAtOnce() {
        Decisions d = Engine.start(SimpleDag.builder().build(), lookup);
        assertEquals(Phase.Succeeded, d.finish().orElseThrow().phase());
    }

    @Test
    void seedChainRunsInOrderAndSucceeds() {
        Dag dag = seed();
        assertEquals(List.of("gen#1"), launched(Engine.start(dag, lookup)));
        bucket.put("gen", TaskStatus.of(1, ExecutionPhase.Succeeded));
        assertEquals(List.of("sum#1"), launched(Engine.advance(dag, "gen", lookup)));
        bucket.put("sum", TaskStatus.of(1, ExecutionPhase.Succeeded));
        assertEquals(List.of("print#1"), launched(Engine.advance(dag, "sum", lookup)));
        bucket.put("print", TaskStatus.of(1, ExecutionPhase.Succeeded));
        Decisions last = Engine.advance(dag, "print", lookup);
        assertTrue(last.launches().isEmpty());
        assertEquals(Phase.Succeeded, last.finish().orElseThrow().phase());
    }

    @Test
    void fanInWaitsForEveryUpstream() {
        Dag dag = SimpleDag.builder().edge("a", "c").edge("b", "c").build();
        bucket.put("a", TaskStatus.of(1, ExecutionPhase.Succeeded));
        Decisions d = Engine.advance(dag, "a", lookup);
        assertTrue(d.isEmpty(), "c must wait for b: " + d);
        bucket.put("b", TaskStatus.of(1, ExecutionPhase.Succeeded));
        assertEquals(List.of("c#1"), launched(Engine.advance(dag, "b", lookup)));
        // the late duplicate of a's event now also sees b done: launching c again is idempotent
        // downstream, but a task that already has a status is never relaunched
        bucket.put("c", TaskStatus.of(1, ExecutionPhase.Succeeded));
        Decisions again = Engine.advance(dag, "a", lookup);
        assertTrue(again.launches().isEmpty());
        assertEquals(Phase.Succeeded, again.finish().orElseThrow().phase());
    }

    @Test
    void failureSkipsDownstreamAndFailsRunAfterSiblingsEnd() {
        Dag dag = SimpleDag.builder().edge("a", "b").edge("b", "c").task("side").build();
        bucket.put("a", TaskStatus.of(1, ExecutionPhase.Failed));
        Decisions d = Engine.advance(dag, "a", lookup);
        assertTrue(d.isEmpty(), "side is still running: " + d);
        bucket.put("side", TaskStatus.of(1, ExecutionPhase.Succeeded));
        Decisions end = Engine.advance(dag, "side", lookup);
        Decisions.RunFinish f = end.finish().orElseThrow();
        assertEquals(Phase.Failed, f.phase());
        assertEquals(Map.of("a", Phase.Failed, "b", Phase.Skipped, "c", Phase.Skipped, "side", Phase.Succeeded),
                f.tasks());
    }

    @Test
    void retriesUntilBudgetThenFails() {
        Dag dag = SimpleDag.builder().task("t", 2).build();
        bucket.put("t", TaskStatus.of(1, ExecutionPhase.Failed));
        assertEquals(List.of("t#2"), launched(Engine.advance(dag, "t", lookup)));
        bucket.put("t", TaskStatus.of(2, ExecutionPhase.Failed));
        assertEquals(List.of("t#3"), launched(Engine.advance(dag, "t", lookup)));
        bucket.put("t", TaskStatus.of(3, ExecutionPhase.Failed));
        assertEquals(Phase.Failed, Engine.advance(dag, "t", lookup).finish().orElseThrow().phase());
    }

    @Test
    void retryThatSucceedsLetsTheRunSucceed() {
        Dag dag = SimpleDag.builder().task("t", 2).edge("t", "u").build();
        bucket.put("t", TaskStatus.of(3, ExecutionPhase.Succeeded));
        assertEquals(List.of("u#1"), launched(Engine.advance(dag, "t", lookup)));
    }

    @Test
    void unknownTaskIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Engine.advance(seed(), "nope", lookup));
    }

    /**
     * Exhaustive in spirit: random DAGs, every event delivered twice in shuffled order, with the
     * bucket only growing. Each task is launched at attempt 1 at most once among the decisions
     * that found it without status, and the run finishes exactly when every task succeeded.
     */
    @Test
    void randomDagsWithDuplicatedShuffledEventsLaunchEachTaskAndFinish() {
        Random rnd = new Random(42);
        for (int round = 0; round < 200; round++) {
            bucket.clear();
            int n = 1 + rnd.nextInt(12);
            SimpleDag.Builder b = SimpleDag.builder();
            for (int i = 0; i < n; i++) {
                b.task("t" + i);
                for (int j = 0; j < i; j++) {
                    if (rnd.nextInt(4) == 0) {
                        b.edge("t" + j, "t" + i);
                    }
                }
            }
            Dag dag = b.build();
            List<String> pending = new ArrayList<>();
            Set<String> launchedOnce = new HashSet<>();
            Decisions first = Engine.start(dag, lookup);
            first.launches().forEach(l -> pending.add(l.task()));
            launchedOnce.addAll(pending);
            Decisions.RunFinish finish = null;
            while (!pending.isEmpty()) {
                Collections.shuffle(pending, rnd);
                String t = pending.remove(0);
                bucket.put(t, TaskStatus.of(1, ExecutionPhase.Succeeded));
                List<String> events = new ArrayList<>(List.of(t, t));
                for (String ev : events) {
                    Decisions d = Engine.advance(dag, ev, lookup);
                    for (Decisions.Launch l : d.launches()) {
                        if (launchedOnce.add(l.task())) {
                            pending.add(l.task());
                        }
                    }
                    if (d.finish().isPresent()) {
                        finish = d.finish().get();
                    }
                }
            }
            assertEquals(new HashSet<>(dag.tasks()), launchedOnce, "round " + round + " " + dag);
            assertEquals(Phase.Succeeded, finish == null ? null : finish.phase(), "round " + round);
        }
    }
}
