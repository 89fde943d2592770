package dev.relay.runner.index;

/**
 * One valid metric of a task (KFP v1 {@code RunMetric}).
 *
 * @param task        the task (DNS-1123 name) whose metrics file holds it
 * @param entry       its index in the file's {@code metrics} array
 * @param name        matches {@link MetricsParser#NAME_PATTERN}
 * @param numberValue a finite number
 * @param format      {@code RAW}, {@code PERCENTAGE}, or null when the file gave none (KFP's
 *                    {@code UNSPECIFIED}, shown as raw)
 */
public record Metric(String task, int entry, String name, double numberValue, String format) {}
