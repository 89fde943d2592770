package dev.relay.functions.events;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Handles a Kubernetes Job change from Knative's ApiServerSource ({@code job-status}): a Job that
 * failed without writing its {@code status.json} gets a Failed status written on its behalf
 * (docs/contracts.md). {@link ConfiguredJobStatusFunction} is the bean: the runner's
 * {@link dev.relay.runner.k8s.JobStatusHandler} with {@code relay.launcher=kubernetes}, else
 * {@link LoggingJobStatusFunction}. (Named apart from the runner's handler it wraps.)
 */
public interface JobStatusFunction {
    /**
     * @param meta the event's attributes ({@code dev.knative.apiserver.resource.*} or {@code .ref.*};
     *             extensions {@code kind}, {@code name}, {@code namespace})
     * @param data the Job (Resource mode) or a reference {@code {kind, namespace, name, apiVersion}}
     * @return a short JSON-able summary of what was done
     * @throws dev.relay.functions.app.HttpError for an event it cannot accept
     */
    Object handle(EventMeta meta, JsonNode data);
}
