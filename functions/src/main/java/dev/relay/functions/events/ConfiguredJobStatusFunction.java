package dev.relay.functions.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.functions.app.HttpError;
import dev.relay.functions.app.KubernetesClients;
import dev.relay.functions.app.RelayConfig;
import dev.relay.functions.app.Backend;
import dev.relay.runner.k8s.JobStatusHandler.Result;
import dev.relay.runner.contract.Json;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code job-status} function's body: with {@code relay.launcher=kubernetes} (the cluster
 * profile) the runner's {@link dev.relay.runner.k8s.JobStatusHandler} (Resource mode: the data is
 * the Job; Reference mode: it GETs the Job) writes a Failed {@code status.json} for a Job that
 * failed without one; otherwise {@link LoggingJobStatusFunction} logs and acknowledges.
 */
@ApplicationScoped
@DefaultBean
public class ConfiguredJobStatusFunction implements JobStatusFunction {
    private final RelayConfig config;
    private final KubernetesClients clients;
    private final Backend backend;
    private final LoggingJobStatusFunction logging = new LoggingJobStatusFunction();
    private dev.relay.runner.k8s.JobStatusHandler kubernetes;

    /** @param config which launcher; @param clients the Kubernetes client; @param backend the Relay bucket */
    @Inject
    public ConfiguredJobStatusFunction(RelayConfig config, KubernetesClients clients, Backend backend) {
        this.config = config;
        this.clients = clients;
        this.backend = backend;
    }

    /**
     * @throws HttpError 400 for data that is not about a Relay-readable {@code batch/v1} Job, 503 when
     *                   the API server cannot be asked (the Broker redelivers)
     */
    @Override
    public Object handle(EventMeta meta, JsonNode data) {
        if (!"kubernetes".equals(config.launcher())) {
            return logging.handle(meta, data);
        }
        Result r;
        try {
            r = handler().handle(Json.bytes(data));
        } catch (IllegalArgumentException e) {
            throw HttpError.badRequest("job-status: " + e.getMessage());
        } catch (KubernetesClientException e) {
            throw new HttpError(503, "job-status: the API server cannot be asked: " + e.getMessage());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("function", EventTypes.JOB_STATUS);
        out.put("type", meta.type());
        out.put("outcome", r.outcome().name());
        out.put("job", r.job());
        out.put("key", r.key());
        out.put("detail", r.detail());
        return out;
    }

    private synchronized dev.relay.runner.k8s.JobStatusHandler handler() {
        if (kubernetes == null) {
            kubernetes = new dev.relay.runner.k8s.JobStatusHandler(clients.client(), backend.store(), Clock.systemUTC());
        }
        return kubernetes;
    }
}
