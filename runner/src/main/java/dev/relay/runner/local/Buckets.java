package dev.relay.runner.local;

import dev.relay.runner.contract.StateSecrets;
import dev.relay.runner.contract.RelayEnv;
import dev.relay.runner.store.ArtifactStore;
import dev.relay.runner.store.EmbeddedS3Server;
import dev.relay.runner.store.MinioArtifactStore;
import java.nio.file.Path;

/**
 * The Relay bucket for the commands that use it without running anything ({@code relay pipeline
 * upload}, {@code runs}, {@code metrics}, {@code index}), built from {@link RelayEnv} in this one
 * place: the S3 endpoint of {@code RELAY_S3_ENDPOINT} when set, else the embedded store of the state
 * dir (served by an S3Proxy on a free loopback port for as long as the bucket is open).
 */
public final class Buckets {
    private Buckets() {}

    /** An open bucket; closing it stops the embedded server, if one was started. */
    public record Open(ArtifactStore store, AutoCloseable owner) implements AutoCloseable {
        @Override
        public void close() {
            try {
                owner.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close the store: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Opens the bucket of {@code env}: the endpoint's as it is (the cluster's bucket exists), the
     * embedded one created when missing.
     *
     * @throws dev.relay.runner.store.StoreException when the endpoint or the embedded server cannot be reached / started
     */
    public static Open open(RelayEnv env, Path stateDir) {
        if (env.s3Endpoint() != null) {
            MinioArtifactStore s = MinioArtifactStore.connect(env.s3Endpoint(), env.accessKey(), env.secretKey(),
                    RelayEnv.REGION, env.bucket());
            return new Open(s, s);
        }
        StateSecrets keys = StateSecrets.of(stateDir); // random per state dir, never KFP's well-known ones
        EmbeddedS3Server server = EmbeddedS3Server.start(stateDir.resolve("s3"), "127.0.0.1", 0, keys.s3AccessKey(),
                keys.s3SecretKey(), b -> { });
        return new Open(server.store(env.bucket()).ensureBucket(), server);
    }
}
