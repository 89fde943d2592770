package dev.relay.runner.index;

/**
 * The index database could not be opened, migrated, read or written. Unchecked; the message
 * names the database and what failed, the cause is the JDBC or Flyway exception.
 */
public class IndexException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the database and what failed
     * @param cause   the JDBC or Flyway exception, or null
     */
    public IndexException(String message, Throwable cause) {
        super(message, cause);
    }
}
