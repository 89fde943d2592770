package dev.relay.functions.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/** The {@code job-status} answer without Kubernetes ({@code relay.launcher=local}): logs the Job change and acknowledges it. */
public class LoggingJobStatusFunction implements JobStatusFunction {
    private static final Logger LOG = Logger.getLogger(LoggingJobStatusFunction.class);

    @Override
    public Object handle(EventMeta meta, JsonNode data) {
        String kind = meta.extensions().getOrDefault("kind", data.path("kind").asText(null));
        String name = meta.extensions().getOrDefault("name", data.path("metadata").path("name").asText(data.path("name").asText(null)));
        LOG.infof("job-status: %s for %s %s (relay.launcher is not kubernetes; acknowledged)", meta.type(), kind, name);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("function", EventTypes.JOB_STATUS);
        out.put("type", meta.type());
        out.put("kind", kind);
        out.put("name", name);
        out.put("action", "logged");
        return out;
    }
}
