package dev.relay.functions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.runner.contract.Json;
import dev.relay.runner.run.RunService;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** Shared helpers: the repo and shared dirs, the seed pipeline inlined, a CloudEvents HTTP client. */
public final class TestSupport {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private TestSupport() {}

    /** A response: status and body text. */
    public record Answer(int status, String body) {
        /** @return the body as JSON */
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    /** @return the repository root */
    public static Path repo() {
        return Path.of(System.getProperty("relay.repo.dir", "..")).toAbsolutePath().normalize();
    }

    /** @return {@code ../shared} when present (tests that need it skip with a message otherwise) */
    public static Optional<Path> shared() {
        String dir = System.getProperty("relay.shared.dir");
        Path p = dir == null ? repo().resolveSibling("shared") : Path.of(dir);
        return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
    }

    /** @return {@code examples/<path>} with its component files inlined, as YAML */
    public static String inlined(String path) {
        JsonNode tree = prepared(repo().resolve(path));
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(o).dump(Json.MAPPER.convertValue(tree, Map.class));
    }

    private static JsonNode prepared(Path file) {
        try {
            return RunService.prepare(file).spec();
        } catch (dev.relay.runner.spec.SpecException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** @return the seed pipeline with its component files inlined, as YAML: postable as a registered or inline pipeline */
    public static String seedYaml() {
        JsonNode tree = prepared(repo().resolve("examples/random-sum/pipeline.yaml"));
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new Yaml(o).dump(Json.MAPPER.convertValue(tree, Map.class));
    }

    /** A one-task pipeline that echoes its input. */
    public static final String ECHO = """
            name: echo
            inputs: [{name: text, default: hello}]
            implementation:
              container:
                image: alpine
                command: [echo, {inputValue: text}]
            """;

    /** Posts a CloudEvent with the CloudEvents SDK's HTTP writer, binary or structured mode. */
    public static Answer post(URI uri, CloudEvent event, boolean structured, Map<String, String> extraHeaders) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri);
        extraHeaders.forEach(b::header);
        byte[][] body = new byte[1][];
        var writer = HttpMessageFactory.createWriter((k, v) -> b.header(k, dev.relay.functions.events.CeHeaders.encode(k, v)),
                bytes -> body[0] = bytes);
        if (structured) {
            EventFormat format = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
            writer.writeStructured(event, format);
        } else {
            writer.writeBinary(event);
        }
        b.POST(body[0] == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body[0]));
        return send(b.build());
    }

    /** Posts raw headers and body. */
    public static Answer postRaw(URI uri, Map<String, String> headers, byte[] body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((k, v) -> {
            if (!Set.of("host", "content-length", "user-agent", "accept-encoding", "connection").contains(k.toLowerCase())) {
                b.header(k, v);
            }
        });
        return send(b.build());
    }


    private static Answer send(HttpRequest r) {
        try {
            HttpResponse<String> resp = HTTP.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(resp.statusCode(), resp.body());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
