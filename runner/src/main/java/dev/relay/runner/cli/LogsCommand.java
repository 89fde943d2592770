package dev.relay.runner.cli;

import dev.relay.runner.contract.RelayEnv;
import dev.relay.runner.local.Buckets;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.run.RunLogs;
import dev.relay.runner.run.RunView;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relay logs RUN [TASK] [-f]}: a run's task logs from the state dir, through
 * {@link RunLogs} (the running attempt's growing work-dir log, else the newest attempt's stored
 * {@code log.txt}), the same reader as the API's {@code /apis/v2beta1/runs/{id}/tasks/{task}/logs}.
 * One task: its log as written. Every task (no TASK): each line prefixed {@code [task] }, tasks in
 * the pipeline's order. {@code -f} follows until the run has finished and every log is read.
 * Exit 0, 1 for an unknown run or task, 2 for a bad argument or an unreadable state dir.
 */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Print (or follow with -f) a run's task logs.")
public final class LogsCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
    String runId;

    @Parameters(index = "1", paramLabel = "TASK", arity = "0..1", description = "a task's name or path (a/0/b); default: every task")
    String task;

    @Option(names = {"-f", "--follow"}, description = "keep printing as the tasks write, until the run ends")
    boolean follow;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "embedded state (default: $RELAY_STATE_DIR or .relay)")
    Path stateDir;

    /** Poll interval while following, in milliseconds. */
    static final long POLL_MS = 200;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            RunLayout.label(runId, "run id");
            if (task != null) {
                RunLayout.path(task);
            }
        } catch (IllegalArgumentException e) {
            err.println("relay logs: " + e.getMessage());
            err.flush();
            return 2;
        }
        Path state = StateDirs.resolve(stateDir);
        try (Buckets.Open bucket = Buckets.open(RelayEnv.current(), state)) {
            return print(bucket.store(), new RunLogs(bucket.store(), state.resolve("work")), out, err);
        } catch (StoreException | IllegalStateException | java.io.UncheckedIOException e) {
            err.println("relay logs: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private int print(ArtifactStore store, RunLogs logs, PrintWriter out, PrintWriter err) throws InterruptedException {
        Optional<RunView> view = RunView.load(store, runId);
        if (view.isEmpty()) {
            err.println("relay logs: no run '" + runId + "'");
            err.flush();
            return 1;
        }
        List<String> tasks = new ArrayList<>();
        if (task != null) {
            if (view.get().task(task).isEmpty() && store.list(RunLayout.taskPrefix(runId, task), true).isEmpty()) {
                err.println("relay logs: run '" + runId + "' has no task '" + task + "'; its tasks: "
                        + view.get().tasks().stream().map(RunView.TaskView::name).toList());
                err.flush();
                return 1;
            }
            tasks.add(task);
        } else {
            view.get().tasks().forEach(t -> tasks.add(t.name()));
        }
        Map<String, Long> offsets = new LinkedHashMap<>();
        Map<String, StringBuilder> partial = new LinkedHashMap<>();
        tasks.forEach(t -> offsets.put(t, 0L));
        while (true) {
            boolean more = false;
            for (String t : tasks) {
                RunLogs.Chunk c = logs.read(runId, t, offsets.get(t));
                more |= c.nextOffset() > offsets.get(t);
                offsets.put(t, c.nextOffset());
                emit(out, t, c.text(), partial);
            }
            out.flush();
            if (more) {
                continue; // drain what is there before deciding to wait
            }
            if (!follow || RunView.load(store, runId).map(v -> v.finishedAt() != null).orElse(true)) {
                if (follow) {
                    // the run ended: one last pass picks up logs stored at the very end
                    for (String t : tasks) {
                        RunLogs.Chunk c = logs.read(runId, t, offsets.get(t));
                        emit(out, t, c.text(), partial);
                    }
                }
                partial.forEach((t, b) -> {
                    if (b.length() > 0) {
                        out.println(prefix(t) + b);
                    }
                });
                out.flush();
                return 0;
            }
            Thread.sleep(POLL_MS);
        }
    }

    /** Prints whole lines (prefixed when every task is shown); keeps a trailing partial line for later. */
    private void emit(PrintWriter out, String t, String text, Map<String, StringBuilder> partial) {
        if (text.isEmpty()) {
            return;
        }
        if (task != null) {
            out.print(text);
            return;
        }
        StringBuilder b = partial.computeIfAbsent(t, k -> new StringBuilder()).append(text);
        int nl;
        while ((nl = b.indexOf("\n")) >= 0) {
            out.println(prefix(t) + b.substring(0, nl));
            b.delete(0, nl + 1);
        }
    }

    private String prefix(String t) {
        return task != null ? "" : "[" + t + "] ";
    }
}
