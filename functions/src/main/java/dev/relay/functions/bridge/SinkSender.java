package dev.relay.functions.bridge;

import dev.relay.functions.events.CeHeaders;
import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Sends a CloudEvent to a sink (the Knative Broker, {@code K_SINK}) in HTTP binary mode. */
public final class SinkSender {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI sink;

    /** @param sink the Broker's URL */
    public SinkSender(URI sink) {
        this.sink = sink;
    }

    /**
     * @return the sink's status code
     * @throws IOException when the sink cannot be reached
     */
    public int send(CloudEvent event) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(sink).timeout(Duration.ofSeconds(30));
        byte[][] body = new byte[1][];
        HttpMessageFactory.createWriter((k, v) -> request.header(k, CeHeaders.encode(k, v)), b -> body[0] = b).writeBinary(event);
        request.POST(body[0] == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body[0]));
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending to the sink", e);
        }
    }

    /** @return the sink's URL */
    public URI sink() {
        return sink;
    }
}
