package dev.relay.functions;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.relay.functions.app.Backend;
import dev.relay.runner.contract.RunLayout;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The bridge end to end: the store's notifications go through a real Kafka topic, the app (bridge
 * profile, no sink) consumes them and calls the artifact function directly, and the seed pipeline
 * runs to completion on that path alone. A message it cannot read goes to the dead-letter topic.
 */
@QuarkusTest
@TestProfile(BridgeProfile.class)
class KafkaBridgeTest {
    @Inject Backend backend;

    @Test
    void theSeedRunsToCompletionThroughKafka() throws Exception {
        given().contentType("application/yaml").body(TestSupport.seedYaml().getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/pipelines?name=random-sum").then().statusCode(anyOf(equalTo(201), equalTo(200)));
        String runId = given().contentType("application/json")
                .body("{\"pipeline\":{\"name\":\"random-sum\"},\"parameters\":{\"count\":\"6\"}}")
                .post("/api/v1/runs").then().statusCode(201).extract().path("runId");
        JsonNode view = RunApiTest.await(runId);
        assertEquals("Succeeded", view.get("phase").asText(), view.toString());
        String numbers = new String(backend.store().get(RunLayout.output(runId, "gen", "numbers")).orElseThrow(), StandardCharsets.UTF_8);
        int sum = Arrays.stream(numbers.split("\\s+")).filter(s -> !s.isBlank()).mapToInt(Integer::parseInt).sum();
        String printed = new String(backend.store().get(RunLayout.attemptLog(runId, "print", 1)).orElseThrow(), StandardCharsets.UTF_8);
        assertEquals(Integer.toString(sum), printed.strip());
    }

    @Test
    void anUnreadableMessageGoesToTheDeadLetterTopicWithTheError() throws Exception {
        KafkaBridgeResource.publish("this is not a MinIO notification".getBytes(StandardCharsets.UTF_8));
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBridgeResource.bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of("relay-minio-events-dlq"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if ("this is not a MinIO notification".equals(new String(r.value(), StandardCharsets.UTF_8))) {
                        Header reason = r.headers().lastHeader("dead-letter-reason");
                        assertNotNull(reason, "the error travels with the record");
                        String why = new String(reason.value(), StandardCharsets.UTF_8);
                        assertTrue(why.startsWith("not JSON"), why);
                        return;
                    }
                }
            }
        }
        throw new AssertionError("the unreadable message never reached relay-minio-events-dlq");
    }
}
