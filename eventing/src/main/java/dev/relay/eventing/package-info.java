/** Event formats and routing: MinIO/S3 notification records, CloudEvents, trigger rules. */
package dev.relay.eventing;
