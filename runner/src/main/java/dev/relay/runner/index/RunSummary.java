package dev.relay.runner.index;

import java.util.Map;

/**
 * A run as {@code relay runs list} and {@code GET /api/v1/runs} show it.
 *
 * @param pipeline        the pipeline's name, or null while {@code run.json} is not indexed
 * @param pipelineVersion the pipeline's version, or null
 * @param phase           {@code Running} until {@code runs/<run>/status.json}, then its phase
 * @param createdAt       from {@code run.json} (RFC 3339), or null
 * @param finishedAt      from {@code status.json}, or null while running
 * @param metrics         metric name → value over the run's kept metrics; when two tasks write
 *                        the same name, the task first by name wins
 * @param formats         metric name → {@code RAW} / {@code PERCENTAGE} for the metrics that give a format
 * @param cause           what started the run ({@code run.json} {@code cause.kind}: {@code cli}, {@code http},
 *                        {@code upload-trigger}, {@code event-trigger}, {@code schedule}), or null
 */
public record RunSummary(String runId, String pipeline, String pipelineVersion, String phase, String createdAt,
                         String finishedAt, Map<String, Double> metrics,
                         Map<String, String> formats, String cause) {}
