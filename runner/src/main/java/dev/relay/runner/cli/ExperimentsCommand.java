package dev.relay.runner.cli;

import dev.relay.runner.contract.RelayEnv;
import dev.relay.runner.local.Buckets;
import dev.relay.runner.contract.Json;
import dev.relay.runner.experiment.Experiments;
import dev.relay.runner.store.StoreException;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code relay experiments list|get|create|archive|unarchive|delete}: KFP's experiments
 * ({@code experiments/<id>.json} in the bucket) through {@link Experiments}, the service the KFP
 * API uses. An experiment is named by its id or its display name. {@code --json} prints the
 * experiment objects as stored ({@code experimentId}, {@code displayName}, {@code description},
 * {@code createdAt}, {@code storageState}). Exit 0, 1 for an unknown experiment or a refused
 * change (name taken, Default), 2 for a bad argument or an unreadable state dir.
 */
@Command(name = "experiments", mixinStandardHelpOptions = true, description = "Manage KFP experiments.",
        subcommands = {ExperimentsCommand.ListCmd.class, ExperimentsCommand.GetCmd.class, ExperimentsCommand.CreateCmd.class,
            ExperimentsCommand.ArchiveCmd.class, ExperimentsCommand.UnarchiveCmd.class, ExperimentsCommand.DeleteCmd.class})
public final class ExperimentsCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, get, create, archive, unarchive or delete");
    }

    /** The common body: opens the bucket, maps failures to exit codes. */
    abstract static class Base implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin RunsCommand.StateOptions options = new RunsCommand.StateOptions();

        abstract int call(Experiments experiments, PrintWriter out, PrintWriter err);

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (Buckets.Open bucket = Buckets.open(RelayEnv.current(), StateDirs.resolve(options.stateDir))) {
                return call(new Experiments(bucket.store(), Clock.systemUTC()), out, err);
            } catch (IllegalArgumentException e) {
                err.println("relay experiments: " + e.getMessage());
                return 1;
            } catch (StoreException | IllegalStateException | java.io.UncheckedIOException e) {
                err.println("relay experiments: " + e.getMessage());
                return 2;
            } catch (Exception e) {
                err.println("relay experiments: " + e.getMessage());
                return 2;
            } finally {
                out.flush();
                err.flush();
            }
        }

        /** @return the experiment with this id or display name; prints why not and returns empty */
        Optional<Experiments.Experiment> find(Experiments experiments, String idOrName, PrintWriter err) {
            Optional<Experiments.Experiment> e = experiments.get(idOrName).or(() -> experiments.byName(idOrName));
            if (e.isEmpty()) {
                err.println("relay experiments: no experiment with id or name '" + idOrName + "'");
            }
            return e;
        }

        void print(PrintWriter out, Experiments.Experiment e) {
            if (options.json) {
                out.println(Json.pretty(e));
            } else {
                out.printf("%s  %-24s %-9s %s  %s%n", e.experimentId(), e.displayName(), e.storageState(), e.createdAt(),
                        e.description());
            }
        }
    }

    /** {@code relay experiments list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List experiments, oldest first.")
    static final class ListCmd extends Base {
        @Override
        int call(Experiments experiments, PrintWriter out, PrintWriter err) {
            if (options.json) {
                out.println(Json.pretty(java.util.Map.of("experiments", experiments.list())));
            } else {
                experiments.list().forEach(e -> print(out, e));
            }
            return 0;
        }
    }

    /** {@code relay experiments get ID|NAME}. */
    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show one experiment.")
    static final class GetCmd extends Base {
        @Parameters(index = "0", paramLabel = "ID|NAME") String experiment;

        @Override
        int call(Experiments experiments, PrintWriter out, PrintWriter err) {
            Optional<Experiments.Experiment> e = find(experiments, experiment, err);
            e.ifPresent(x -> print(out, x));
            return e.isPresent() ? 0 : 1;
        }
    }

    /** {@code relay experiments create NAME [--description TEXT]}. */
    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create an experiment.")
    static final class CreateCmd extends Base {
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--description", paramLabel = "TEXT") String description;

        @Override
        int call(Experiments experiments, PrintWriter out, PrintWriter err) {
            print(out, experiments.create(name, description));
            return 0;
        }
    }

    /** {@code relay experiments archive ID|NAME}. */
    @Command(name = "archive", mixinStandardHelpOptions = true, description = "Archive an experiment.")
    static final class ArchiveCmd extends Base {
        @Parameters(index = "0", paramLabel = "ID|NAME") String experiment;

        @Override
        int call(Experiments experiments, PrintWriter out, PrintWriter err) {
            return setState(experiments, experiment, Experiments.ARCHIVED, out, err);
        }
    }

    /** {@code relay experiments unarchive ID|NAME}. */
    @Command(name = "unarchive", mixinStandardHelpOptions = true, description = "Restore an archived experiment.")
    static final class UnarchiveCmd extends Base {
        @Parameters(index = "0", paramLabel = "ID|NAME") String experiment;

        @Override
        int call(Experiments experiments, PrintWriter out, PrintWriter err) {
            return setState(experiments, experiment, Experiments.AVAILABLE, out, err);
        }
    }

    private static int setState(Experiments experiments, String idOrName, String state, PrintWriter out, PrintWriter err) {
        Optional<Experiments.Experiment> e = experiments.get(idOrName).or(() -> experiments.byName(idOrName));
        if (e.isEmpty()) {
            err.println("relay experiments: no experiment with id or name '" + idOrName + "'");
            return 1;
        }
        experiments.setState(e.get().experimentId(), state);
        out.println(e.get().experimentId() + " " + state);
        return 0;
    }

    /** {@code relay experiments delete ID|NAME}: its runs move to Default. */
    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an experiment (its runs move to Default).")
    static final class DeleteCmd extends Base {
        @Parameters(index = "0", paramLabel = "ID|NAME") String experiment;

        @Override
        int call(Experiments experiments, PrintWriter out, PrintWriter err) {
            Optional<Experiments.Experiment> e = find(experiments, experiment, err);
            if (e.isEmpty()) {
                return 1;
            }
            experiments.delete(e.get().experimentId());
            out.println("deleted " + e.get().experimentId());
            return 0;
        }
    }
}
