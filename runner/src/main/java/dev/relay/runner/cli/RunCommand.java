package dev.relay.runner.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.eventing.s3.S3Record;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.index.ObjectIndexer;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.launch.LocalLauncher;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.pipeline.PythonPipeline;
import dev.relay.runner.pipeline.V2HostCheck;
import dev.relay.runner.run.RunRequestException;
import dev.relay.runner.run.RunService;
import dev.relay.runner.contract.RunStatus;
import dev.relay.runner.run.RunView;
import java.util.List;
import dev.relay.runner.spec.SpecException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relay run FILE [-p NAME=VALUE]... [--json] [--state-dir DIR]}: runs a pipeline (or a lone
 * component) on the embedded default and waits for its end. Exit 0 if the run succeeded, 1 if it
 * failed, 2 if it could not start (invalid file, unknown or missing parameter). With
 * {@code --json}, stdout holds exactly {@code {"runId","phase","tasks":[{"name","phase","exitCode","outputs"}]}}
 * (on exit 2 the error document of {@link ErrorDocument}) and progress goes to stderr (docs/contracts.md "CLI"). Every object the run writes is indexed into the
 * state dir's index as it is written ({@link ObjectIndexer}, on a thread of its own: {@link IndexFeed}), so {@code relay runs list} shows the run.
 */
