package dev.relay.runner.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.eventing.s3.S3Record;
import dev.relay.runner.engine.Phase;
import dev.relay.runner.launch.ExecutionRequest;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.launch.LocalLauncher;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.run.AttemptStatus;
import dev.relay.runner.run.Json;
import dev.relay.runner.run.RunDoc;
import dev.relay.runner.run.RunLayout;
import dev.relay.runner.run.RunRequestException;
import dev.relay.runner.run.RunService;
import dev.relay.runner.run.RunStatus;
import dev.relay.runner.spec.SpecException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relay run FILE [-p NAME=VALUE]... [--json] [--state-dir DIR]}: runs a pipeline (or a lone
 * component) on the embedded default and waits for its end. Exit 0 if the run succeeded, 1 if it
 * failed, 2 if it could not start (invalid file, unknown or missing parameter). With
 * {@code --json}, stdout holds exactly {@code {"runId","phase","tasks":[{"name","phase","exitCode","outputs"}]}}
 * and progress goes to stderr (CONTRACTS.md "CLI").
 */
@Command(name = "run", description = "Run a KFP pipeline or component on the embedded default and wait for it.")
public final class RunCommand implements java.util.concurrent.Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "pipeline (KFP v1 graph component) or component.yaml")
    Path file;

    @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE",
            description = "pipeline parameter; for a file input: VALUE is the content, @PATH a local file or directory, s3://... an object")
    Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--json", description = "print one JSON document on stdout; progress to stderr")
    boolean json;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "embedded state (default: $RELAY_STATE_DIR or .relay)")
    Path stateDir;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintStream out = new PrintStream(new WriterStream(spec.commandLine().getOut()), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new WriterStream(spec.commandLine().getErr()), true, StandardCharsets.UTF_8);
        PrintStream progress = json ? err : out;
        if (!Files.isRegularFile(file)) {
            err.println("relay: " + file + ": no such file");
            return 2;
        }
        RunService.Prepared prepared;
        try {
            prepared = RunService.prepare(file);
            RunService.checkParameters(prepared.plan(), params);
        } catch (SpecException e) {
            e.errors().forEach(er -> err.println(er.toString()));
            return 2;
        } catch (RunRequestException e) {
            err.println(file + ": " + e.getMessage());
            return 2;
        }
        Path state = StateDirs.resolve(stateDir);
        Instant t0 = Instant.now();
        Map<String, Instant> startedAt = new ConcurrentHashMap<>();
        LaunchListener listener = new LaunchListener() {
            @Override
            public void started(ExecutionRequest r) {
                startedAt.put(r.task(), Instant.now());
                progress.printf("  %-20s Running%s%n", r.task(), r.attempt() > 1 ? " (attempt " + r.attempt() + ")" : "");
            }

            @Override
            public void line(ExecutionRequest r, String line) {
                progress.println("[" + r.task() + "] " + line);
            }
        };
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, listener)) {
            String runId = rt.runs().newRunId();
            CompletableFuture<RunStatus> done = new CompletableFuture<>();
            Consumer<S3Record> watcher = rec -> RunLayout.parse(rec.key()).filter(k -> runId.equals(k.runId())).ifPresent(k -> {
                if (k.kind() == RunLayout.Kind.ATTEMPT_STATUS) {
                    AttemptStatus s = rt.controller().status(runId, k.task(), k.attempt());
                    String d = duration(s);
                    progress.printf("  %-20s %s%s%s%n", k.task(), s.phase(), d.isEmpty() ? "" : "  " + d,
                            s.reason() == null ? "" : "  (" + s.reason() + ": " + s.message() + ")");
                } else if (k.kind() == RunLayout.Kind.RUN_STATUS) {
                    rt.store().get(rec.key()).ifPresent(b -> done.complete(Json.read(b, RunStatus.class, rec.key())));
                }
            });
            rt.addObserver(watcher);
            RunDoc doc;
            try {
                doc = rt.runs().submit(runId, prepared, params, RunDoc.Cause.cli());
            } catch (RunRequestException e) {
                err.println(file + ": " + e.getMessage());
                return 2;
            }
            progress.printf("relay: run %s of %s (%d task%s; state %s)%n", runId, doc.pipeline().name(),
                    prepared.plan().taskNames().size(), prepared.plan().taskNames().size() == 1 ? "" : "s", state);
            RunStatus status;
            try {
                status = done.get();
            } catch (ExecutionException e) {
                err.println("relay: " + e.getCause().getMessage());
                return 1;
            }
            status.tasks().forEach((task, phase) -> {
                if (phase == Phase.Skipped) {
                    progress.printf("  %-20s Skipped%n", task);
                }
            });
            return report(rt, status, Duration.between(t0, Instant.now()), out, err);
        }
    }

    private int report(EmbeddedRuntime rt, RunStatus status, Duration took, PrintStream out, PrintStream err) {
        String runId = status.runId();
        ObjectNode doc = Json.MAPPER.createObjectNode();
        doc.put("runId", runId);
        doc.put("phase", status.phase().name());
        ArrayNode tasks = doc.putArray("tasks");
        String lastTask = null;
        StringBuilder failures = new StringBuilder();
        StringBuilder outputs = new StringBuilder();
        for (Map.Entry<String, Phase> e : status.tasks().entrySet()) {
            String task = e.getKey();
            ObjectNode t = tasks.addObject();
            t.put("name", task);
            t.put("phase", e.getValue().name());
            AttemptStatus s = newest(rt, runId, task);
            if (s == null || s.exitCode() == null) {
                t.putNull("exitCode");
            } else {
                t.put("exitCode", s.exitCode());
            }
            ObjectNode o = t.putObject("outputs");
            if (s != null && s.outputs() != null) {
                s.outputs().forEach((name, ref) -> {
                    o.put(name, ref.uri());
                    outputs.append(String.format("  %s.%s: %s%n", task, name, ref.uri()));
                });
            }
            if (e.getValue() == Phase.Failed && s != null) {
                failures.append(String.format("task '%s' failed (attempt %d): %s: %s%n", task, s.attempt(), s.reason(), s.message()));
                String log = rt.store().get(RunLayout.attemptLog(runId, task, s.attempt()))
                        .map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
                var tail = LocalLauncher.tail(log, LocalLauncher.tailLines());
                if (!tail.isEmpty()) {
                    failures.append("  last log lines (").append(rt.store().uri(RunLayout.attemptLog(runId, task, s.attempt()))).append("):\n");
                    tail.forEach(l -> failures.append("  | ").append(l).append('\n'));
                }
            }
            if (e.getValue() == Phase.Succeeded) {
                lastTask = task;
            }
        }
        PrintStream human = json ? err : out;
        if (failures.length() > 0) {
            err.print(failures);
        }
        human.printf("run %s %s in %.1fs%n", runId, status.phase(), took.toMillis() / 1000.0);
        if (outputs.length() > 0) {
            human.print("outputs:\n" + outputs);
        }
        String sink = rt.controller().taskNames(runId).isEmpty() ? null
                : rt.controller().taskNames(runId).get(rt.controller().taskNames(runId).size() - 1);
        if (sink != null && status.tasks().get(sink) == Phase.Succeeded) {
            lastTask = sink;
        }
        if (lastTask != null && !json) {
            AttemptStatus s = newest(rt, runId, lastTask);
            String log = rt.store().get(RunLayout.attemptLog(runId, lastTask, s.attempt()))
                    .map(b -> new String(b, StandardCharsets.UTF_8)).orElse("");
            out.println("output of " + lastTask + ":");
            log.lines().forEach(l -> out.println("  " + l));
        }
        if (json) {
            out.println(Json.pretty(doc));
        }
        return status.phase() == Phase.Succeeded ? 0 : 1;
    }

    private static AttemptStatus newest(EmbeddedRuntime rt, String runId, String task) {
        return rt.controller().newestStatus(runId, task).orElse(null);
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
