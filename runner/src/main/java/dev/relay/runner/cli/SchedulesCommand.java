package dev.relay.runner.cli;

import dev.relay.runner.contract.RelayEnv;
import dev.relay.runner.local.Buckets;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.Json;
import dev.relay.runner.experiment.Experiments;
import dev.relay.runner.run.PipelineRegistry;
import dev.relay.runner.schedule.Schedule;
import dev.relay.runner.schedule.Schedules;
import dev.relay.runner.store.StoreException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relay schedules list|get|create|enable|disable|delete}: recurring runs
 * ({@code schedules/<id>.json}) through {@link Schedules}, the service KFP's recurring-run API
 * uses; the running server's scheduler (or, in the cluster, the schedule's PingSource) fires them.
 * The CLI talks to the bucket only, never to the cluster's API server: a schedule written here
 * against the cluster's bucket ({@code RELAY_S3_ENDPOINT}) gets its PingSource from the app's
 * reconcile on the next sweep ping (within a minute), the code that serves the KFP API's schedules.
 * {@code create NAME --pipeline NAME[@VERSION] (--every SECONDS | --cron EXPR) [-p K=V]...
 * [--experiment ID|NAME] [--max-concurrency N] [--no-catchup] [--disabled]} runs a registered
 * pipeline. Exit 0, 1 for an unknown schedule, pipeline or experiment, 2 for a bad argument (named)
 * or an unreadable state dir.
 */
@Command(name = "schedules", mixinStandardHelpOptions = true, description = "Manage recurring runs.",
        subcommands = {SchedulesCommand.ListCmd.class, SchedulesCommand.GetCmd.class, SchedulesCommand.CreateCmd.class,
            SchedulesCommand.EnableCmd.class, SchedulesCommand.DisableCmd.class, SchedulesCommand.DeleteCmd.class})
