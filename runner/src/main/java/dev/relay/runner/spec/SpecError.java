package dev.relay.runner.spec;

import java.util.Objects;

/**
 * One problem found in a component or pipeline file.
 *
 * <p>{@code line} and {@code column} are 1-based, like every position Relay prints; a file-level
 * error (an unreadable file, a problem of the document as a whole) is positioned at {@code 1:1},
 * the start of the file. {@code 0} is accepted for callers that have no file at all. {@link #toString()} gives the {@code FILE:LINE:COL: message} form
 * that {@code relay validate} prints (docs/contracts.md, "CLI").
 *
 * @param file    the file as the user named it (or the referenced file for errors inside a
 *                {@code componentRef.url}); never null
 * @param line    1-based line, or 0 when unknown
 * @param column  1-based column, or 0 when unknown
 * @param message what is wrong and what was expected; one line
 */
public record SpecError(String file, int line, int column, String message) {
    /** Checks the fields: file and message non-null, positions not negative. */
    public SpecError {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        if (line < 0 || column < 0) {
            throw new IllegalArgumentException("negative position " + line + ":" + column);
        }
    }

    /** A file-level error, positioned at the start of the file (1:1). */
    public static SpecError ofFile(String file, String message) {
        return new SpecError(file, 1, 1, message);
    }

    /** {@code FILE:LINE:COL: message}. */
    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + message;
    }
}
