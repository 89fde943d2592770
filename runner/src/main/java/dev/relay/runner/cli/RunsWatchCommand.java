package dev.relay.runner.cli;

import dev.relay.runner.contract.RelayEnv;
import dev.relay.runner.local.Buckets;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.run.RunView;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relay runs watch RUN}: the run's task states, live, from the state dir: every task's
 * phase once, then one line per change ({@code task  Phase  attempt N}, without {@code attempt N}
 * before a task's first attempt), until the run has
 * finished; then the run's phase. With {@code --json}, one JSON line per change
 * ({@code {"task", "phase", "attempts"}}, the last {@code {"run", "phase", "finishedAt"}}).
 * Exit 0 when the run succeeded, 1 when it failed or was canceled or is unknown, 2 for a bad
 * argument or an unreadable state dir.
 */
@Command(name = "watch", mixinStandardHelpOptions = true, description = "Show a run's task states live until it ends.")
public final class RunsWatchCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.Mixin RunsCommand.StateOptions options = new RunsCommand.StateOptions();

    @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
    String runId;

    @Option(names = "--interval", paramLabel = "MS", description = "poll interval in milliseconds (default ${DEFAULT-VALUE})",
            defaultValue = "300")
    long intervalMs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            RunLayout.label(runId, "run id");
        } catch (IllegalArgumentException e) {
            err.println("relay runs watch: " + e.getMessage());
            err.flush();
            return 2;
        }
        if (intervalMs < 10) {
            err.println("relay runs watch: --interval must be at least 10 ms, got " + intervalMs);
            err.flush();
            return 2;
        }
        Path state = StateDirs.resolve(options.stateDir);
        try (Buckets.Open bucket = Buckets.open(RelayEnv.current(), state)) {
            return watch(bucket.store(), out, err);
        } catch (StoreException | IllegalStateException | java.io.UncheckedIOException e) {
            err.println("relay runs watch: " + e.getMessage());
            err.flush();
            return 2;
        }
    }

    private int watch(ArtifactStore store, PrintWriter out, PrintWriter err) throws InterruptedException {
        Map<String, String> seen = new HashMap<>();
        while (true) {
            Optional<RunView> view = RunView.load(store, runId);
            if (view.isEmpty()) {
                err.println("relay runs watch: no run '" + runId + "'");
                err.flush();
                return 1;
            }
            RunView v = view.get();
            for (RunView.TaskView t : v.tasks()) {
                String now = t.phase() + "/" + t.attempts();
                if (!now.equals(seen.put(t.name(), now))) {
                    if (options.json) {
                        Map<String, Object> line = new LinkedHashMap<>();
                        line.put("task", t.name());
                        line.put("phase", t.phase());
                        line.put("attempts", t.attempts());
                        out.println(new String(Json.bytes(line), java.nio.charset.StandardCharsets.UTF_8));
                    } else {
                        // no attempt number before the first attempt (a pending or skipped task, a DAG task)
                        out.println(String.format("%-24s %-9s%s%s", t.name(), t.phase(), t.attempts() == 0 ? "" : " attempt " + t.attempts(),
                                t.exitCode() == null ? "" : "  exit " + t.exitCode()).stripTrailing());
                    }
                }
            }
            out.flush();
            if (v.finishedAt() != null) {
                if (options.json) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("run", v.runId());
                    line.put("phase", v.phase());
                    line.put("finishedAt", v.finishedAt());
                    out.println(new String(Json.bytes(line), java.nio.charset.StandardCharsets.UTF_8));
                } else {
                    out.printf("run %s %s at %s%n", v.runId(), v.phase(), v.finishedAt());
                }
                out.flush();
                return v.phase() == Phase.Succeeded ? 0 : 1;
            }
            Thread.sleep(intervalMs);
        }
    }
}
