package dev.relay.eventing.trigger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.eventing.s3.MinioRecords;
import dev.relay.eventing.s3.S3CloudEvents;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TriggerTest {
    static final String UPLOAD = """
            apiVersion: relay.dev/v1
            kind: UploadTrigger
            metadata: {name: train-on-new-data}
            spec:
              bucket: datasets
              prefix: incoming/          # and/or suffix
              events: [Put, CompleteMultipartUpload]
              pipeline: {name: train, version: latest}
              parameters:
                dataset: "{{ object.uri }}"
                dataset_version: "{{ object.versionId or object.eTag }}"
                learning_rate: "0.01"
            """;
    static final String DRIFT = """
            apiVersion: relay.dev/v1
            kind: EventTrigger
            metadata: {name: retrain-on-drift}
            spec:
              type: com.example.model.drift
              source: /monitoring/iris
              subjectPrefix: models/
              where:
              - {path: data.score, op: ">", value: 0.3}
              - {path: data.model, op: exists}
              pipeline: {name: retrain}
              parameters:
                model: "{{ data.model }}"
                reason: "{{ event.type }}"
            """;

    static TriggerEvent upload(String event, String bucket, String key, String eTag) {
        byte[] env = MinioRecords.envelope(event, bucket, key, 12, eTag, "text/csv", MinioRecords.sequencer(1_000_000L), Instant.parse("2026-11-29T10:00:00Z"));
        return TriggerEvent.of(S3CloudEvents.toCloudEvents(env).get(0));
    }

    static TriggerEvent drift(String id, String data) {
        CloudEvent ce = CloudEventBuilder.v1().withId(id).withSource(URI.create("/monitoring/iris"))
                .withType("com.example.model.drift").withSubject("models/iris")
                .withDataContentType("application/json").withData(data.getBytes(StandardCharsets.UTF_8)).build();
        return TriggerEvent.of(ce);
    }

    @Test
    void uploadTriggerMatchesDecodedKeysAndRendersParameters() throws Exception {
        Trigger t = TriggerLoader.parse(UPLOAD, "upload.yaml");
        TriggerMatcher.Result r = TriggerMatcher.match(t, upload("s3:ObjectCreated:Put", "datasets", "incoming/iris v2+final.csv", "abc123"));
        assertTrue(r.matched(), r.reason());
        assertEquals(Map.of("dataset", "s3://datasets/incoming/iris v2+final.csv", "dataset_version", "abc123",
                "learning_rate", "0.01"), r.parameters());
        assertTrue(TriggerMatcher.match(t, upload("s3:ObjectCreated:CompleteMultipartUpload", "datasets", "incoming/big.csv", "e-2")).matched());
    }

    @Test
    void uploadTriggerChecksEverythingAgainstTheNotification() throws Exception {
        Trigger t = TriggerLoader.parse(UPLOAD, "upload.yaml");
        assertEquals("event PutTagging is not one of [Put, CompleteMultipartUpload]",
                TriggerMatcher.match(t, upload("s3:ObjectCreated:PutTagging", "datasets", "incoming/a.csv", "x")).reason());
        assertFalse(TriggerMatcher.match(t, upload("s3:ObjectCreated:Copy", "datasets", "incoming/a.csv", "x")).matched());
        assertEquals("bucket 'other' is not 'datasets'",
                TriggerMatcher.match(t, upload("s3:ObjectCreated:Put", "other", "incoming/a.csv", "x")).reason());
        assertEquals("key 'elsewhere/a.csv' does not start with 'incoming/'",
                TriggerMatcher.match(t, upload("s3:ObjectCreated:Put", "datasets", "elsewhere/a.csv", "x")).reason());
        assertEquals("event s3:ObjectRemoved:Delete is not an upload",
                TriggerMatcher.match(t, upload("s3:ObjectRemoved:Delete", "datasets", "incoming/a.csv", "x")).reason());
        assertFalse(TriggerMatcher.match(t, drift("1", "{}")).matched());
    }

    @Test
    void globsMatchWithinAndAcrossSegments() {
        assertTrue(TriggerMatcher.glob("incoming/**/*.csv").matcher("incoming/a.csv").matches());
        assertTrue(TriggerMatcher.glob("incoming/**/*.csv").matcher("incoming/x/y/a.csv").matches());
        assertFalse(TriggerMatcher.glob("incoming/*.csv").matcher("incoming/x/a.csv").matches());
        assertFalse(TriggerMatcher.glob("*.csv").matcher("a.csv.gz").matches());
        assertTrue(TriggerMatcher.glob("data?.csv").matcher("data1.csv").matches());
    }

    @Test
    void eventTriggerMapsDataAndChecksConditions() throws Exception {
        Trigger t = TriggerLoader.parse(DRIFT, "drift.yaml");
        TriggerMatcher.Result r = TriggerMatcher.match(t, drift("e1", "{\"score\": 0.42, \"model\": \"iris\"}"));
        assertTrue(r.matched(), r.reason());
        assertEquals(Map.of("model", "iris", "reason", "com.example.model.drift"), r.parameters());
        TriggerMatcher.Result low = TriggerMatcher.match(t, drift("e2", "{\"score\": 0.1, \"model\": \"iris\"}"));
        assertEquals("condition data.score > 0.3 does not hold", low.reason());
        assertFalse(TriggerMatcher.match(t, drift("e3", "{\"score\": \"high\", \"model\": \"iris\"}")).matched(), "a type mismatch is false");
    }

    @Test
    void missingMappedValueIsAnErrorNamingTheField() throws Exception {
        Trigger t = TriggerLoader.parse(DRIFT.replace("  - {path: data.model, op: exists}\n", ""), "drift.yaml");
        MissingValueException e = assertThrows(MissingValueException.class,
                () -> TriggerMatcher.match(t, drift("e4", "{\"score\": 0.9}")));
        assertEquals("data.model", e.field());
        assertEquals("parameter 'model': the event has no value for 'data.model'", e.getMessage());
    }

    @Test
    void orTakesTheFirstPresentValue() throws Exception {
        assertEquals("b-v", Templates.render("{{ data.a or data.b }}-v", "p", v -> v.equals("data.b") ? java.util.Optional.of("b") : java.util.Optional.empty()));
        assertThrows(IllegalArgumentException.class, () -> Templates.check("{{ data.a and data.b }}"));
        assertThrows(IllegalArgumentException.class, () -> Templates.check("{{ data.a "));
    }

    @Test
    void whereOperators() throws Exception {
        TriggerEvent e = drift("x", "{\"n\": 5, \"s\": \"b\", \"flag\": true, \"list\": [1]}");
        String[][] rows = {
            {"data.n", "==", "5", "true"}, {"data.n", "!=", "5", "false"}, {"data.n", ">=", "5", "true"},
            {"data.n", "<", "5", "false"}, {"data.n", "<=", "6", "true"}, {"data.s", ">", "a", "true"},
            {"data.s", "==", "5", "false"}, {"data.n", "==", "x", "false"},
        };
        for (String[] row : rows) {
            Object value = row[2].matches("[0-9]+") ? (Object) Long.parseLong(row[2]) : row[2];
            assertEquals(Boolean.parseBoolean(row[3]), TriggerMatcher.holds(new Trigger.Condition(row[0], row[1], value), e),
                    String.join(" ", row));
        }
        assertTrue(TriggerMatcher.holds(new Trigger.Condition("data.s", "in", List.of("a", "b")), e));
        assertFalse(TriggerMatcher.holds(new Trigger.Condition("data.n", "in", List.of("5")), e));
        assertTrue(TriggerMatcher.holds(new Trigger.Condition("data.flag", "exists", null), e));
        assertFalse(TriggerMatcher.holds(new Trigger.Condition("data.none", "exists", null), e));
    }

    @Test
    void dedupeKeysFollowTheContract() throws Exception {
        Trigger up = TriggerLoader.parse(UPLOAD, "u.yaml");
        TriggerEvent a = upload("s3:ObjectCreated:Put", "datasets", "incoming/a.csv", "e1");
        assertEquals(TriggerMatcher.dedupeKey(up, a), TriggerMatcher.dedupeKey(up, upload("s3:ObjectCreated:Put", "datasets", "incoming/a.csv", "e1")));
        assertNotEquals(TriggerMatcher.dedupeKey(up, a), TriggerMatcher.dedupeKey(up, upload("s3:ObjectCreated:Put", "datasets", "incoming/a.csv", "e2")));
        // sha256("train-on-new-data\ndatasets\nincoming/a.csv\n\ne1")
        assertEquals(64, TriggerMatcher.dedupeKey(up, a).length());
        Trigger ev = TriggerLoader.parse(DRIFT, "d.yaml");
        assertEquals(TriggerMatcher.dedupeKey(ev, drift("same", "{}")), TriggerMatcher.dedupeKey(ev, drift("same", "{\"x\":1}")));
    }

    @Test
    void badFilesGetPositionedErrors() {
        TriggerException e = assertThrows(TriggerException.class, () -> TriggerLoader.parse(UPLOAD.replace("prefix:", "prefx:"), "t.yaml"));
        assertEquals(List.of("t.yaml:6:3: unknown field 'spec.prefx'; expected one of: bucket, debounce, events, glob, parameters, pipeline, prefix, suffix"), e.errors());
        e = assertThrows(TriggerException.class, () -> TriggerLoader.parse(DRIFT.replace("op: \">\"", "op: \"~\""), "d.yaml"));
        assertEquals(List.of("d.yaml:9:28: spec.where[0].op must be one of ==, !=, >, >=, <, <=, exists, in; got '~'"), e.errors());
        e = assertThrows(TriggerException.class, () -> TriggerLoader.parse("kind: [", "m.yaml"));
        assertTrue(e.errors().get(0).startsWith("m.yaml:1:"), e.errors().toString());
        e = assertThrows(TriggerException.class, () -> TriggerLoader.parse(DRIFT.replace("kind: EventTrigger", "kind: Cron")
                .replace("{{ data.model }}", "{{ data.model and x }}"), "k.yaml"));
        assertEquals(List.of("k.yaml:2:7: kind must be UploadTrigger or EventTrigger, got 'Cron'"), e.errors());
        e = assertThrows(TriggerException.class, () -> TriggerLoader.parse(UPLOAD.replace("{{ object.uri }}", "{{ object.uri "), "p.yaml"));
        assertTrue(e.errors().get(0).startsWith("p.yaml:10:14: spec.parameters.dataset: unbalanced"), e.errors().toString());
    }

    /**
     * The server hands a type a function owns to that function and never consults triggers, so a
     * trigger file naming such a type is refused where it loads (validate, trigger test, server
     * start): one routing rule ({@link dev.relay.eventing.RelayEventTypes#functionFor}) for both.
     */
    @Test
    void aTriggerOnATypeAFunctionOwnsIsRefusedWithItsPosition() {
        TriggerException e = assertThrows(TriggerException.class, () -> TriggerLoader.parse(
                DRIFT.replace("com.example.model.drift", "dev.knative.apiserver.resource.update"), "j.yaml"));
        assertEquals(List.of("j.yaml:5:9: spec.type 'dev.knative.apiserver.resource.update' is handled by the 'job-status'"
                + " function, which never consults EventTriggers, so this trigger could never fire; choose the type of an"
                + " event no function owns"), e.errors());
        e = assertThrows(TriggerException.class, () -> TriggerLoader.parse(
                DRIFT.replace("com.example.model.drift", "com.amazonaws.s3.ObjectCreated:Put"), "s.yaml"));
        assertTrue(e.errors().get(0).startsWith("s.yaml:5:9: spec.type 'com.amazonaws.s3.ObjectCreated:Put' is handled by"
                + " the 'artifact' function") && e.errors().get(0).endsWith("use an UploadTrigger for object events"), e.errors().toString());
        assertEquals("job-status", dev.relay.eventing.RelayEventTypes.functionFor("dev.knative.apiserver.ref.add"));
        assertEquals(null, dev.relay.eventing.RelayEventTypes.functionFor("com.example.model.drift"));
    }
}
