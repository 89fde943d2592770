/**
 * S3 and MinIO bucket notifications: parsing ({@link dev.relay.eventing.s3.S3Notifications}),
 * writing MinIO's format ({@link dev.relay.eventing.s3.MinioRecords}), key escaping
 * ({@link dev.relay.eventing.s3.S3Keys}) and the CloudEvents AWS S3 adapter
 * ({@link dev.relay.eventing.s3.S3CloudEvents}).
 */
package dev.relay.eventing.s3;
