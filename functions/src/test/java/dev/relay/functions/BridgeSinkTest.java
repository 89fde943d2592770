package dev.relay.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.relay.eventing.s3.MinioRecords;
import dev.relay.functions.app.RelayConfig;
import dev.relay.functions.bridge.MinioBridge;
import dev.relay.functions.events.CeHeaders;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The bridge's sink mode against a stand-in Broker on loopback: binary mode, retries, dead-lettering. */
class BridgeSinkTest {
    record Seen(Map<String, List<String>> headers, byte[] body) {}

    static RelayConfig config(String sink) {
        RelayConfig.Retry retry = new RelayConfig.Retry() {
            @Override public int attempts() { return 3; }
            @Override public Duration initialDelay() { return Duration.ofMillis(5); }
            @Override public Duration maxDelay() { return Duration.ofMillis(20); }
        };
        return (RelayConfig) java.lang.reflect.Proxy.newProxyInstance(RelayConfig.class.getClassLoader(),
                new Class<?>[] {RelayConfig.class}, (p, m, a) -> switch (m.getName()) {
                    case "sink" -> Optional.of(sink);
                    case "deliveryRetry", "readRetry" -> retry;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void eachRecordGoesToTheSinkInBinaryModeAndFailuresAreBounded() throws Exception {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        AtomicInteger status = new AtomicInteger(202);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            seen.add(new Seen(ex.getRequestHeaders(), ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
        try {
            MinioBridge bridge = new MinioBridge(null, config("http://127.0.0.1:" + server.getAddress().getPort() + "/"));
            String key = "runs/r-1/tasks/t/outputs/Q1+Q2 résumé";
            byte[] env = MinioRecords.envelope("s3:ObjectCreated:Put", "mlpipeline", key, 3, "e", "text/plain", "17F0000000000001",
                    Instant.parse("2026-11-29T10:15:00Z"));
            bridge.deliver(env);
            assertEquals(1, seen.size());
            Map<String, List<String>> h = seen.get(0).headers();
            assertEquals("com.amazonaws.s3.ObjectCreated:Put", h.get("Ce-type").get(0));
            assertEquals(key, CeHeaders.decode("ce-subject", h.get("Ce-subject").get(0)), "subject percent-encoded, decodable");
            assertTrue(new String(seen.get(0).body()).contains("\"eventName\":\"s3:ObjectCreated:Put\""));

            status.set(503);
            MinioBridge.BridgeException e = assertThrows(MinioBridge.BridgeException.class, () -> bridge.deliver(env));
            assertTrue(e.getMessage().contains("answered 503") && e.getMessage().contains("after 3 attempts"), e.getMessage());
            assertEquals(4, seen.size(), "retried with bounded backoff");

            status.set(400);
            e = assertThrows(MinioBridge.BridgeException.class, () -> bridge.deliver(env));
            assertEquals(5, seen.size(), "a 400 is not retried");
            assertThrows(MinioBridge.BridgeException.class, () -> bridge.deliver("{\"notification\":[]}".getBytes()));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void headerEncodingRoundTrips() {
        for (String s : List.of("plain", "a b\"c%d", "résumé & 数据 (final).csv", "100%")) {
            String enc = CeHeaders.encode("ce-subject", s);
            assertTrue(enc.chars().allMatch(c -> c > 0x20 && c < 0x7f), enc);
            assertEquals(s, CeHeaders.decode("ce-subject", enc));
        }
        assertEquals("a b", CeHeaders.encode("content-type", "a b"));
    }
}
