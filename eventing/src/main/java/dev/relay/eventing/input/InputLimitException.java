package dev.relay.eventing.input;

import org.yaml.snakeyaml.error.YAMLException;

/**
 * A document refused by one of {@link InputLimits}: too large, nested too deep, or expanding too
 * far through aliases. The message names the limit and, where known, the 1-based line and column
 * ({@link #line()}, {@link #column()}; 0 when unknown). A {@link YAMLException}, so readers that
 * already report SnakeYAML's errors report this one the same way.
 */
public class InputLimitException extends YAMLException {
    private final int line;
    private final int column;

    /** @param message what was refused and which limit; @param line 1-based or 0; @param column 1-based or 0 */
    public InputLimitException(String message, int line, int column) {
        super(message);
        this.line = line;
        this.column = column;
    }

    /** @param message what was refused and which limit (no position) */
    public InputLimitException(String message) {
        this(message, 0, 0);
    }

    /** @return the 1-based line of the offending node, or 0 */
    public int line() {
        return line;
    }

    /** @return the 1-based column of the offending node, or 0 */
    public int column() {
        return column;
    }
}
