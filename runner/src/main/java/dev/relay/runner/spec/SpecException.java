package dev.relay.runner.spec;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a component or pipeline file is invalid, or when a command cannot be resolved.
 * Holds every error that was found (the loader collects them all rather than stopping at the
 * first); {@link #getMessage()} is the errors' {@code FILE:LINE:COL: message} lines joined by
 * {@code \n}.
 */
public final class SpecException extends Exception {
    private static final long serialVersionUID = 1L;

    /** The errors, at least one, in the order they were found. */
    private final transient List<SpecError> errors;

    /** @param errors at least one error */
    public SpecException(List<SpecError> errors) {
        super(errors.stream().map(SpecError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a SpecException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** A single error. */
    public SpecException(SpecError error) {
        this(List.of(error));
    }

    /** The errors, at least one, in the order they were found (immutable). */
    public List<SpecError> errors() {
        return errors;
    }
}
