package dev.relay.runner.engine;

import java.util.Objects;

/**
 * An artifact as the engine passes it on: the output {@code output} of the executor task at
 * {@code producer} (a task path). Its object key is {@code runs/<run>/tasks/<producer>/outputs/<output>}
 * (docs/contracts.md); the controller turns it into a URI.
 */
public record ArtifactRef(String producer, String output) {
    /** @throws NullPointerException if either is null */
    public ArtifactRef {
        Objects.requireNonNull(producer, "producer");
        Objects.requireNonNull(output, "output");
    }
}
