package dev.relay.runner.cli;

import dev.relay.runner.contract.RelayEnv;
import dev.relay.runner.local.Buckets;

import dev.relay.runner.index.IndexDatabase;
import dev.relay.runner.index.IndexError;
import dev.relay.runner.index.IndexException;
import dev.relay.runner.index.Metric;
import dev.relay.runner.index.RunIndex;
import dev.relay.runner.index.RunReports;
import dev.relay.runner.index.RunSummary;
import dev.relay.runner.index.Visualization;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.run.RunCancel;
import dev.relay.runner.run.RunView;
import dev.relay.runner.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relay runs list|get}: the runs the index holds (docs/contracts.md "CLI").
 * <ul>
 * <li>{@code relay runs list [--pipeline P] [--json]}: newest first; the table shows the two
 *     metrics most runs have as columns (as KFP's run list); {@code --json} prints
 *     {@code [{"runId","pipeline","phase","createdAt","finishedAt","metrics":{"NAME":number}}]}.</li>
 * <li>{@code relay runs get RUN [--json]}: the run's tasks (a failed one with its newest attempt's reason and
 *     message), outputs, metrics, visualizations and
 *     index errors; {@code --json} prints the shape of {@code GET /api/v1/runs/{id}}. Exit 1 when
 *     there is no such run (with {@code --json}, the {@link ErrorDocument} on stdout).</li>
 * <li>{@code relay runs cancel RUN}: ends the run's running executions (their process groups,
 *     also those of another {@code relay run} on this state dir) and the run ends Canceled.</li>
 * <li>{@code relay runs retry RUN [--json]}: runs a Failed or Canceled run's failed and canceled
 *     tasks again (and the tasks skipped because of them) in this process, and waits for its end
 *     as {@code relay run} does.</li>
 * </ul>
 * Exit 2 when the index cannot be opened.
 */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "List runs and show one (from the index).",
        subcommands = {RunsCommand.ListRuns.class, RunsCommand.GetRun.class, RunsWatchCommand.class,
            RunsCommand.CancelRun.class, RunsCommand.RetryRun.class})
