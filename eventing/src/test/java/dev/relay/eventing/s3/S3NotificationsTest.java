package dev.relay.eventing.s3;

import static dev.relay.eventing.s3.Fixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.EventFormatException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class S3NotificationsTest {

    @Test
    void minioEnvelope() {
        List<S3Record> records = S3Notifications.parse(bytes(Fixtures.MINIO_PUT));
        assertEquals(1, records.size());
        S3Record r = records.get(0);
        assertEquals("s3:ObjectCreated:Put", r.eventName());
        assertEquals("mlpipeline", r.bucket());
        assertEquals("pipelines/in put/Q1+Q2 résumé & 数据 (final).csv", r.key());
        assertEquals(48213L, r.size());
        assertEquals("5d41402abc4b2a76b9719d911017c592", r.eTag());
        assertNull(r.versionId());
        assertEquals("17CF1E0B3A4C9D21", r.sequencer());
        assertEquals(Instant.parse("2024-05-14T09:21:07.412Z"), r.eventTime());
        assertEquals("", r.awsRegion());
        assertEquals("minio:s3", r.eventSource());
        assertEquals("1781A2B3C4D5E6F7", r.requestId());
        assertEquals("dd90", r.id2());
        assertEquals("text/csv", r.contentType());
        assertEquals(Map.of("content-type", "text/csv"), r.userMetadata());
        assertTrue(r.isNewData());
        assertEquals("s3://mlpipeline/pipelines/in put/Q1+Q2 résumé & 数据 (final).csv", r.uri());
    }

    @Test
    void olderMinioWithEventType() {
        S3Record r = S3Notifications.parse(bytes(Fixtures.MINIO_OLD_EVENTTYPE)).get(0);
        assertEquals("s3:ObjectRemoved:Delete", r.eventName());
        assertEquals("a b/c", r.key());
        assertNull(r.size());
        assertNull(r.id2());
        assertEquals(Instant.parse("2019-10-22T09:27:27Z"), r.eventTime());
        assertFalse(r.isNewData());
    }

    @Test
    void envelopeEventNameFillsAMissingRecordName() {
        String json = "{\"EventType\":\"s3:ObjectCreated:Post\",\"Key\":\"b/k\",\"Records\":"
                + "[{\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\"}}}]}";
        S3Record r = S3Notifications.parse(bytes(json)).get(0);
        assertEquals("s3:ObjectCreated:Post", r.eventName());
        assertTrue(r.isNewData());
    }

    @Test
    void awsBareRecords() {
        S3Record r = S3Notifications.parse(bytes(Fixtures.AWS_PUT)).get(0);
        assertEquals("ObjectCreated:CompleteMultipartUpload", r.eventName());
        assertEquals("reports/Q1+Q2 summary (final) é.csv", r.key());
        assertEquals(268435456L, r.size());
        assertEquals("096fKK", r.versionId());
        assertEquals("us-east-1", r.awsRegion());
        assertTrue(r.isNewData());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        Fixtures.AWS_TEST_EVENT,
        "{\"Records\":[]}",
        "{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"b/k\",\"Records\":null}",
        "{\"EventName\":\"s3:ObjectCreated:Put\",\"Key\":\"b/k\"}",
    })
    void noRecordsIsEmptyNotAnError(String json) {
        assertEquals(List.of(), S3Notifications.parse(bytes(json)));
    }

    @Test
    void argoEventsEnvelopeIsUnsupported() {
        EventFormatException e = assertThrows(EventFormatException.class,
                () -> S3Notifications.parse(bytes(Fixtures.ARGO_EVENTS)));
        assertTrue(e.getMessage().startsWith("unsupported envelope"), e.getMessage());
        assertTrue(e.getMessage().contains("[notification, metadata]"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        `hello`                                   | not JSON
        `{"Records":`                             | not JSON
        ``                                        | not JSON
        `[{"Records":[]}]`                        | unsupported envelope
        `{}`                                      | unsupported envelope
        `{"Records":{"a":1}}`                     | unsupported envelope
        `{"Records":[1]}`                         | Records[0]: not a JSON object
        `{"Records":[{"s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]}`       | Records[0]: missing eventName
        `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"object":{"key":"k"}}}]}` | Records[0]: missing s3.bucket.name
        `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"}}}]}` | Records[0]: missing s3.object.key
        `{"Records":[{"eventName":"ObjectCreated:Put","eventTime":"yesterday","s3":{"bucket":{"name":"b"},"object":{"key":"k"}}}]}` | Records[0]: eventTime is not RFC 3339
        `{"Records":[{"eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":"k","size":"big"}}}]}` | Records[0]: s3.object.size is not an integer
        """)
    void badPayloadsSayWhatIsWrong(String json, String messageStart) {
        EventFormatException e = assertThrows(EventFormatException.class,
                () -> S3Notifications.parse(bytes(json == null ? "" : json)));
        assertTrue(e.getMessage().startsWith(messageStart), e.getMessage());
    }

    @Test
    void entriesCarryEachRecordsJson() {
        List<S3Notifications.Entry> entries = S3Notifications.parseEntries(bytes(Fixtures.MINIO_PUT));
        assertEquals(1, entries.size());
        S3Record again = S3Notifications.parseRecord(entries.get(0).json());
        assertEquals(entries.get(0).record(), again);
    }

    @ParameterizedTest
    @CsvSource({
        "s3:ObjectCreated:Put, true",
        "ObjectCreated:Put, true",
        "s3:ObjectCreated:Post, true",
        "ObjectCreated:Copy, true",
        "s3:ObjectCreated:CompleteMultipartUpload, true",
        "ObjectCreated:CompleteMultipartUpload, true",
        "s3:ObjectCreated:PutTagging, false",
        "ObjectCreated:DeleteTagging, false",
        "s3:ObjectCreated:PutRetention, false",
        "s3:ObjectCreated:PutLegalHold, false",
        "s3:ObjectRemoved:Delete, false",
        "ObjectRemoved:DeleteMarkerCreated, false",
        "s3:ObjectAccessed:Get, false",
        "s3:ObjectAccessed:Head, false",
    })
    void newData(String eventName, boolean expected) {
        S3Record r = new S3Record(eventName, "b", "k", null, null, null, null, null, null, null, null, null, null, null);
        assertEquals(expected, r.isNewData());
    }
}
