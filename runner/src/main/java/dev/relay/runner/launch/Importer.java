package dev.relay.runner.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.relay.runner.contract.AttemptStatus;
import dev.relay.runner.contract.Json;
import dev.relay.runner.contract.RunDoc;
import dev.relay.runner.contract.RunLayout;
import dev.relay.runner.contract.Times;
import dev.relay.runner.engine.ExecutionPhase;
import dev.relay.runner.executor.ExecutorException;
import dev.relay.runner.executor.ExecutorSpec;
import dev.relay.runner.executor.ExecutorTask;
import dev.relay.runner.executor.ParameterType;
import dev.relay.runner.executor.TaskIdentity;
import dev.relay.runner.executor.V2Executor;
import dev.relay.runner.store.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/**
 * Runs a KFP v2 importer node ({@code dsl.importer}, {@link ExecutorSpec.Importer}) without a
 * process: its one output artifact {@code artifact} is the URI it names, with its type and metadata
 * (metadata values may hold {@code {{$.inputs.parameters['x']}}} placeholders, resolved here).
 * <ul>
 *   <li>{@code s3://<relay bucket>/key} (or {@code minio://}): must exist (an object, or a prefix
 *       for a directory); referenced where it is, or, with {@code reimport: true}, copied into the
 *       run's own layout ({@code runs/<run>/tasks/<path>/outputs/artifact}) so that this run keeps
 *       the bytes it imported. Relay has no artifact registry, so that is the only effect of
 *       {@code reimport};</li>
 *   <li>a local path ({@code /abs/path} or {@code file://}): only for a run started by the CLI
 *       ({@code run.json} cause {@code cli}), never over HTTP or events; uploaded into the run's
 *       layout;</li>
 *   <li>any other URI ({@code gs://}, Vertex, {@code https://}): recorded as KFP's importer does
 *       (it only registers the URI); a task that reads it then fails with {@code InputNotReadable}
 *       naming it, and {@code relay run} refuses such a pipeline before launch
 *       ({@code V2HostCheck}).</li>
 * </ul>
 */
public final class Importer {
    /** The importer's output name (KFP's). */
    public static final String OUTPUT = "artifact";

    private Importer() {}

    /**
     * Imports and returns the attempt's status (Succeeded, or Failed with the reason); the caller
     * writes it as the attempt's {@code status.json}.
     */
    public static AttemptStatus run(ExecutorTask task, ArtifactStore store, Clock clock) {
        Instant started = clock.instant();
        TaskIdentity id = task.id();
        try {
            AttemptStatus.OutputRef ref = importArtifact(task, store);
            return new AttemptStatus(id.runId(), id.taskPath(), id.attempt(), ExecutionPhase.Succeeded, null, null, null,
                    Times.format(started), Times.format(clock.instant()), Map.of(OUTPUT, ref), null);
        } catch (ExecutorException e) {
            return new AttemptStatus(id.runId(), id.taskPath(), id.attempt(), ExecutionPhase.Failed, null, e.reason(),
                    e.getMessage(), Times.format(started), Times.format(clock.instant()), Map.of(), null);
        }
    }

