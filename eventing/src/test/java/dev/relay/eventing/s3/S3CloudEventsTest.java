package dev.relay.eventing.s3;

import static dev.relay.eventing.s3.Fixtures.bytes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.relay.eventing.EventFormatException;
import dev.relay.eventing.RelayEventTypes;
import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class S3CloudEventsTest {

    @Test
    void minioRecord() {
        S3Notifications.Entry e = S3Notifications.parseEntries(bytes(Fixtures.MINIO_PUT)).get(0);
        CloudEvent ce = S3CloudEvents.toCloudEvent(e.record(), e.json());
        assertEquals(SpecVersion.V1, ce.getSpecVersion());
        assertEquals("com.amazonaws.s3.ObjectCreated:Put", ce.getType());
        assertEquals(URI.create("minio:s3..mlpipeline"), ce.getSource());
        assertEquals("1781A2B3C4D5E6F7.dd90", ce.getId());
        assertEquals("pipelines/in put/Q1+Q2 résumé & 数据 (final).csv", ce.getSubject());
        assertEquals(OffsetDateTime.parse("2024-05-14T09:21:07.412Z"), ce.getTime());
        assertEquals("application/json", ce.getDataContentType());
        assertArrayEquals(e.json(), ce.getData().toBytes());
        assertEquals(e.record(), S3CloudEvents.toRecord(ce));
    }

    @Test
    void minioWithoutId2UsesTheSequencer() {
        List<CloudEvent> events = S3CloudEvents.toCloudEvents(bytes(Fixtures.MINIO_OLD_EVENTTYPE));
        assertEquals(1, events.size());
        CloudEvent ce = events.get(0);
        assertEquals("15CFEDF8D4736ED9.15CFEDF8D5304D1A", ce.getId());
        assertEquals("com.amazonaws.s3.ObjectRemoved:Delete", ce.getType());
        assertEquals("a b/c", ce.getSubject());
    }

    @Test
    void awsRecord() {
        CloudEvent ce = S3CloudEvents.toCloudEvents(bytes(Fixtures.AWS_PUT)).get(0);
        assertEquals(RelayEventTypes.S3_PREFIX + "ObjectCreated:CompleteMultipartUpload", ce.getType());
        assertEquals(URI.create("aws:s3.us-east-1.kfp-inputs"), ce.getSource());
        assertEquals("C3D13FE58DE4C810.FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD", ce.getId());
        assertEquals("reports/Q1+Q2 summary (final) é.csv", ce.getSubject());
        assertEquals(OffsetDateTime.parse("2024-05-14T12:00:01.123Z"), ce.getTime());
        S3Record back = S3CloudEvents.toRecord(ce);
        assertEquals("reports/Q1+Q2 summary (final) é.csv", back.key());
        assertEquals("096fKK", back.versionId());
    }

    @Test
    void recordWithoutTimeOrIdsStillGetsAStableId() {
        byte[] json = bytes("{\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\"}}}");
        S3Record r = S3Notifications.parseRecord(json);
        CloudEvent a = S3CloudEvents.toCloudEvent(r, json);
        CloudEvent b = S3CloudEvents.toCloudEvent(r, json);
        assertEquals(64, a.getId().length());
        assertEquals(a.getId(), b.getId());
        assertNull(a.getTime());
        assertEquals(URI.create("..b"), a.getSource());
    }

    @Test
    void toRecordAcceptsAOneRecordNotificationAsData() {
        CloudEvent ce = CloudEventBuilder.v1().withId("1").withSource(URI.create("/x"))
                .withType("com.amazonaws.s3.ObjectCreated:Put")
                .withData("application/json", bytes(Fixtures.MINIO_PUT)).build();
        assertEquals("pipelines/in put/Q1+Q2 résumé & 数据 (final).csv", S3CloudEvents.toRecord(ce).key());
    }

    @Test
    void toRecordRejectsEventsWithoutRecordData() {
        CloudEvent noData = CloudEventBuilder.v1().withId("1").withSource(URI.create("/x")).withType("t").build();
        assertThrows(EventFormatException.class, () -> S3CloudEvents.toRecord(noData));
        CloudEvent text = CloudEventBuilder.v1().withId("1").withSource(URI.create("/x")).withType("t")
                .withData("text/plain", bytes("hello")).build();
        EventFormatException e = assertThrows(EventFormatException.class, () -> S3CloudEvents.toRecord(text));
        assertEquals(true, e.getMessage().startsWith("not JSON"), e.getMessage());
    }

    @Test
    void relayTypes() {
        assertEquals("com.amazonaws.s3.ObjectCreated:Put", RelayEventTypes.s3Type("s3:ObjectCreated:Put"));
        assertEquals("com.amazonaws.s3.ObjectCreated:Put", RelayEventTypes.s3Type("ObjectCreated:Put"));
        assertEquals("dev.relay.run.requested", RelayEventTypes.RUN_REQUESTED);
        assertEquals("dev.relay.run.started", RelayEventTypes.RUN_STARTED);
        assertEquals("dev.relay.run.finished", RelayEventTypes.RUN_FINISHED);
        assertEquals("dev.relay.task.finished", RelayEventTypes.TASK_FINISHED);
    }
}
