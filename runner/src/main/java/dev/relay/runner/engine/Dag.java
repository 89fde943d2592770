package dev.relay.runner.engine;

import java.util.List;
import java.util.Set;

/**
 * The task graph the engine reasons about: task ids, their direct neighbours and retry budget.
 * Implementations must answer {@link #upstream} and {@link #downstream} in O(1) (precomputed).
 */
public interface Dag {
    /** @return every task id in topological order (every task after all its upstream tasks), stable */
    List<String> tasks();

    /** @return the tasks whose outputs {@code task} consumes (direct neighbours only) */
    Set<String> upstream(String task);

    /** @return the tasks that consume an output of {@code task} (direct neighbours only) */
    Set<String> downstream(String task);

    /** @return whether {@code task} is in the DAG, in O(1) */
    boolean contains(String task);

    /** @return how many attempts after the first a failed task gets (KFP's {@code maxRetries}), &ge; 0 */
    int maxRetries(String task);
}
