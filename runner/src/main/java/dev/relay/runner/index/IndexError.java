package dev.relay.runner.index;

/**
 * One problem found in a metrics or UI-metadata file (docs/contracts.md "Index errors").
 *
 * @param file    the object key of the file, e.g. {@code runs/r1/tasks/train/mlpipeline-metrics.json}
 * @param entry   the index in {@code metrics} / {@code outputs}, or null for a file-level error (not
 *                JSON, no {@code metrics}/{@code outputs} key), which is then the file's only error
 * @param field   the entry's field at fault ({@code name}, {@code numberValue}, {@code labels},
 *                {@code source}, ...); for a file-level error the missing key or null; null when the
 *                entry as a whole is at fault (not an object, over the 50-metric limit)
 * @param message what is wrong, for people
 */
public record IndexError(String file, Integer entry, String field, String message) {

    /** A file-level error. */
    public static IndexError ofFile(String file, String field, String message) {
        return new IndexError(file, null, field, message);
    }

    @Override
    public String toString() {
        return file + (entry == null ? "" : " outputs/metrics[" + entry + "]") + (field == null ? "" : " " + field)
                + ": " + message;
    }
}
