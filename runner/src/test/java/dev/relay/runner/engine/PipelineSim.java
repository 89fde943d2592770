package dev.relay.runner.engine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.model.PipelineModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Drives {@link PipelineEngine} the way the controller does, with an in-memory bucket: each
 * launched attempt later writes a status (what {@code behaviour} says), each decided completion is
 * written as a task status. With a {@link Random}, attempts finish in random order, every
 * evaluation is repeated (duplicate events) and completion writes may be lost (the engine must
 * decide them again).
 */
final class PipelineSim {
    final PipelineModel model;
    final Map<String, JsonNode> params;
    final Map<String, NodeState> bucket = new HashMap<>();
    final List<PipelineEngine.Launch> inFlight = new ArrayList<>();
    final List<PipelineEngine.Launch> launched = new ArrayList<>();
    final Function<PipelineEngine.Launch, NodeState> behaviour;
    int maxConcurrent;
    PipelineEngine.Decisions last;

    PipelineSim(PipelineModel model, Map<String, JsonNode> params, Function<PipelineEngine.Launch, NodeState> behaviour) {
        this.model = model;
        this.params = params;
        this.behaviour = behaviour;
    }

    PipelineEngine.Decisions evaluate() {
        last = PipelineEngine.evaluate(model, "r-test", params, p -> bucket.getOrDefault(p, NodeState.NONE));
        return last;
    }

    /** Applies decisions: new launches go in flight (a launch already in flight is idempotent). */
    void apply(PipelineEngine.Decisions d, Random rnd) {
        for (PipelineEngine.Launch l : d.launches()) {
            boolean dup = inFlight.stream().anyMatch(f -> f.path().equals(l.path()) && f.attempt() == l.attempt());
            NodeState s = bucket.getOrDefault(l.path(), NodeState.NONE);
            if (s.attempt() >= l.attempt()) {
                throw new AssertionError("relaunched " + l.path() + " #" + l.attempt() + " after its status " + s);
            }
            if (!dup) {
                inFlight.add(l);
                launched.add(l);
            }
        }
        for (PipelineEngine.Completion c : d.completions()) {
            if (rnd == null || rnd.nextInt(3) > 0) {
                bucket.put(c.path(), c.state());
            }
        }
    }

    /** Runs to the end; returns the run's phase. */
    Phase run(Random rnd, Function<List<PipelineEngine.Launch>, Integer> concurrency) {
        apply(evaluate(), rnd);
        int guard = 0;
        while (last.finish().isEmpty()) {
            if (++guard > 10_000) {
                throw new AssertionError("no progress; in flight " + inFlight);
            }
            if (concurrency != null) {
                maxConcurrent = Math.max(maxConcurrent, concurrency.apply(inFlight));
            }
            if (inFlight.isEmpty()) {
                apply(evaluate(), rnd); // completions lost: decided again
                if (inFlight.isEmpty() && last.finish().isEmpty() && last.completions().isEmpty()) {
                    throw new AssertionError("stuck: nothing in flight and no finish; phases " + last.phases());
                }
                continue;
            }
            PipelineEngine.Launch l = inFlight.remove(rnd == null ? 0 : rnd.nextInt(inFlight.size()));
            bucket.put(l.path(), behaviour.apply(l));
            int events = rnd == null ? 1 : 1 + rnd.nextInt(2);
            for (int i = 0; i < events; i++) {
                apply(evaluate(), rnd);
            }
        }
        return last.finish().orElseThrow();
    }

    Map<String, Phase> tree() {
        return new LinkedHashMap<>(PipelineEngine.tree(model, "r-test", params, p -> bucket.getOrDefault(p, NodeState.NONE)));
    }
}
