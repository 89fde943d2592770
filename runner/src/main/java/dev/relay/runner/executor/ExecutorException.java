package dev.relay.runner.executor;

/**
 * A v2 execution that cannot start or whose outputs cannot be collected, with the docs/contracts.md
 * failure reason ({@code LaunchFailed}, {@code InputNotReadable}, {@code OutputMissing}, {@code Error})
 * and a message meant for the user.
 */
public final class ExecutorException extends RuntimeException {
    private final String reason;

    /** @param reason a reason of {@link dev.relay.runner.contract.AttemptStatus} */
    public ExecutorException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    /** @return the docs/contracts.md reason */
    public String reason() {
        return reason;
    }
}
