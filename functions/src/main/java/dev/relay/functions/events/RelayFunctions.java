package dev.relay.functions.events;

import dev.relay.eventing.input.SafeJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.relay.runner.contract.RunDoc;
import io.quarkus.funqy.Context;
import io.quarkus.funqy.Funq;
import io.quarkus.funqy.knative.events.CloudEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Relay's Funqy functions (knative-events binding), one per CloudEvent type family, each a thin
 * adapter over the runner. Funqy serves each at its own path ({@code POST /artifact},
 * {@code /run-start}, {@code /job-status}, binary or structured mode); {@link CloudEventRoute}
 * dispatches {@code POST /} to the same methods by type with Relay's status codes. The functions
 * answer no event (204), so the Broker gets no reply events to route.
 */
@ApplicationScoped
public class RelayFunctions {
    private static final ObjectMapper MAPPER = SafeJson.mapper();

    private final ArtifactHandler artifacts;
    private final RunStarter runs;
    private final JobStatusFunction jobs;

    /** @param artifacts the artifact body; @param runs the run starter; @param jobs the job-status handler */
    @Inject
    public RelayFunctions(ArtifactHandler artifacts, RunStarter runs, JobStatusFunction jobs) {
        this.artifacts = artifacts;
        this.runs = runs;
        this.jobs = jobs;
    }

    /**
     * {@code artifact}: an object event (S3 adapter form; data = one record) or a KafkaSource
     * event (data = a MinIO notification) → advances the run or hands metrics to the index.
     */
    @Funq("artifact")
    public void artifact(JsonNode data, @Context CloudEvent<?> event) {
        artifacts.handle(meta(event), bytes(data));
    }

    /** {@code run-start}: {@code dev.relay.run.requested} → writes the run's {@code run.json}. */
    @Funq("run-start")
    public void runStart(JsonNode data, @Context CloudEvent<?> event) {
        runs.startOnce(data, meta(event));
    }

    /** {@code job-status}: a Kubernetes Job change from ApiServerSource → {@link JobStatusFunction}. */
    @Funq("job-status")
    public void jobStatus(JsonNode data, @Context CloudEvent<?> event) {
        jobs.handle(meta(event), data);
    }

    /** @return the cause recorded for a run asked for by a CloudEvent ({@code kind: http}, the event's id/source/type) */
    public static RunDoc.Cause cause(EventMeta meta) {
        Map<String, String> event = new LinkedHashMap<>();
        event.put("id", meta.id());
        event.put("source", meta.source());
        event.put("type", meta.type());
        return new RunDoc.Cause("http", null, event, null);
    }

    private static EventMeta meta(CloudEvent<?> e) {
        if (e == null) {
            return new EventMeta(null, null, null, null, null, Map.of());
        }
        return new EventMeta(e.id(), e.type(), e.source(), e.subject(), e.dataContentType(), e.extensions());
    }

    private static byte[] bytes(JsonNode data) {
        if (data == null || data.isNull() || data.isMissingNode()) {
            return new byte[0];
        }
        try {
            return MAPPER.writeValueAsBytes(data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
