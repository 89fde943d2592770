package dev.relay.runner.executor;

/**
 * Who an execution is, for v2 placeholders and object keys.
 *
 * @param runId        the run ({@code {{$.pipeline_job_uuid}}})
 * @param pipelineName {@code pipelineInfo.name} ({@code {{$.pipeline_job_name}}} is the run id
 *                     prefixed by it, as {@code kfp.local} names a pipeline resource)
 * @param taskPath     the task's key in the run's layout, e.g. {@code for-loop-2/0/train}
 * @param taskName     {@code taskInfo.name} ({@code {{$.pipeline_task_name}}})
 * @param attempt      1-based
 */
public record TaskIdentity(String runId, String pipelineName, String taskPath, String taskName, int attempt) {
    /** @return {@code <run>/<taskPath>/<attempt>} ({@code {{$.pipeline_task_uuid}}}) */
    public String taskUuid() {
        return runId + "/" + taskPath + "/" + attempt;
    }

    /**
     * @return the value of {@code {{$.pipeline_job_name}}} and {@code {{$.pipeline_job_resource_name}}}:
     *     {@code <pipelineName>-<runId>}, as KFP names a run's resource (and a task's
     *     {@code PipelineTaskFinalStatus.pipelineJobResourceName} says)
     */
    public String jobName() {
        return pipelineName == null || pipelineName.isEmpty() ? runId : pipelineName + "-" + runId;
    }
}
