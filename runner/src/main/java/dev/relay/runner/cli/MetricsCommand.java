package dev.relay.runner.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.index.Comparison;
import dev.relay.runner.index.IndexDatabase;
import dev.relay.runner.index.IndexException;
import dev.relay.runner.index.RunIndex;
import dev.relay.runner.index.UnknownRunException;
import dev.relay.runner.contract.Json;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code relay metrics compare RUN RUN... [--json]}: metrics of runs side by side with the
 * differences from the first run. {@code --json} prints
 * {@code {"runs":[...],"metrics":{"NAME":{"RUN":number}},"formats":{"NAME":"PERCENTAGE"},
 * "differences":{"NAME":{"RUN":number}}}} (docs/contracts.md "CLI"; {@code formats} and
 * {@code differences} are additions). Exit 1 when a run is not in the index, 2 when the index
 * cannot be opened.
 */
@Command(name = "metrics", mixinStandardHelpOptions = true, description = "Compare the metrics of runs (from the index).",
        subcommands = {MetricsCommand.Compare.class})
public final class MetricsCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: compare");
    }

    /** {@code relay metrics compare}. */
    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = "Show the metrics of runs side by side with the differences from the first run.")
    static final class Compare implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;
        @CommandLine.Mixin RunsCommand.StateOptions options = new RunsCommand.StateOptions();

        @Parameters(arity = "1..*", paramLabel = "RUN", description = "run ids; the first is the baseline")
        List<String> runs = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (IndexDatabase db = IndexAccess.openIndex(StateDirs.resolve(options.stateDir), err)) {
                if (db == null) {
                    return 2;
                }
                Comparison c = new RunIndex(db).compare(runs);
                if (options.json) {
                    ObjectNode doc = Json.MAPPER.valueToTree(c);
                    out.println(Json.pretty(doc));
                } else {
                    human(out, c);
                }
                out.flush();
                return 0;
            } catch (UnknownRunException e) {
                err.println("relay: " + e.getMessage());
                err.flush();
                return 1;
            } catch (IndexException e) {
                err.println("relay: " + e.getMessage());
                err.flush();
                return 2;
            }
        }

        private static void human(PrintWriter out, Comparison c) {
            if (c.metrics().isEmpty()) {
                out.println("no metrics in " + String.join(", ", c.runs()));
                return;
            }
            String base = c.runs().get(0);
            List<String> header = new ArrayList<>(List.of("METRIC"));
            header.addAll(c.runs());
            c.runs().subList(1, c.runs().size()).forEach(r -> header.add("Δ " + r));
            List<List<String>> rows = new ArrayList<>();
            rows.add(header);
            for (Map.Entry<String, Map<String, Double>> m : c.metrics().entrySet()) {
                String format = c.formats().get(m.getKey());
                List<String> row = new ArrayList<>(List.of(m.getKey()));
                c.runs().forEach(r -> row.add(IndexAccess.format(m.getValue().get(r), format)));
                Map<String, Double> diff = c.differences().getOrDefault(m.getKey(), Map.of());
                c.runs().subList(1, c.runs().size()).forEach(r -> {
                    Double d = diff.get(r);
                    row.add(d == null ? "-" : (d > 0 ? "+" : "") + IndexAccess.format(d, format));
                });
                rows.add(row);
            }
            Tables.print(out, rows);
            out.println("(Δ = run − " + base + ")");
        }
    }
}