public final class SchedulesCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, get, create, enable, disable or delete");
    }

    /** A refusal to answer with exit code 1 (unknown object) rather than 2. */
    static final class NotFound extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message, null, false, false);
        }
    }

    /** The common body: opens the bucket, maps failures to exit codes. */
    abstract static class Base implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin RunsCommand.StateOptions options = new RunsCommand.StateOptions();

        abstract int call(Buckets.Open bucket, Schedules schedules, PrintWriter out);

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (Buckets.Open bucket = Buckets.open(RelayEnv.current(), StateDirs.resolve(options.stateDir))) {
                return call(bucket, new Schedules(bucket.store(), Clock.systemUTC()), out);
            } catch (NotFound e) {
                err.println("relay schedules: " + e.getMessage());
                return 1;
            } catch (IllegalArgumentException e) {
                err.println("relay schedules: " + e.getMessage());
                return 2;
            } catch (StoreException | IllegalStateException | java.io.UncheckedIOException e) {
                err.println("relay schedules: " + e.getMessage());
                return 2;
            } catch (Exception e) {
                err.println("relay schedules: " + e.getMessage());
                return 2;
            } finally {
                out.flush();
                err.flush();
            }
        }

        Schedule find(Schedules schedules, String id) {
            return schedules.get(id).orElseThrow(() -> new NotFound("no schedule with id '" + id + "'"));
        }

        void print(PrintWriter out, Schedule s, Schedules schedules) {
            if (options.json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("schedule", s);
                doc.put("fired", schedules.fired(s.scheduleId()));
                out.println(Json.pretty(doc));
                return;
            }
            Schedule.Trigger t = s.trigger();
            String when = t.cron() != null ? "cron '" + t.cron() + "'" : "every " + t.intervalSeconds() + " s";
            out.printf("%s  %-20s %-8s %s  max %d%s  pipeline %s%n", s.scheduleId(), s.displayName(),
                    s.enabled() ? "enabled" : "disabled", when, s.maxConcurrency(), s.noCatchup() ? " no-catchup" : "",
                    s.run().path("pipeline").path("name").asText(s.run().path("pipeline").has("inline") ? "(inline)" : "-"));
        }
    }

    /** {@code relay schedules list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List recurring runs, oldest first.")
    static final class ListCmd extends Base {
        @Override
        int call(Buckets.Open bucket, Schedules schedules, PrintWriter out) {
            if (options.json) {
                out.println(Json.pretty(Map.of("schedules", schedules.list())));
            } else {
                schedules.list().forEach(s -> print(out, s, schedules));
            }
            return 0;
        }
    }

    /** {@code relay schedules get ID}: the schedule and its firings. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a recurring run and its firings.")
    static final class GetCmd extends Base {
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        int call(Buckets.Open bucket, Schedules schedules, PrintWriter out) {
            Schedule s = find(schedules, id);
            print(out, s, schedules);
            if (!options.json) {
                for (Schedules.Fired f : schedules.fired(id)) {
                    out.printf("  %s  %s%n", f.fireTime(), f.runId() != null ? "run " + f.runId() : "skipped: " + f.skipped());
                }
            }
            return 0;
        }
    }

    /** {@code relay schedules create NAME --pipeline P[@V] (--every S | --cron EXPR) ...}. */
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a recurring run of a registered pipeline.")
    static final class CreateCmd extends Base {
        @Parameters(index = "0", paramLabel = "NAME", description = "the recurring run's display name") String name;
        @Option(names = "--pipeline", required = true, paramLabel = "NAME[@VERSION]",
                description = "a registered pipeline (relay pipeline upload); no version: the newest at each firing") String pipeline;
        @Option(names = "--every", paramLabel = "SECONDS", description = "interval between firings") Long every;
        @Option(names = "--cron", paramLabel = "EXPR", description = "cron: 5 fields, or 6 with seconds first (UTC)") String cron;
        @Option(names = {"-p", "--param"}, paramLabel = "NAME=VALUE", description = "a pipeline parameter (repeatable)")
        Map<String, String> params = new LinkedHashMap<>();
        @Option(names = "--experiment", paramLabel = "ID|NAME", description = "default: Default") String experiment;
        @Option(names = "--max-concurrency", paramLabel = "N", defaultValue = "1", description = "1-10 (default ${DEFAULT-VALUE})")
        int maxConcurrency;
        @Option(names = "--no-catchup", description = "after a pause, fire only the newest missed time") boolean noCatchup;
        @Option(names = "--disabled", description = "create it disabled") boolean disabled;
        @Option(names = "--description", paramLabel = "TEXT") String description;

        @Override
        int call(Buckets.Open bucket, Schedules schedules, PrintWriter out) {
            if ((every == null) == (cron == null)) {
                throw new IllegalArgumentException("give exactly one of --every SECONDS and --cron EXPR");
            }
            String[] pv = pipeline.split("@", 2);
            PipelineRegistry registry = new PipelineRegistry(bucket.store(), Clock.systemUTC());
            String version = pv.length > 1 ? pv[1] : null;
            if (registry.find(pv[0], version).isEmpty()) {
                throw new NotFound("no registered pipeline '" + pipeline + "' (relay pipeline upload registers one)");
            }
            Experiments experiments = new Experiments(bucket.store(), Clock.systemUTC());
            String experimentId = experiment == null ? experiments.ensureDefault().experimentId()
                    : experiments.get(experiment).or(() -> experiments.byName(experiment))
                            .orElseThrow(() -> new NotFound("no experiment with id or name '" + experiment + "'")).experimentId();
            ObjectNode run = Json.MAPPER.createObjectNode();
            ObjectNode p = run.putObject("pipeline").put("name", pv[0]);
            if (version != null) {
                p.put("version", version);
            }
            ObjectNode ps = run.putObject("parameters");
            params.forEach(ps::put);
            Schedule draft = new Schedule(null, name, description == null ? "" : description, experimentId, run, null,
                    new Schedule.Trigger(cron, every, null, null), maxConcurrency, noCatchup, !disabled, null, null);
            print(out, schedules.create(draft), schedules);
            return 0;
        }
    }

    /** {@code relay schedules enable ID}. */
    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a recurring run.")
    static final class EnableCmd extends Base {
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        int call(Buckets.Open bucket, Schedules schedules, PrintWriter out) {
            find(schedules, id);
            print(out, schedules.setEnabled(id, true).orElseThrow(), schedules);
            return 0;
        }
    }

    /** {@code relay schedules disable ID}. */
    @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a recurring run.")
    static final class DisableCmd extends Base {
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        int call(Buckets.Open bucket, Schedules schedules, PrintWriter out) {
            find(schedules, id);
            print(out, schedules.setEnabled(id, false).orElseThrow(), schedules);
            return 0;
        }
    }

    /** {@code relay schedules delete ID}: its runs stay. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a recurring run (its runs stay).")
    static final class DeleteCmd extends Base {
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        int call(Buckets.Open bucket, Schedules schedules, PrintWriter out) {
            find(schedules, id);
            schedules.delete(id);
            out.println("deleted " + id);
            return 0;
        }
    }
}
