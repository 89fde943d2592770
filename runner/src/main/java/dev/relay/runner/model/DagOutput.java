package dev.relay.runner.model;

import java.util.List;

/**
 * One output of a sub-DAG ({@code DagOutputsSpec}): {@code valueFromParameter} is one selector,
 * {@code valueFromOneof} and several {@code artifactSelectors} are several, and the first whose
 * producer succeeded with that output gives the value. For a loop, every iteration's value is
 * collected into a list in item order ({@code dsl.Collected}).
 *
 * @param selectors at least one, in declaration order
 */
public record DagOutput(List<Selector> selectors) {
    /** @throws IllegalArgumentException when there is no selector */
    public DagOutput {
        selectors = List.copyOf(selectors);
        if (selectors.isEmpty()) {
            throw new IllegalArgumentException("a DAG output needs at least one selector");
        }
    }

    /** {@code producerSubtask} and its {@code outputParameterKey} / {@code outputArtifactKey}. */
    public record Selector(String task, String key) {}
}
