/**
 * The Relay bucket: {@link dev.relay.runner.store.ArtifactStore} over the MinIO SDK
 * ({@link dev.relay.runner.store.MinioArtifactStore}) and the in-JVM S3 server that emits MinIO
 * notifications for the embedded mode ({@link dev.relay.runner.store.EmbeddedS3Server}).
 */
package dev.relay.runner.store;
