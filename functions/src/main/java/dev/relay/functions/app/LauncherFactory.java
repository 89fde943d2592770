package dev.relay.functions.app;

import dev.relay.runner.launch.Launcher;
import dev.relay.runner.store.ArtifactStore;

/**
 * Makes the {@link Launcher} for store {@code s3} (the cluster and bridge profiles). The default
 * bean ({@link ConfiguredLauncherFactory}) picks local processes or Kubernetes Jobs by {@code relay.launcher}; another bean may swap it by
 * providing a bean of this type (the default is a {@code @DefaultBean}).
 */
public interface LauncherFactory {
    /** @return a launcher that publishes to {@code store} */
    Launcher create(ArtifactStore store);
}
