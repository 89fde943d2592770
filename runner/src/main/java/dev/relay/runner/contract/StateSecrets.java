package dev.relay.runner.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The secrets of one state dir: the embedded S3 server's access and secret key and the embedded
 * index's password, generated at random on first start and kept in {@code <stateDir>/secrets.json}
 * (mode 0600; the state dir itself is made 0700). KFP's well-known {@code minio}/{@code minio123}
 * are never used for the embedded store: anyone on the host could otherwise write a {@code
 * run.json} and have it launched. {@code RELAY_S3_ACCESS_KEY} / {@code RELAY_S3_SECRET_KEY}, when
 * set, override the S3 keys. A state dir made by an older Relay (no secrets file) gets new keys
 * on its first start; its index password is set by {@code IndexDatabase}.
 *
 * @param s3AccessKey   the embedded S3 access key
 * @param s3SecretKey   the embedded S3 secret key (never log it)
 * @param indexPassword the embedded H2 index's password for user {@code relay} (never log it)
 */
public record StateSecrets(String s3AccessKey, String s3SecretKey, String indexPassword) {
    /** The file name in the state dir. */
    public static final String FILE = "secrets.json";
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * @return the state dir's secrets, created (0600) when missing, with the S3 keys of {@code
     *     env} where set
     * @throws UncheckedIOException when the state dir or the file cannot be written or read
     */
    public static StateSecrets of(Path stateDir, Map<String, String> env) {
        StateSecrets s = load(stateDir);
        String access = env.get("RELAY_S3_ACCESS_KEY");
        String secret = env.get("RELAY_S3_SECRET_KEY");
        return new StateSecrets(access == null || access.isBlank() ? s.s3AccessKey : access,
                secret == null || secret.isBlank() ? s.s3SecretKey : secret, s.indexPassword);
    }

    /** @return {@link #of(Path, Map)} with the process environment */
    public static StateSecrets of(Path stateDir) {
        return of(stateDir, System.getenv());
    }

    private static synchronized StateSecrets load(Path stateDir) {
        Path file = stateDir.resolve(FILE);
        try {
            Files.createDirectories(stateDir);
            restrict(stateDir, "rwx------");
            if (Files.isRegularFile(file)) {
                JsonNode n = Json.MAPPER.readTree(Files.readAllBytes(file));
                String a = n.path("s3AccessKey").asText("");
                String s = n.path("s3SecretKey").asText("");
                String p = n.path("indexPassword").asText("");
                if (!a.isEmpty() && !s.isEmpty() && !p.isEmpty()) {
                    restrict(file, "rw-------");
                    return new StateSecrets(a, s, p);
                }
            }
            StateSecrets fresh = new StateSecrets("relay-" + random(9), random(30), random(30));
            Map<String, String> doc = new LinkedHashMap<>();
            doc.put("s3AccessKey", fresh.s3AccessKey);
            doc.put("s3SecretKey", fresh.s3SecretKey);
            doc.put("indexPassword", fresh.indexPassword);
            writePrivate(file, Json.bytes(doc));
            return fresh;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the state dir's secrets in " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a file that holds a secret: mode 0600 from its creation (a temporary file moved into
     * place), so it is never readable by others, not even for a moment.
     */
    public static void writePrivate(Path file, byte[] data) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp"); // not POSIX: the folder's rights apply
        }
        try {
            Files.write(tmp, data);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void restrict(Path p, String mode) {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException | IOException ignored) {
            // not a POSIX file system, or not ours: its own rights apply
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public String toString() {
        return "StateSecrets[s3AccessKey=" + s3AccessKey + ", (secrets hidden)]";
    }
}
