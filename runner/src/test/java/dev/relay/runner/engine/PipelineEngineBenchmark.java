package dev.relay.runner.engine;

import dev.relay.runner.engine.model.Component;
import dev.relay.runner.engine.model.DagSpec;
import dev.relay.runner.engine.model.InputSource;
import dev.relay.runner.engine.model.ModelException;
import dev.relay.runner.engine.model.PipelineModel;
import dev.relay.runner.engine.model.TaskNode;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH: the decisions per event of {@link PipelineEngine} (the engine {@code RunController} drives
 * for every format), in events/s on one core, for DAGs of up to 10,000 tasks. One invocation
 * replays a whole run as the controller sees it: {@link PipelineEngine#evaluate} at the start, then
 * once per task status, each launched task succeeding in launch order (first launched, first
 * finished); the bucket is a map (the controller's status cache when every status is cached), so
 * this is the engine's own cost, without I/O. The score is whole runs/s: events/s is the score
 * times (tasks + 1).
 *
 * <p>Shapes: {@code chain} (each task after the previous one), {@code fan} (one root, tasks − 2
 * in parallel, one join), {@code layered} (layers of 100 tasks, each with 3 random parents in the
 * layer above; seeded). Modes: {@code advance} (the controller's way: per event, the task's
 * degree) and {@code walk} (a whole evaluation per event, whose cost grows with the number of
 * tasks in one DAG); the benchmark shows both side by side.
 *
 * <p>Run: {@code bench/engine.sh PipelineEngineBenchmark -p tasks=10000 -wi 1 -i 3}. Not a test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
@Threads(1)
public class PipelineEngineBenchmark {

    /** Tasks in the DAG. */
    @Param({"100", "1000", "10000"})
    public int tasks;

    @Param({"chain", "fan", "layered"})
    public String shape;

    /**
     * {@code advance}: as the controller drives it, {@link PipelineEngine#evaluate} with a memory at
     * the start, then {@link PipelineEngine#advance} per event; {@code walk}: a whole evaluation
     * per event (the reference, and what a sweep does).
     */
    @Param({"advance", "walk"})
    public String mode;

    private PipelineModel model;
    private final Map<String, NodeState> bucket = new HashMap<>();
    private static final NodeState SUCCEEDED = NodeState.attempt(1, ExecutionPhase.Succeeded);

    @Setup(Level.Trial)
    public void build() throws ModelException {
        model = model(shape, tasks);
    }

    /** One whole run: tasks + 1 evaluations; the decisions go to the blackhole. */
    @Benchmark
    public void run(Blackhole bh) {
        bucket.clear();
        ArrayDeque<String> inFlight = new ArrayDeque<>();
        java.util.function.Function<String, NodeState> lookup = p -> bucket.getOrDefault(p, NodeState.NONE);
        PipelineEngine.Memory memory = new PipelineEngine.Memory();
        boolean advance = mode.equals("advance");
        PipelineEngine.Decisions d = PipelineEngine.evaluate(model, "r-bench", Map.of(), lookup, memory);
        Set<String> launched = new java.util.HashSet<>();
        d.launches().forEach(l -> {
            if (launched.add(l.path())) {
                inFlight.add(l.path());
            }
        });
        while (!inFlight.isEmpty()) {
            String done = inFlight.poll();
            bucket.put(done, SUCCEEDED);
            d = advance ? PipelineEngine.advance(model, "r-bench", Map.of(), lookup, memory, done)
                    : PipelineEngine.evaluate(model, "r-bench", Map.of(), lookup);
            bh.consume(d);
            for (PipelineEngine.Launch l : d.launches()) {
                if (launched.add(l.path())) {
                    inFlight.add(l.path());
                }
            }
        }
        if (d.finish().isEmpty()) {
            throw new IllegalStateException("the run did not finish");
        }
    }

    /** A one-DAG pipeline of {@code n} executor tasks of one component. */
    static PipelineModel model(String shape, int n) throws ModelException {
        Map<String, Set<String>> deps = new LinkedHashMap<>();
        switch (shape) {
            case "chain" -> {
                for (int i = 0; i < n; i++) {
                    deps.put(key(i), i == 0 ? Set.of() : Set.of(key(i - 1)));
                }
            }
            case "fan" -> {
                deps.put(key(0), Set.of());
                Set<String> mids = new LinkedHashSet<>();
                for (int i = 1; i < n - 1; i++) {
                    deps.put(key(i), Set.of(key(0)));
                    mids.add(key(i));
                }
                deps.put(key(n - 1), mids);
            }
            case "layered" -> {
                Random rnd = new Random(42);
                for (int i = 0; i < n; i++) {
                    int layer = i / 100;
                    Set<String> up = new LinkedHashSet<>();
                    if (layer > 0) {
                        for (int k = 0; k < 3; k++) {
                            up.add(key((layer - 1) * 100 + rnd.nextInt(100)));
                        }
                    }
                    deps.put(key(i), up);
                }
            }
            default -> throw new IllegalArgumentException(shape);
        }
        Map<String, TaskNode> nodes = new LinkedHashMap<>();
        deps.forEach((k, up) -> nodes.put(k, new TaskNode(k, k, k, "step", up, Map.<String, InputSource>of(), null,
                false, null, null, false)));
        Component root = new Component("root", new DagSpec(nodes, Map.of(), Map.of()), Map.of(), null);
        Component step = new Component("step", null, Map.of(), "exec-step");
        return new PipelineModel("bench-" + shape + "-" + n, PipelineModel.FORMAT_IR, root, Map.of("root", root, "step", step), null);
    }

    private static String key(int i) {
        return String.format("t%05d", i);
    }
}
