package dev.relay.runner.index;

import java.util.List;

/** A query named runs the index does not hold (HTTP: 404). */
public class UnknownRunException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> runIds;

    /** @param runIds the ids not found, in the order asked */
    public UnknownRunException(List<String> runIds) {
        super((runIds.size() == 1 ? "no run '" + runIds.get(0) + "'" : "no runs " + runIds) + " in the index");
        this.runIds = List.copyOf(runIds);
    }

    /** The run ids not found. */
    public List<String> runIds() {
        return runIds;
    }
}
