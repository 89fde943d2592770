package dev.relay.runner.cli;

import java.nio.file.Path;

/** Where the embedded state lives: {@code --state-dir}, else {@code $RELAY_STATE_DIR}, else {@code .relay/}. */
final class StateDirs {
    private StateDirs() {}

    static Path resolve(Path option) {
        return dev.relay.runner.contract.RelayEnv.current().stateDir(option);
    }
}
