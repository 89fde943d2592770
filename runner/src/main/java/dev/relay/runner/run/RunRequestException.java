package dev.relay.runner.run;

/** A run request that cannot start: unknown or missing parameter, unreadable parameter file. */
public final class RunRequestException extends Exception {
    public RunRequestException(String message) {
        super(message);
    }
}
