package dev.relay.runner.cli;

import dev.relay.runner.launch.Durations;
import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.local.EmbeddedRuntime;
import dev.relay.runner.recovery.WorkDirs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code relay gc [--older-than DURATION] [--state-dir DIR]}: removes the work dirs and execution
 * records that finished runs left in the state dir (a failed attempt's work dir is kept for
 * inspection) once older than {@code --older-than} (default {@code 168h}, a week; {@code 0s} for
 * all). Objects in the bucket are never removed. Exit 0, or 2 on a bad duration or state dir.
 */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = "Remove work dirs of finished runs (kept on failure for inspection) older than a duration.")
public final class GcCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--older-than", paramLabel = "DURATION", defaultValue = "168h",
            description = "only runs last touched longer ago (e.g. 90s, 30m, 24h; default ${DEFAULT-VALUE})")
    String olderThan;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "embedded state (default: $RELAY_STATE_DIR or .relay)")
    Path stateDir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Duration age;
        try {
            age = olderThan.matches("0+[hms]?") ? Duration.ZERO : Duration.ofSeconds(Durations.seconds(olderThan));
        } catch (IllegalArgumentException e) {
            err.println("relay: --older-than: " + e.getMessage());
            err.flush();
            return 2;
        }
        Path state = StateDirs.resolve(stateDir);
        try (EmbeddedRuntime rt = EmbeddedRuntime.start(state, 0, LaunchListener.NONE)) {
            WorkDirs.Removed r = WorkDirs.gc(state, rt.recovery().generations(), age, Instant.now());
            out.printf("removed the work dirs of %d finished run%s (%.1f MiB)%n", r.runs(), r.runs() == 1 ? "" : "s",
                    r.bytes() / 1048576.0);
            out.flush();
            return 0;
        } catch (java.io.IOException | RuntimeException e) {
            err.println("relay: gc: " + e.getMessage());
            err.flush();
            return 2;
        }
    }
}
