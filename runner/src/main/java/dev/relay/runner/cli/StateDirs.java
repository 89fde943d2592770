package dev.relay.runner.cli;

import java.nio.file.Path;

/** Where the embedded state lives: {@code --state-dir}, else {@code $RELAY_STATE_DIR}, else {@code .relay/}. */
final class StateDirs {
    private StateDirs() {}

    static Path resolve(Path option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv("RELAY_STATE_DIR");
        return Path.of(env == null || env.isBlank() ? ".relay" : env);
    }
}
