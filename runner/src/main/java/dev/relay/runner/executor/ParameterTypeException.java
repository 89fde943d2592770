package dev.relay.runner.executor;

/** A parameter value that does not have its declared type; the message names the value and the type. */
public final class ParameterTypeException extends IllegalArgumentException {
    /** @param message says what was given and what was expected */
    public ParameterTypeException(String message) {
        super(message);
    }
}
