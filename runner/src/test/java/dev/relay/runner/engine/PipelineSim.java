package dev.relay.runner.engine;

import dev.relay.runner.engine.model.PipelineModel;
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
 *
 * <p>{@link #incremental()} drives it as the controller does between sweeps: one
 * {@link PipelineEngine#advance} per attempt status event with a {@link PipelineEngine.Memory}, a
 * full evaluation at the start and whenever nothing is in flight (the sweep); a lost completion
 * write clears the memory, as the controller clears it when a write fails.
 */
final class PipelineSim {
    final PipelineModel model;
    final Map<String, Object> params;
    final Map<String, NodeState> bucket = new HashMap<>();
    final List<PipelineEngine.Launch> inFlight = new ArrayList<>();
    final List<PipelineEngine.Launch> launched = new ArrayList<>();
    final Function<PipelineEngine.Launch, NodeState> behaviour;
    int maxConcurrent;
    PipelineEngine.Decisions last;
    PipelineEngine.Memory memory;
    /** Lookups the engine made (every call of the lookup function). */
    int lookups;

    PipelineSim(PipelineModel model, Map<String, Object> params, Function<PipelineEngine.Launch, NodeState> behaviour) {
        this.model = model;
        this.params = params;
        this.behaviour = behaviour;
    }

    /** Advances with a memory (see the class comment). */
    PipelineSim incremental() {
        memory = new PipelineEngine.Memory();
        return this;
    }

    private NodeState read(String path) {
        lookups++;
        return bucket.getOrDefault(path, NodeState.NONE);
    }

    PipelineEngine.Decisions evaluate() {
        last = memory == null ? PipelineEngine.evaluate(model, "r-test", params, this::read)
                : PipelineEngine.evaluate(model, "r-test", params, this::read, memory);
        return last;
    }

    /** The event of a new attempt status of {@code path}. */
    PipelineEngine.Decisions event(String path) {
        if (memory == null) {
            return evaluate();
        }
        last = PipelineEngine.advance(model, "r-test", params, this::read, memory, path);
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
            } else if (memory != null) {
                memory.clear();
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
                apply(event(l.path()), rnd);
            }
        }
        return last.finish().orElseThrow();
    }

    Map<String, Phase> tree() {
        return new LinkedHashMap<>(PipelineEngine.tree(model, "r-test", params, p -> bucket.getOrDefault(p, NodeState.NONE)));
    }
}
