package dev.relay.runner.executor;

import dev.relay.runner.spec.Names;
import java.nio.file.Path;

/**
 * Where one v2 execution's files are, and how an artifact URI becomes a path, in the two places an
 * executor runs.
 *
 * <ul>
 *   <li>{@link Local}: a process on this machine. As {@code kfp.local} does, the executor input
 *       carries local paths as artifact URIs, all inside the execution's work dir, so nothing writes
 *       to the host's {@code /} and no root is needed; the store URI stays in Relay's objects.</li>
 *   <li>{@link Pod}: a Kubernetes Job's pod. As KFP's launcher does, the executor input carries the
 *       store URIs ({@code s3://bucket/key}) and the program reads and writes their local mounts
 *       ({@code /s3/bucket/key}; {@code minio://} → {@code /minio/}, {@code gs://} → {@code /gcs/});
 *       output parameters go to {@code /tmp/kfp/outputs/<name>}.</li>
 * </ul>
 */
public sealed interface ExecutorLayout {

    /** @return the Relay bucket, for store URIs */
    String bucket();

    /**
     * The URI the executor input gives an input artifact.
     *
     * @param input    the input's name
     * @param index    its position in the input's list (0 for a single artifact)
     * @param storeUri where it is in the store
     */
    String inputUri(int slot, String input, int index, String storeUri, String artifactName);

    /** @return the URI the executor input gives an output artifact that will be published at {@code storeUri} */
    String outputUri(int slot, String output, String storeUri);

    /** @return the path of an output parameter's file */
    String outputParameterFile(String output);

    /** @param taskRootUri {@code s3://bucket/runs/<run>/tasks/<path>} @return where the executor writes its executor output */
    String executorOutputFile(String taskRootUri);

    /**
     * KFP's rule from URI to path ({@code LocalPathForURI} of the launcher, {@code Artifact.path} of the SDK).
     *
     * @return the path, or null for a URI with no local form (e.g. {@code https://})
     */
    String pathOf(String uri);

    /** The embedded default: a local process with its private work dir. */
    record Local(String bucket, Path workDir) implements ExecutorLayout {
        /** Makes {@code workDir} absolute. */
        public Local {
            workDir = workDir.toAbsolutePath().normalize();
        }

        @Override
        public String inputUri(int slot, String input, int index, String storeUri, String artifactName) {
            String base = lastSegment(storeUri);
            return workDir.resolve("inputs").resolve(slot + "-" + Names.dnsLabel(input)).resolve(Integer.toString(index))
                    .resolve(base.isEmpty() ? "data" : base).toString();
        }

        @Override
        public String outputUri(int slot, String output, String storeUri) {
            return workDir.resolve("outputs").resolve(slot + "-" + Names.dnsLabel(output)).resolve(safe(output)).toString();
        }

        @Override
        public String outputParameterFile(String output) {
            return workDir.resolve("parameters").resolve(safe(output)).toString();
        }

        @Override
        public String executorOutputFile(String taskRootUri) {
            return workDir.resolve("executor_output.json").toString();
        }

        @Override
        public String pathOf(String uri) {
            return uri.startsWith("/") ? uri : remotePath(uri);
        }
    }

    /**
     * A Kubernetes Job's pod.
     *
     * @param paramDir where output parameter files go, {@code /tmp/kfp/outputs} as KFP's driver sets
     */
    record Pod(String bucket, String paramDir) implements ExecutorLayout {
        /** KFP's choice of {@code /tmp/kfp/outputs}. */
        public Pod(String bucket) {
            this(bucket, "/tmp/kfp/outputs");
        }

        @Override
        public String inputUri(int slot, String input, int index, String storeUri, String artifactName) {
            return storeUri;
        }

        @Override
        public String outputUri(int slot, String output, String storeUri) {
            return storeUri;
        }

        @Override
        public String outputParameterFile(String output) {
            return paramDir + "/" + output;
        }

        @Override
        public String executorOutputFile(String taskRootUri) {
            String p = remotePath(taskRootUri);
            return p == null ? "/tmp/kfp_outputs/output_metadata.json" : p + "/output_metadata.json";
        }

        @Override
        public String pathOf(String uri) {
            return remotePath(uri);
        }
    }

    /** @return KFP's mount path of a remote URI, or null when the scheme has none */
    static String remotePath(String uri) {
        if (uri.startsWith("gs://")) {
            return "/gcs/" + uri.substring("gs://".length());
        }
        if (uri.startsWith("minio://")) {
            return "/minio/" + uri.substring("minio://".length());
        }
        if (uri.startsWith("s3://")) {
            return "/s3/" + uri.substring("s3://".length());
        }
        return null;
    }

    private static String lastSegment(String uri) {
        String u = uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
        return safe(u.substring(u.lastIndexOf('/') + 1));
    }

    /** A file name that stays one segment (no separators, never {@code .}/{@code ..}). */
    private static String safe(String name) {
        String s = name.replace('/', '_').replace('\\', '_');
        return s.isEmpty() || s.equals(".") || s.equals("..") ? "data" : s;
    }
}
