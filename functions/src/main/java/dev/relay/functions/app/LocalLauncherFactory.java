package dev.relay.functions.app;

import dev.relay.runner.launch.LaunchListener;
import dev.relay.runner.launch.Launcher;
import dev.relay.runner.launch.LocalLauncher;
import dev.relay.runner.store.ArtifactStore;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;

/** Local processes, work dirs under {@code relay.work-dir} (default {@code <state dir>/work}). */
@ApplicationScoped
@DefaultBean
public class LocalLauncherFactory implements LauncherFactory {
    private final RelayConfig config;

    /** @param config where the work dirs go */
    @Inject
    public LocalLauncherFactory(RelayConfig config) {
        this.config = config;
    }

    @Override
    public Launcher create(ArtifactStore store) {
        Path work = Path.of(config.workDir().orElse(config.stateDir() + "/work"));
        return new LocalLauncher(store, work, LaunchListener.NONE, Runtime.getRuntime().availableProcessors(), Clock.systemUTC());
    }
}
