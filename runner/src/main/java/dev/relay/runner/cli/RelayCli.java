package dev.relay.runner.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code relay} command line (picocli). Exit codes follow docs/contracts.md:
 * 0 success, 1 run failed / file invalid / no match, 2 usage error or anything that stops a run
 * before launch.
 */
@Command(name = "relay", mixinStandardHelpOptions = true, versionProvider = RelayCli.Version.class,
        description = "Serverless, event-driven runner for Kubeflow Pipelines.",
        subcommands = {
            ValidateCommand.class,
            RunCommand.class,
            TriggerCommand.class,
            PipelineCommand.class,
            UploadCommand.class,
            RunsCommand.class,
            LogsCommand.class,
            ExperimentsCommand.class,
            SchedulesCommand.class,
            MetricsCommand.class,
            IndexCommand.class,
            DeployCommand.class,
            GcCommand.class,
        })
public final class RelayCli implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /**
     * Builds the configured command line: usage errors map to exit code 2, and every command and
     * subcommand answers {@code -h/--help} (exit 0) whatever its required parameters.
     */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new RelayCli()));
    }

    /**
     * The command line for {@code args}: when the first argument names a subcommand only that
     * subcommand is built below the root ({@code relay run ...} then skips building the model of
     * every other command, which picocli does by reflection: about 0.2 s of CPU at start-up);
     * otherwise (no argument, an option, an unknown name) the whole command line. Either answers
     * the same for these arguments.
     */
    public static CommandLine commandLine(String... args) {
        if (args.length > 0) {
            for (Class<?> c : RelayCli.class.getAnnotation(Command.class).subcommands()) {
                Command sub = c.getAnnotation(Command.class);
                if (sub != null && sub.name().equals(args[0])) {
                    Command root = RelayCli.class.getAnnotation(Command.class);
                    CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(new RelayCli())
                            .name(root.name()).mixinStandardHelpOptions(true).versionProvider(new Version());
                    spec.usageMessage().description(root.description());
                    CommandLine cl = new CommandLine(spec);
                    cl.addSubcommand(sub.name(), new CommandLine(c));
                    return configure(cl);
                }
            }
        }
        return commandLine();
    }

    private static CommandLine configure(CommandLine cl) {
        addHelp(cl);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            String message = message(ex);
            c.getErr().println("relay: " + message);
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
            c.getErr().println("See '" + c.getCommandSpec().qualifiedName() + " --help'.");
            if (c.getCommandSpec().findOption("--json") != null && java.util.Arrays.asList(args).contains("--json")) {
                ErrorDocument.print(c.getOut(), java.util.List.of("relay: " + message));
            }
            return 2;
        });
        // anything a command did not expect: one plain line (issue 13: no stack trace, no exception class names)
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            boolean json = false;
            for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
                json |= p.hasMatchedOption("--json");
            }
            return failed(ex, c.getOut(), c.getErr(), json);
        });
        return cl;
    }

    private static final java.util.regex.Pattern NOT_KEY_VALUE =
            java.util.regex.Pattern.compile("(?s).* should be in KEY=VALUE format but was (.*)");

    /**
     * A usage error's message: picocli's, except for a map option's value without {@code =}
     * ({@code -p count}), which says what the option expects: {@code -p/--param expects NAME=VALUE, got 'count'}.
     */
    static String message(CommandLine.ParameterException ex) {
        java.util.regex.Matcher m = NOT_KEY_VALUE.matcher(String.valueOf(ex.getMessage()));
        if (ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o && o.typeInfo().isMap() && m.matches()) {
            String names = o.names().length == 1 ? o.names()[0] : o.shortestName() + "/" + o.longestName();
            return names + " expects " + o.paramLabel() + ", got '" + m.group(1) + "'";
        }
        return ex.getMessage();
    }

    /** Anything a command did not expect: one plain line on {@code err} (and the error document with {@code --json}); exit 1. */
    static int failed(Exception ex, java.io.PrintWriter out, java.io.PrintWriter err, boolean json) {
        String line = "relay: " + dev.relay.eventing.input.ErrorText.of(ex);
        err.println(line);
        err.flush();
        if (json) {
            ErrorDocument.print(out, java.util.List.of(line));
        }
        return 1;
    }

    /** Gives every command without a usage-help option {@code -h, --help} (its own options stay). */
    private static void addHelp(CommandLine cl) {
        CommandLine.Model.CommandSpec spec = cl.getCommandSpec();
        boolean has = spec.options().stream().anyMatch(CommandLine.Model.OptionSpec::usageHelp);
        if (!has) {
            boolean shortFree = spec.findOption("-h") == null;
            String[] names = shortFree ? new String[] {"-h", "--help"} : new String[] {"--help"};
            spec.addOption(CommandLine.Model.OptionSpec.builder(names).usageHelp(true)
                    .description("Show this help message and exit.").build());
        }
        cl.getSubcommands().values().forEach(RelayCli::addHelp);
    }

    /** {@code relay --version}: the version Maven built (from {@code version.properties}). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = RelayCli.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"relay " + p.getProperty("version", "(unknown version)")};
        }
    }

    public static void main(String[] args) {
        RunCommand run = QuickRun.parse(args);
        System.exit(run != null ? QuickRun.execute(run) : commandLine(args).execute(args));
    }
}
