package dev.relay.runner.index;

import java.util.List;
import java.util.Map;

/**
 * Metrics of several runs side by side ({@code relay metrics compare}, {@code GET /api/v1/compare}).
 *
 * @param runs        the run ids, in the order asked
 * @param metrics     metric name (sorted) → run id → value, for the runs that have it
 * @param formats     metric name → {@code RAW} / {@code PERCENTAGE} as the first run having it says, or
 *                    absent when unspecified
 * @param differences metric name → run id → that run's value minus the first run's (the baseline),
 *                    computed on the decimal values as written; only for runs after the first
 *                    where both have the metric
 */
public record Comparison(List<String> runs, Map<String, Map<String, Double>> metrics, Map<String, String> formats,
                         Map<String, Map<String, Double>> differences) {}
