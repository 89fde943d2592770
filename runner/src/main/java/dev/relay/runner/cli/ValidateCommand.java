package dev.relay.runner.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code relay validate FILE}: placeholder until the spec layer lands. */
@Command(name = "validate", description = "Validate a KFP component or pipeline file.")
public final class ValidateCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return 2;
    }
}
