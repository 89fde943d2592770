package dev.relay.eventing.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.EventFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One row per S3/MinIO notification (or envelope holding one) in the shared cases
 * ({@code ../shared/cases/event_payloads}, INDEX.md section 5). Skipped when they are absent.
 */
class SharedPayloadsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        aws_s3_complete_multipart_key_plus_encoding.derived.json          | 1 | ObjectCreated:CompleteMultipartUpload | reports/Q1+Q2 summary (final) é.csv              | true
        aws_s3_delete_object.powertools.json                              | 1 | ObjectRemoved:Delete                  | b21b84d653bb07b05b1e6b33684dc11b                 | false
        aws_s3_put_key_percent20_space.aws-lambda-go.json                 | 1 | ObjectCreated:Put                     | Happy Face.jpg                                   | true
        aws_s3_test_event_no_records.derived.json                         | 0 |                                       |                                                  |
        minio_kafka_put_nested_prefix.derived.json                        | 1 | s3:ObjectCreated:Put                  | v2/artifacts/iris-pipeline/8d0a1b2c/train-model/model | true
        minio_webhook_delete_object.derived.json                          | 1 | s3:ObjectRemoved:Delete               | artifacts/old run/model v1.bin                   | false
        minio_webhook_put_key_space_unicode_plus_ampersand.derived.json   | 1 | s3:ObjectCreated:Put                  | pipelines/in put/Q1+Q2 résumé & 数据 (final).csv | true
        knative_kafkasource_minio_event_binary_mode.derived.http          | 1 | s3:ObjectCreated:Put                  | v2/artifacts/iris-pipeline/8d0a1b2c/train-model/model | true
        """)
    void parsesSharedPayload(String file, int count, String eventName, String key, Boolean newData) throws IOException {
        byte[] bytes = SharedCases.payload(file);
        if (file.endsWith(".http")) {
            bytes = SharedCases.httpBody(bytes); // the Kafka message value, carried by KafkaSource
        }
        List<S3Record> records = S3Notifications.parse(bytes);
        assertEquals(count, records.size());
        if (count == 1) {
            S3Record r = records.get(0);
            assertEquals(eventName, r.eventName());
            assertEquals(key, r.key());
            assertEquals(newData, r.isNewData());
        }
    }

    @Test
    void argoEventsEnvelopeIsRejected() throws IOException {
        byte[] bytes = SharedCases.payload("argo_events_minio_eventsource_data.derived.json");
        EventFormatException e = assertThrows(EventFormatException.class, () -> S3Notifications.parse(bytes));
        assertTrue(e.getMessage().startsWith("unsupported envelope"), e.getMessage());
        assertTrue(e.getMessage().contains("notification"), e.getMessage());
    }

    @Test
    void sharedRecordsCarryTheirFields() throws IOException {
        S3Record aws = S3Notifications.parse(SharedCases.payload("aws_s3_complete_multipart_key_plus_encoding.derived.json")).get(0);
        assertEquals(268435456L, aws.size());
        assertEquals("096fKKXTRTtl3on89fVO.nfljtsv6qko", aws.versionId());
        assertEquals("d41d8cd98f00b204e9800998ecf8427e-32", aws.eTag());
        assertEquals("us-east-1", aws.awsRegion());
        S3Record delete = S3Notifications.parse(SharedCases.payload("minio_webhook_delete_object.derived.json")).get(0);
        assertNull(delete.size());
        assertNull(delete.eTag());
        S3Record put = S3Notifications.parse(SharedCases.payload("minio_webhook_put_key_space_unicode_plus_ampersand.derived.json")).get(0);
        assertEquals(48213L, put.size());
        assertEquals("text/csv", put.contentType());
        assertEquals("text/csv", put.userMetadata().get("content-type"));
        assertEquals("1781A2B3C4D5E6F7", put.requestId());
        assertEquals("17CF1E0B3A4C9D21", put.sequencer());
    }

    /** A new notification payload in the shared cases must get a row above. */
    @Test
    void everyNotificationPayloadHasARow() throws IOException {
        Path dir = SharedCases.payloadDir();
        Set<String> covered = Set.of(
                "argo_events_minio_eventsource_data.derived.json",
                "aws_s3_complete_multipart_key_plus_encoding.derived.json",
                "aws_s3_delete_object.powertools.json",
                "aws_s3_put_key_percent20_space.aws-lambda-go.json",
                "aws_s3_test_event_no_records.derived.json",
                "minio_kafka_put_nested_prefix.derived.json",
                "minio_webhook_delete_object.derived.json",
                "minio_webhook_put_key_space_unicode_plus_ampersand.derived.json",
                "knative_kafkasource_minio_event_binary_mode.derived.http");
        try (Stream<Path> files = Files.list(dir)) {
            Set<String> notifications = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("minio_") || n.startsWith("aws_s3") || n.startsWith("argo_events")
                            || n.contains("minio_event"))
                    .collect(Collectors.toCollection(TreeSet::new));
            notifications.removeAll(covered);
            assertEquals(Set.of(), notifications, "shared notification payloads without a test row");
        }
    }
}
