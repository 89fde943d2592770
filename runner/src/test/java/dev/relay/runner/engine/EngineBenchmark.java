package dev.relay.runner.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * JMH: the engine's decisions per event (events/s on one core) for a 10,000-task DAG. One
 * invocation replays a whole run: {@link Engine#start}, then one {@link Engine#advance} per task
 * as each task succeeds in the order it was launched (first launched, first finished), with
 * the statuses in a map as the controller's cache holds them. The score is per event
 * (each invocation replays 10,000 / {@code tasks} runs: 10,000 events), so a flat score across
 * {@code tasks} means a flat per-step cost.
 *
 * <p>Shapes: {@code chain} (each task after the previous one), {@code fan} (one root, tasks − 2
 * in parallel, one join), {@code layered} (layers of 100 tasks, each with 3 random parents in
 * the layer above; seeded).
 *
 * <p>Run: {@code bench/engine.sh} (or {@code java -cp <runner test classpath> org.openjdk.jmh.Main EngineBenchmark}).
 * Not a test: it asserts nothing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class EngineBenchmark {

    /** Tasks in the DAG; an invocation replays 10,000 / tasks runs, so always 10,000 events. */
    @Param({"100", "1000", "10000"})
    public int tasks;

    @Param({"chain", "fan", "layered"})
    public String shape;

    private Dag dag;
    private final Map<String, TaskStatus> statuses = new HashMap<>();

    @Setup(Level.Trial)
    public void build() {
        dag = dag(shape, tasks);
    }

    /** Replays whole runs, 10,000 events in all; decisions go to the blackhole. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void events(Blackhole bh) {
        for (int run = 0; run < EVENTS / tasks; run++) {
            wholeRun(bh);
        }
    }

    /** Events per invocation of {@link #events}. */
    static final int EVENTS = 10_000;

    private void wholeRun(Blackhole bh) {
        statuses.clear();
        java.util.function.Function<String, TaskStatus> lookup = t -> statuses.getOrDefault(t, TaskStatus.NONE);
        // first launched, first finished: the order a run's steps mostly finish in
        ArrayDeque<String> ready = new ArrayDeque<>();
        Decisions d = Engine.start(dag, lookup);
        bh.consume(d);
        for (Decisions.Launch l : d.launches()) {
            statuses.put(l.task(), TaskStatus.of(l.attempt(), ExecutionPhase.Running));
            ready.add(l.task());
        }
        int events = 0;
        while (!ready.isEmpty()) {
            String t = ready.poll();
            statuses.put(t, TaskStatus.of(1, ExecutionPhase.Succeeded));
            d = Engine.advance(dag, t, lookup);
            events++;
            bh.consume(d);
            for (Decisions.Launch l : d.launches()) {
                statuses.put(l.task(), TaskStatus.of(l.attempt(), ExecutionPhase.Running));
                ready.add(l.task());
            }
        }
        if (events != tasks) {
            throw new IllegalStateException("replayed " + events + " events for " + tasks + " tasks");
        }
    }

    /** The DAG of one shape with {@code n} tasks (ids zero-padded so that lexical order is creation order). */
    static Dag dag(String shape, int n) {
        SimpleDag.Builder b = SimpleDag.builder();
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(String.format("t%05d", i));
            b.task(ids.get(i));
        }
        switch (shape) {
            case "chain" -> {
                for (int i = 1; i < n; i++) {
                    b.edge(ids.get(i - 1), ids.get(i));
                }
            }
            case "fan" -> {
                for (int i = 1; i < n - 1; i++) {
                    b.edge(ids.get(0), ids.get(i));
                    b.edge(ids.get(i), ids.get(n - 1));
                }
            }
            case "layered" -> {
                Random r = new Random(42);
                int width = 100;
                for (int i = width; i < n; i++) {
                    int layerStart = (i / width - 1) * width;
                    for (int k = 0; k < 3; k++) {
                        b.edge(ids.get(layerStart + r.nextInt(width)), ids.get(i));
                    }
                }
            }
            default -> throw new IllegalArgumentException("shape must be chain, fan or layered, not " + shape);
        }
        return b.build();
    }
}
