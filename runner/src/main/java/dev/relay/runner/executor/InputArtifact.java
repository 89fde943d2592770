package dev.relay.runner.executor;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One artifact given to an input: where it is in the store, its type and metadata (from the
 * producing attempt's {@code status.json}, or an importer).
 *
 * @param name     the artifact's name (the producer's output name)
 * @param uri      {@code s3://<bucket>/<key>} in Relay's store (or another URI an importer recorded)
 * @param metadata the artifact's metadata, {@code {}} when none
 */
public record InputArtifact(String name, String uri, ArtifactType type, ObjectNode metadata) {}
