package dev.relay.runner.cli;

import dev.relay.runner.contract.RelayEnv;
import dev.relay.runner.local.Buckets;

import dev.relay.runner.index.IndexDatabase;
import dev.relay.runner.index.IndexException;
import dev.relay.runner.index.ObjectIndexer;
import dev.relay.runner.index.RunIndex;
import dev.relay.runner.contract.Json;
import dev.relay.runner.store.StoreException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code relay index rebuild [--json]}: rebuilds the SQL index (runs, tasks, metrics,
 * visualizations, errors) from the bucket, run by run, and drops runs the bucket no longer
 * holds. Prints {@code {"runs","objects","removed","errors"}} with {@code --json}. Exit 2 when the
 * index or the bucket cannot be reached.
 */
@Command(name = "index", mixinStandardHelpOptions = true, description = "Maintain the metrics and UI-metadata index.",
        subcommands = {IndexCommand.Rebuild.class})
public final class IndexCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: rebuild");
    }

    /** {@code relay index rebuild}. */
    @Command(name = "rebuild", mixinStandardHelpOptions = true, description = "Rebuild the index from the bucket.")
    static final class Rebuild implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin RunsCommand.StateOptions options = new RunsCommand.StateOptions();

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Path state = StateDirs.resolve(options.stateDir);
            try (IndexDatabase db = IndexAccess.openIndexAsIs(state, err)) {
                if (db == null) {
                    return 2;
                }
                ObjectIndexer.RebuildReport r;
                try (Buckets.Open bucket = Buckets.open(RelayEnv.current(), state)) {
                    r = new ObjectIndexer(bucket.store(), new RunIndex(db), w -> err.println("relay: index: " + w)).rebuild();
                }
                db.rebuildDone(); // a fresh index's pending rebuild is this one
                if (options.json) {
                    out.println(Json.pretty(r));
                } else {
                    out.printf("rebuilt the index from the bucket: %d run%s (%d objects), %d removed, %d index error%s%n",
                            r.runs(), r.runs() == 1 ? "" : "s", r.objects(), r.removed(), r.errors(), r.errors() == 1 ? "" : "s");
                }
                out.flush();
                return 0;
            } catch (IndexException | StoreException e) {
                err.println("relay: " + e.getMessage());
                err.flush();
                return 2;
            }
        }
    }
}
