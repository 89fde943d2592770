package dev.relay.eventing.s3;

import java.nio.charset.StandardCharsets;

/** Notification payloads written for these tests (they do not need {@code ../shared}). */
final class Fixtures {

    private Fixtures() {
    }

    /** MinIO webhook/Kafka message; key {@code pipelines/in put/Q1+Q2 résumé & 数据 (final).csv}. */
    static final String MINIO_PUT = """
        {"EventName":"s3:ObjectCreated:Put","Key":"mlpipeline/pipelines/in put/Q1+Q2 résumé \\u0026 数据 (final).csv",\
        "Records":[{"eventVersion":"2.0","eventSource":"minio:s3","awsRegion":"","eventTime":"2024-05-14T09:21:07.412Z",\
        "eventName":"s3:ObjectCreated:Put","userIdentity":{"principalId":"minio"},\
        "requestParameters":{"principalId":"minio","region":"","sourceIPAddress":"10.0.0.1"},\
        "responseElements":{"x-amz-id-2":"dd90","x-amz-request-id":"1781A2B3C4D5E6F7","x-minio-origin-endpoint":"http://minio:9000"},\
        "s3":{"s3SchemaVersion":"1.0","configurationId":"Config","bucket":{"name":"mlpipeline","ownerIdentity":{"principalId":"minio"},"arn":"arn:aws:s3:::mlpipeline"},\
        "object":{"key":"pipelines%2Fin+put%2FQ1%2BQ2+r%C3%A9sum%C3%A9+%26+%E6%95%B0%E6%8D%AE+%28final%29.csv","size":48213,\
        "eTag":"5d41402abc4b2a76b9719d911017c592","contentType":"text/csv","userMetadata":{"content-type":"text/csv"},"sequencer":"17CF1E0B3A4C9D21"}},\
        "source":{"host":"10.0.0.1","port":"","userAgent":"MinIO"}}]}""";

    /** Older MinIO: {@code EventType} instead of {@code EventName}, no {@code x-amz-id-2}. */
    static final String MINIO_OLD_EVENTTYPE = """
        {"EventType":"s3:ObjectRemoved:Delete","Key":"mlpipeline/a b/c",\
        "Records":[{"eventVersion":"2.0","eventSource":"minio:s3","awsRegion":"","eventTime":"2019-10-22T09:27:27Z",\
        "eventName":"s3:ObjectRemoved:Delete","responseElements":{"x-amz-request-id":"15CFEDF8D4736ED9"},\
        "s3":{"bucket":{"name":"mlpipeline"},"object":{"key":"a+b%2Fc","sequencer":"15CFEDF8D5304D1A"}}}]}""";

    /** AWS: bare Records, form-encoded key that keeps {@code /}, versionId. */
    static final String AWS_PUT = """
        {"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1",\
        "eventTime":"2024-05-14T12:00:01.123Z","eventName":"ObjectCreated:CompleteMultipartUpload",\
        "responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},\
        "s3":{"bucket":{"name":"kfp-inputs"},"object":{"key":"reports/Q1%2BQ2+summary+%28final%29+%C3%A9.csv",\
        "size":268435456,"eTag":"d41d8cd98f00b204e9800998ecf8427e-32","versionId":"096fKK","sequencer":"0062E99A88DC407460"}}}]}""";

    /** AWS test event sent when a notification configuration is created: no Records. */
    static final String AWS_TEST_EVENT = """
        {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2024-05-14T12:00:00.000Z","Bucket":"kfp-inputs",\
        "RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw"}""";

    /** Argo Events' MinIO event source data: not a notification Relay reads. */
    static final String ARGO_EVENTS = """
        {"notification":[{"eventName":"s3:ObjectCreated:Put","s3":{"bucket":{"name":"input"},"object":{"key":"hello+world.txt"}}}],\
        "metadata":{"pipeline":"iris"}}""";

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