    private static AttemptStatus.OutputRef importArtifact(ExecutorTask task, ArtifactStore store) {
        if (!(task.executor() instanceof ExecutorSpec.Importer imp)) {
            throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, "executor '" + task.executor().label() + "' is not an importer");
        }
        TaskIdentity id = task.id();
        Map<String, JsonNode> params = V2Executor.inputParameters(task);
        String uri = imp.uriConstant();
        if (uri == null) {
            JsonNode v = params.get(imp.uriParameter());
            if (v == null || v.isNull() || v.asText().isEmpty()) {
                throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, "importer '" + id.taskName() + "': its URI parameter '"
                        + imp.uriParameter() + "' has no value");
            }
            uri = v.asText();
        }
        String what = "importer '" + id.taskName() + "': ";
        ObjectNode metadata = metadata(imp.metadata(), params, what);
        String title = imp.type().schemaTitle();
        String relay = "s3://" + store.bucket() + "/";
        String minio = "minio://" + store.bucket() + "/";
        if (uri.startsWith(relay) || uri.startsWith(minio)) {
            String key = uri.substring(uri.startsWith(relay) ? relay.length() : minio.length());
            boolean object = store.stat(key).isPresent();
            if (!object && store.list(key.endsWith("/") ? key : key + "/", true).isEmpty()) {
                throw new ExecutorException(AttemptStatus.INPUT_NOT_READABLE, what + uri + " is not in Relay's bucket "
                        + store.bucket() + " (no object and no directory of that name)");
            }
            if (!imp.reimport()) {
                long size = object ? store.stat(key).get().size() : 0;
                return new AttemptStatus.OutputRef(relay + key, size, null, title, metadata);
            }
            String target = RunLayout.output(id.runId(), id.taskPath(), OUTPUT);
            if (object) {
                String gone = what + uri + " vanished";
                byte[] bytes = store.get(key).orElseThrow(() -> new ExecutorException(AttemptStatus.INPUT_NOT_READABLE, gone));
                store.put(target, bytes);
                return new AttemptStatus.OutputRef(store.uri(target), bytes.length,
                        dev.relay.eventing.Sha256.hex(bytes), title, metadata);
            }
            String prefix = key.endsWith("/") ? key : key + "/";
            long total = 0;
            for (String k : store.list(prefix, true)) {
                byte[] bytes = store.get(k).orElse(new byte[0]);
                store.put(target + "/" + k.substring(prefix.length()), bytes);
                total += bytes.length;
            }
            return new AttemptStatus.OutputRef(store.uri(target), total, null, title, metadata);
        }
        if (uri.startsWith("/") || uri.startsWith("file://")) {
            if (!fromCli(store, id.runId())) {
                throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, what + "the local path " + uri
                        + " is accepted only from the CLI (relay run on this machine), never over HTTP or events;"
                        + " upload it (relay upload) and import its s3:// URI");
            }
            Path p = Path.of(uri.startsWith("file://") ? uri.substring("file://".length()) : uri);
            if (!Files.exists(p) || !Files.isReadable(p)) {
                throw new ExecutorException(AttemptStatus.INPUT_NOT_READABLE, what + "the local path " + p + " does not exist or cannot be read");
            }
            try {
                AttemptStatus.OutputRef o = Outputs.publish(store, RunLayout.output(id.runId(), id.taskPath(), OUTPUT), p);
                return new AttemptStatus.OutputRef(o.uri(), o.size(), o.sha256(), title, metadata);
            } catch (IOException e) {
                throw new ExecutorException(AttemptStatus.INPUT_NOT_READABLE, what + "cannot read " + p + ": " + e.getMessage());
            } catch (UncheckedIOException e) {
                throw new ExecutorException(AttemptStatus.INPUT_NOT_READABLE, what + "cannot read " + p + ": " + e.getCause().getMessage());
            }
        }
        // gs://, https://, a Vertex resource, another bucket: registered as KFP's importer does, not fetched
        return new AttemptStatus.OutputRef(uri, 0, null, title, metadata);
    }

    private static final java.util.regex.Pattern PARAM = java.util.regex.Pattern.compile("\\{\\{\\$\\.inputs\\.parameters\\['([^']+)'\\]\\}\\}");

    /**
     * @return the metadata with {@code {{$.inputs.parameters['x']}}} in string values replaced by the
     *     parameter's value; a value that is one placeholder keeps the parameter's JSON type
     */
    private static ObjectNode metadata(ObjectNode given, Map<String, JsonNode> params, String what) {
        ObjectNode out = given.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = given.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                continue;
            }
            String text = e.getValue().asText();
            java.util.regex.Matcher whole = PARAM.matcher(text);
            if (whole.matches() && params.containsKey(whole.group(1))) {
                out.set(e.getKey(), params.get(whole.group(1)));
                continue;
            }
            java.util.regex.Matcher m = PARAM.matcher(text);
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                JsonNode v = params.get(m.group(1));
                if (v == null) {
                    throw new ExecutorException(AttemptStatus.LAUNCH_FAILED, what + "metadata '" + e.getKey()
                            + "' refers to the unknown input parameter '" + m.group(1) + "'");
                }
                m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(ParameterType.text(v)));
            }
            m.appendTail(sb);
            out.put(e.getKey(), sb.toString());
        }
        return out;
    }

    private static boolean fromCli(ArtifactStore store, String runId) {
        return store.get(RunLayout.runJson(runId)).map(b -> {
            RunDoc d = Json.read(b, RunDoc.class, RunLayout.runJson(runId));
            return d.cause() != null && "cli".equals(d.cause().kind());
        }).orElse(false);
    }

}