@Command(name = "run", description = "Run a KFP pipeline or component on the embedded default and wait for it.")
public final class RunCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "pipeline (KFP v1 graph component, KFP v2 IR .yaml/.json) or component.yaml")
    Path file;

    @Option(names = "--resume", paramLabel = "RUN",
            description = "continue run RUN of the state dir, whose relay run or server died: lost tasks run again")
    String resume;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
            description = "pipeline parameter; for a file input: VALUE is the content, @PATH a local file or directory, s3://... an object")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--json", description = "print one JSON document on stdout; progress to stderr")
    boolean json;

    @Option(names = "--no-cache", description = "run every task: no KFP v2 task reads or fills the execution cache")
    boolean noCache;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "embedded state (default: $RELAY_STATE_DIR or .relay)")
    Path stateDir;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    /** stdout and stderr when the command runs without picocli ({@link QuickRun}); else the command line's. */
    java.io.PrintWriter stdout;
    java.io.PrintWriter stderr;

    private java.io.PrintWriter stdout() {
        return stdout != null ? stdout : spec.commandLine().getOut();
    }

    private java.io.PrintWriter stderr() {
        return stderr != null ? stderr : spec.commandLine().getErr();
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(new WriterStream(stdout()), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new WriterStream(stderr()), true, StandardCharsets.UTF_8);
        PrintStream progress = json ? err : out;
        if (resume != null) {
            if (file != null) {
                return stop(err, List.of("relay: give either FILE or --resume RUN, not both"));
            }
            try {
                RunLayout.label(resume, "run id");
            } catch (IllegalArgumentException e) {
                return stop(err, List.of("relay: " + e.getMessage()));
            }
            return follow(StateDirs.resolve(stateDir), resume, "resume", out, err);
        }
        if (file == null) {
            return stop(err, List.of("relay: missing FILE (or --resume RUN)"));
        }
        String notFile = InputFiles.problem(file);
        if (notFile != null) {
            return stop(err, List.of("relay: " + file + ": " + notFile));
        }
        if (PythonPipeline.isPython(file)) {
            // a KFP v2 pipeline in Python: compiled with the user's own KFP SDK into the state dir
            Path yaml = StateDirs.resolve(stateDir).resolve("compiled")
                    .resolve(file.getFileName().toString().replaceFirst("\\.py$", ".yaml"));
            try {
                PythonPipeline.Result compiled = PythonPipeline.compile(file, yaml, null, System.getenv());
                progress.println("relay: compiled " + compiled.pipeline() + " of " + file + " to " + yaml);
                file = yaml;
            } catch (PythonPipeline.CompileException e) {
                return stop(err, List.of("relay: " + e.getMessage()));
            }
        }
        RunService.Prepared prepared;
        try {
            prepared = RunService.prepare(file);
            RunService.checkParameters(prepared.plan(), params);
        } catch (SpecException e) {
            return stop(err, e.errors().stream().map(Object::toString).toList());
        } catch (RunRequestException e) {
            return stop(err, List.of(file + ": " + e.getMessage()));
        }
        if (prepared.plan().isIr()) {
            List<String> why = V2HostCheck.of(System.getenv()).problems(prepared.plan().model(), params);
            if (!why.isEmpty()) {
                List<String> lines = new java.util.ArrayList<>();
                lines.add(file + ": this host cannot run the pipeline (nothing was launched):");
                why.forEach(w -> lines.add("  " + w));
                lines.add("  run it on a cluster (relay deploy), or where the missing things are at hand");
                return stop(err, lines);
            }
        }
        Path state = StateDirs.resolve(stateDir);
        Instant t0 = Instant.now();
        CompletableFuture<RunStatus> done = new CompletableFuture<>();
        LaunchListener listener = listener(progress, done);
        // the index opens (H2, Flyway when behind) on its own thread while the run starts: never on its critical path
        IndexFeed index = new IndexFeed(state, err);
        EmbeddedRuntime started;
        try {
            started = EmbeddedRuntime.start(state, 0, listener);
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
        try (index; EmbeddedRuntime rt = started) {
            String runId = rt.runs().newRunId();
            watch(rt, index, runId, progress, done);
            RunDoc doc;
            try {
                doc = rt.runs().submit(runId, prepared, params, RunDoc.Cause.cli(), !noCache);
            } catch (RunRequestException e) {
                return stop(err, List.of(file + ": " + e.getMessage()));
            }
            progress.printf("relay: run %s of %s (%d task%s; state %s)%n", runId, doc.pipeline().name(),
                    prepared.plan().taskNames().size(), prepared.plan().taskNames().size() == 1 ? "" : "s", state);
            if (doc.warnings() != null) {
                doc.warnings().forEach(w -> err.println("relay: warning: " + w));
            }
            return await(rt, done, t0, out, err, progress);
        }
    }

    /**
     * {@code relay run --resume RUN} and {@code relay runs retry RUN}: starts the run's next
     * generation on this state dir (lost or failed tasks run again, in this process) and waits for
     * its end like a run. Exit 0 if it ends Succeeded, 1 otherwise, 2 when there is nothing to
     * resume or retry (no such run, a run still running or already succeeded).
     */
    int follow(Path state, String runId, String action, PrintStream out, PrintStream err) throws InterruptedException {
        PrintStream progress = json ? err : out;
        Instant t0 = Instant.now();
        CompletableFuture<RunStatus> done = new CompletableFuture<>();
        IndexFeed index = new IndexFeed(state, err);
        EmbeddedRuntime started;
        try {
            started = EmbeddedRuntime.start(state, 0, listener(progress, done));
        } catch (RuntimeException e) {
            index.close();
            throw e;
        }
        try (index; EmbeddedRuntime rt = started) {
            watch(rt, index, runId, progress, done);
            dev.relay.runner.recovery.RunRetry.Result r;
            try {
                Optional<dev.relay.runner.recovery.RunRetry.Result> res = action.equals("retry")
                        ? rt.recovery().retry().retry(runId) : rt.recovery().retry().resume(runId);
                if (res.isEmpty()) {
                    return stop(err, List.of("relay: no run '" + runId + "' in " + state));
                }
                r = res.get();
            } catch (IllegalStateException e) {
                return stop(err, List.of("relay: " + e.getMessage()));
            }
            progress.printf("relay: %s run %s (generation %d%s; state %s)%n", action, runId, r.generation(),
                    r.tasks().isEmpty() ? "" : ", again: " + String.join(", ", r.tasks().keySet()), state);
            // the run may have ended while it was driven, before the watcher saw a notification
            rt.recovery().generations().status(runId).ifPresent(st -> index.after(() -> done.complete(st)));
            return await(rt, done, t0, out, err, progress);
        }
    }

    /** Progress lines, and the end of the wait when the store cannot take an execution's status. */
    private static LaunchListener listener(PrintStream progress, CompletableFuture<RunStatus> done) {
        return new LaunchListener() {
            @Override
            public void started(ExecutionRequest r) {
                progress.printf("  %-20s Running%s%n", r.task(), r.attempt() > 1 ? " (attempt " + r.attempt() + ")" : "");
            }

            @Override
            public void line(ExecutionRequest r, String line) {
                progress.println("[" + r.task() + "] " + line);
            }

            @Override
            public void storeUnavailable(ExecutionRequest r, String message) {
                done.completeExceptionally(new IllegalStateException(message));
            }
        };
    }

    /**
     * Indexes the run's objects and completes {@code done} with the status its current generation
     * ends with, once the objects notified before that status are indexed.
     */
    private static void watch(EmbeddedRuntime rt, IndexFeed index, String runId, PrintStream progress,
                              CompletableFuture<RunStatus> done) {
        index.attach(rt); // first observer: the index sees each object before the watcher below
        Consumer<S3Record> watcher = rec -> RunLayout.parse(rec.key()).filter(k -> runId.equals(k.runId())).ifPresent(k -> {
            if (k.kind() == RunLayout.Kind.ATTEMPT_STATUS) {
                AttemptStatus s = rt.controller().status(runId, k.task(), k.attempt());
                String d = duration(s);
                progress.printf("  %-20s %s%s%s%s%n", k.task(), s.phase(), s.isCached() ? " (cached)" : "", d.isEmpty() ? "" : "  " + d,
                        s.reason() == null ? "" : "  (" + s.reason() + ": " + s.message() + ")");
                if (s.phase() != dev.relay.runner.engine.ExecutionPhase.Succeeded) {
                    // a cancel from another process ends the run without a notification here
                    rt.recovery().generations().status(runId).ifPresent(st -> index.after(() -> done.complete(st)));
                }
            } else if (k.kind() == RunLayout.Kind.RUN_STATUS) {
                // an earlier generation's status (a retried run) is not the end of this wait
                rt.recovery().generations().status(runId).ifPresent(st -> index.after(() -> done.complete(st)));
            }
        });
        rt.addObserver(watcher);
    }

    /** Waits for the run's end and reports it. */
    private int await(EmbeddedRuntime rt, CompletableFuture<RunStatus> done, Instant t0, PrintStream out, PrintStream err,
                      PrintStream progress) throws InterruptedException {
        RunStatus status;
        try {
            status = done.get();
        } catch (ExecutionException e) {
            String msg = "relay: " + e.getCause().getMessage();
            err.println(msg);
            if (json) {
                ErrorDocument.print(stdout(), List.of(msg));
            }
            return 1;
        }
        status.tasks().forEach((task, phase) -> {
            if (phase == Phase.Skipped) {
                progress.printf("  %-20s Skipped%n", task);
            }
        });
        return report(rt, status, Duration.between(t0, Instant.now()), out, err);
    }

    /** Exit 2 before launch: the messages on stderr and, with {@code --json}, the error document on stdout. */
    private int stop(PrintStream err, List<String> messages) {
        messages.forEach(err::println);
        if (json) {
            ErrorDocument.print(stdout(), messages);
        }
        return 2;
    }

    private int report(EmbeddedRuntime rt, RunStatus status, Duration took, PrintStream out, PrintStream err) {
        String runId = status.runId();
        RunView view = RunView.load(rt.store(), runId).orElseThrow(() -> new IllegalStateException("run " + runId + " vanished"));
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("runId", runId);
        doc.put("phase", view.phase().name());
        ArrayNode tasks = doc.putArray("tasks");
        StringBuilder outputs = new StringBuilder();
        for (RunView.TaskView t : view.tasks()) {
            ObjectNode node = tasks.addObject();
            node.put("name", t.name());
            node.put("phase", t.phase().name());
            if (t.exitCode() == null) {
                node.putNull("exitCode");
            } else {
                node.put("exitCode", t.exitCode());
            }
            ObjectNode o = node.putObject("outputs");
            t.outputs().forEach((name, uri) -> {
                o.put(name, uri);
                outputs.append(String.format("  %s.%s: %s%n", t.name(), name, uri));
            });
            if (t.phase() == Phase.Failed && t.attempts() == 0) {
                continue; // a DAG task (group, loop) failed because a task in it failed: that one is reported
            }
            if (t.phase() == Phase.Failed) {
                err.printf("task '%s' failed (attempt %d): %s: %s%n", t.name(), t.attempts(), t.reason(), t.message());
                String logKey = RunLayout.attemptLog(runId, t.name(), t.attempts());
                List<String> tail = LocalLauncher.tail(text(rt, logKey), LocalLauncher.tailLines());
                if (!tail.isEmpty()) {
                    err.println("  last log lines (" + rt.store().uri(logKey) + "):");
                    tail.forEach(l -> err.println("  | " + l));
                }
            }
        }
        PrintStream human = json ? err : out;
        if (view.message() != null) {
            doc.put("message", view.message());
            err.println("run " + runId + ": " + view.message());
        }
        human.printf("run %s %s in %.1fs%n", runId, view.phase(), took.toMillis() / 1000.0);
        if (outputs.length() > 0) {
            human.print("outputs:\n" + outputs);
        }
        List<RunView.TaskView> ran = view.tasks().stream().filter(t -> t.attempts() > 0).toList();
        RunView.TaskView last = ran.isEmpty() ? null : ran.get(ran.size() - 1);
        if (!json && last != null && last.phase() == Phase.Succeeded) {
            out.println("output of " + last.name() + ":");
            text(rt, RunLayout.attemptLog(runId, last.name(), last.attempts())).lines().forEach(l -> out.println("  " + l));
        }
        if (json) {
            out.println(Json.pretty(doc));
        }
        return view.phase() == Phase.Succeeded ? 0 : 1;
    }

    private static String text(EmbeddedRuntime rt, String key) {
        return rt.store().get(key).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
    }

    private static String duration(AttemptStatus s) {
        try {
            Duration d = Duration.between(Instant.parse(s.startedAt()), Instant.parse(s.finishedAt()));
            return String.format("%.2fs", d.toMillis() / 1000.0);
        } catch (RuntimeException e) {
            return "";
        }
    }
}