public final class RunsCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, get, watch, cancel or retry");
    }

    /** Options every index command takes. */
    static class StateOptions {
        @Option(names = "--state-dir", paramLabel = "DIR", description = "embedded state (default: $RELAY_STATE_DIR or .relay)")
        Path stateDir;

        @Option(names = "--json", description = "print one JSON document on stdout")
        boolean json;
    }

    /** {@code relay runs list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List runs, newest first, with their main metrics.")
    static final class ListRuns implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin StateOptions options = new StateOptions();

        @Option(names = "--pipeline", paramLabel = "P", description = "only runs of pipeline P")
        String pipeline;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (IndexDatabase db = IndexAccess.openIndex(StateDirs.resolve(options.stateDir), err)) {
                if (db == null) {
                    return 2;
                }
                RunIndex index = new RunIndex(db);
                List<RunSummary> runs = options.json ? List.of() : index.listRuns(pipeline, 0);
                if (options.json) {
                    out.println(Json.pretty(RunReports.list(index, pipeline, 0).get("runs")));
                } else if (runs.isEmpty()) {
                    out.println(pipeline == null ? "no runs" : "no runs of pipeline '" + pipeline + "'");
                } else {
                    List<String> columns = RunIndex.metricColumns(runs, 2);
                    List<List<String>> rows = new ArrayList<>();
                    List<String> header = new ArrayList<>(List.of("RUN", "PIPELINE", "PHASE", "CREATED"));
                    header.addAll(columns);
                    rows.add(header);
                    for (RunSummary r : runs) {
                        List<String> row = new ArrayList<>(List.of(r.runId(), r.pipeline() == null ? "-" : r.pipeline(), r.phase(),
                                r.createdAt() == null ? "-" : r.createdAt()));
                        columns.forEach(c -> row.add(IndexAccess.format(r.metrics().get(c), r.formats().get(c))));
                        rows.add(row);
                    }
                    Tables.print(out, rows);
                }
                out.flush();
                return 0;
            } catch (IndexException e) {
                err.println("relay: " + e.getMessage());
                err.flush();
                return 2;
            }
        }
    }

    /** {@code relay runs get RUN}. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a run: tasks, outputs, metrics, visualizations, errors.")
    static final class GetRun implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin StateOptions options = new StateOptions();

        @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
        String runId;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                RunLayout.label(runId, "run id");
            } catch (IllegalArgumentException e) {
                err.println("relay: " + e.getMessage());
                err.flush();
                return 2;
            }
            Path state = StateDirs.resolve(options.stateDir);
            try (IndexDatabase db = IndexAccess.openIndex(state, err)) {
                if (db == null) {
                    return 2;
                }
                RunIndex index = new RunIndex(db);
                Optional<RunView> view;
                try (Buckets.Open bucket = Buckets.open(RelayEnv.current(), state)) {
                    view = RunView.load(bucket.store(), runId);
                }
                if (view.isEmpty()) {
                    String line = "relay: no run '" + runId + "'";
                    err.println(line);
                    err.flush();
                    if (options.json) {
                        ErrorDocument.print(out, List.of(line));
                    }
                    return 1;
                }
                if (options.json) {
                    out.println(Json.pretty(RunReports.of(view.get(), index)));
                } else {
                    human(out, view.get(), index);
                }
                out.flush();
                return 0;
            } catch (IndexException | StoreException | IllegalStateException | java.io.UncheckedIOException e) {
                String line = "relay: " + (e.getMessage() == null ? dev.relay.eventing.input.ErrorText.of(e) : e.getMessage());
                err.println(line);
                err.flush();
                if (options.json) {
                    ErrorDocument.print(out, java.util.List.of(line));
                }
                return 2;
            }
        }

        private static void human(PrintWriter out, RunView v, RunIndex index) {
            out.printf("run %s  %s%n", v.runId(), v.phase());
            out.printf("pipeline  %s%s%n", v.pipeline() == null ? "-" : v.pipeline().name(),
                    v.pipeline() == null || v.pipeline().version() == null ? "" : " (" + v.pipeline().version() + ")");
            out.printf("created   %s%n", v.createdAt());
            out.printf("finished  %s%n", v.finishedAt() == null ? "-" : v.finishedAt());
            out.printf("cause     %s%n", v.cause() == null ? "-" : v.cause().describe());
            if (v.parameters() != null && !v.parameters().isEmpty()) {
                out.println("parameters");
                v.parameters().forEach((k, val) -> out.printf("  %s = %s%n", k, val));
            }
            out.println("tasks");
            List<RunView.TaskView> tree = v.tree();
            int width = 20;
            for (RunView.TaskView t : tree) {
                width = Math.max(width, label(t).length());
            }
            for (RunView.TaskView t : tree) {
                // the task tree: a task under its DAG task (a loop iteration [i] under its loop), indented by depth
                int depth = (int) t.name().chars().filter(ch -> ch == '/').count();
                if (RunView.isIteration(t.name())) {
                    out.printf("  %-" + width + "s %s%n", label(t), t.phase());
                } else {
                    out.printf("  %-" + width + "s %-9s attempts %d%s%n", label(t), t.phase(), t.attempts(),
                            t.exitCode() == null ? "" : "  exit " + t.exitCode());
                }
                String pad = "  ".repeat(depth);
                String why = failure(t);
                if (why != null) {
                    out.printf("    %s%s%n", pad, why);
                }
                t.outputs().forEach((name, uri) -> out.printf("    %s%s: %s%n", pad, name, uri));
            }
            List<Metric> metrics = index.metrics(v.runId());
            if (!metrics.isEmpty()) {
                out.println("metrics");
                for (Metric m : metrics) {
                    out.printf("  %-12s %-24s %s%n", m.task(), m.name(), IndexAccess.format(m.numberValue(), m.format()));
                }
            }
            List<Visualization> vis = index.visualizations(v.runId());
            if (!vis.isEmpty()) {
                out.println("visualizations");
                for (Visualization x : vis) {
                    out.printf("  %-12s #%d %-17s %s%n", x.task(), x.entry(), x.type(), describe(x));
                }
            }
            List<IndexError> errors = index.errors(v.runId());
            if (!errors.isEmpty()) {
                out.println("errors");
                for (IndexError e : errors) {
                    out.printf("  %s%s%s: %s%n", e.file(), e.entry() == null ? "" : " #" + e.entry(),
                            e.field() == null ? "" : " " + e.field(), e.message());
                }
            }
        }

        /** A task's name in the tree: its last segment ({@code [i]} for a loop iteration), indented by its depth. */
        private static String label(RunView.TaskView t) {
            int depth = (int) t.name().chars().filter(ch -> ch == '/').count();
            String last = t.name().substring(t.name().lastIndexOf('/') + 1);
            return "  ".repeat(depth) + (RunView.isIteration(t.name()) ? "[" + last + "]" : last);
        }

        /**
         * Why a failed task failed, as {@code relay run} reports it: its newest attempt's
         * {@code reason: message} on one line of at most {@value #WHY_MAX} characters; null for a task
         * that did not fail or has no attempt of its own (a DAG task failed by a task in it).
         */
        static String failure(RunView.TaskView t) {
            if (t.phase() != dev.relay.runner.engine.Phase.Failed || (t.reason() == null && t.message() == null)) {
                return null;
            }
            String why = (t.reason() == null ? "" : t.reason() + (t.message() == null ? "" : ": "))
                    + (t.message() == null ? "" : t.message());
            why = why.strip().replaceAll("\\s*\\R\\s*", " | ");
            return why.length() <= WHY_MAX ? why : why.substring(0, WHY_MAX - 3) + "...";
        }

        static final int WHY_MAX = 200;

        private static String describe(Visualization x) {
            if (x.link() != null) {
                return "link " + x.link();
            }
            return switch (x.type()) {
                case "table" -> x.data().get("header").size() + " columns, " + x.data().get("rows").size() + " rows";
                case "confusion_matrix" -> x.data().get("labels").size() + " labels " + x.data().get("labels")
                        + " matrix " + x.data().get("matrix");
                case "roc" -> x.data().get("points").size() + " points";
                case "markdown" -> x.data().get("markdown").asText().length() + " characters of markdown";
                case "web-app" -> x.data().get("html").asText().length() + " characters of HTML";
                default -> "";
            };
        }
    }

    /** {@code relay runs cancel RUN}. */
    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "End a run: its running tasks are killed and the run ends Canceled.")
    static final class CancelRun implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin StateOptions options = new StateOptions();

        @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
        String runId;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                RunLayout.label(runId, "run id");
            } catch (IllegalArgumentException e) {
                err.println("relay: " + e.getMessage());
                err.flush();
                return 2;
            }
            Path state = StateDirs.resolve(options.stateDir);
            try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
                // the index learns of the cancel from the canceled attempts' statuses, which their driver writes
                Optional<RunCancel.Result> r = new RunCancel(rt.store(), null, java.time.Clock.systemUTC(),
                        rt.recovery().executions()).cancel(runId);
                if (r.isEmpty()) {
                    err.println("relay: no run '" + runId + "' in " + state);
                    err.flush();
                    return 1;
                }
                RunCancel.Result res = r.get();
                if (options.json) {
                    out.println(Json.pretty(java.util.Map.of("runId", runId, "phase", res.phase().name(),
                            "canceled", res.outcome() == RunCancel.Outcome.CANCELED, "executionsEnded", res.executionsEnded())));
                } else if (res.outcome() == RunCancel.Outcome.CANCELED) {
                    out.printf("run %s Canceled (%d running task%s ended)%n", runId, res.executionsEnded(),
                            res.executionsEnded() == 1 ? "" : "s");
                } else {
                    out.printf("run %s had already ended: %s%n", runId, res.phase());
                }
                out.flush();
                return 0;
            } catch (StoreException | IllegalStateException | java.io.UncheckedIOException e) {
                err.println("relay: " + e.getMessage());
                err.flush();
                return 2;
            }
        }
    }

    /** {@code relay runs retry RUN}. */
    @Command(name = "retry", mixinStandardHelpOptions = true,
            description = "Run a failed or canceled run's failed tasks again (and those skipped because of them), and wait for its end.")
    static final class RetryRun implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RUN", description = "the run id")
        String runId;

        @Option(names = "--json", description = "print one JSON document on stdout; progress to stderr")
        boolean json;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "embedded state (default: $RELAY_STATE_DIR or .relay)")
        Path stateDir;

        @Override
        public Integer call() throws Exception {
            RunCommand run = new RunCommand();
            run.json = json;
            run.spec = spec;
            java.io.PrintStream out = new java.io.PrintStream(new WriterStream(spec.commandLine().getOut()), true,
                    java.nio.charset.StandardCharsets.UTF_8);
            java.io.PrintStream err = new java.io.PrintStream(new WriterStream(spec.commandLine().getErr()), true,
                    java.nio.charset.StandardCharsets.UTF_8);
            try {
                RunLayout.label(runId, "run id");
            } catch (IllegalArgumentException e) {
                err.println("relay: " + e.getMessage());
                return 2;
            }
            return run.follow(StateDirs.resolve(stateDir), runId, "retry", out, err);
        }
    }
}
