package dev.relay.eventing.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one dedupe key of object records (run controller and artifact function). */
class S3RecordTest {
    static S3Record record(String key, String eTag, String versionId, String sequencer) {
        return new S3Record("s3:ObjectCreated:Put", "mlpipeline", key, 3L, eTag, versionId, sequencer, null, "",
                "minio:s3", "req-" + sequencer, null, null, Map.of());
    }

    @Test
    void aRedeliveryHasTheSameKeyAndANewWriteOfTheSameBytesDoesNot() {
        S3Record first = record("runs/r/run.json", "e1", null, "17F0000000000001");
        S3Record redelivered = record("runs/r/run.json", "e1", null, "17F0000000000001");
        S3Record rewritten = record("runs/r/run.json", "e1", null, "17F0000000000002");
        assertEquals(first.dedupeKey(), redelivered.dedupeKey());
        assertNotEquals(first.dedupeKey(), rewritten.dedupeKey());
        assertNotEquals(first.dedupeKey(), record("runs/r/status.json", "e1", null, "17F0000000000001").dedupeKey());
    }

    @Test
    void theVersionIdWinsOverTheETagWhenTheBucketIsVersioned() {
        assertNotEquals(record("k", "e1", "v1", "1").dedupeKey(), record("k", "e1", "v2", "1").dedupeKey());
        assertEquals("mlpipeline\nk\nv1\n1", record("k", "e1", "v1", "1").dedupeKey());
        assertEquals("mlpipeline\nk\ne1\n1", record("k", "e1", null, "1").dedupeKey());
    }
}
