package dev.relay.runner.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code relay} command line (picocli). Exit codes follow CONTRACTS.md:
 * 0 success, 1 run failed / file invalid / no match, 2 usage error or anything that stops a run
 * before launch.
 */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Serverless, event-driven runner for Kubeflow Pipelines.",
        subcommands = {
            ValidateCommand.class,
            RunCommand.class,
            TriggerCommand.class,
            PipelineCommand.class,
            UploadCommand.class,
            RunsCommand.class,
            MetricsCommand.class,
            IndexCommand.class,
            DeployCommand.class,
        })
public final class RelayCli implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** Builds the configured command line, with usage errors mapped to exit code 2. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new RelayCli());
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("relay: " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
            c.getErr().println("See '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
