package dev.relay.eventing.s3;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads {@code ../shared/cases/event_payloads} in place (system property {@code relay.shared.dir}). */
final class SharedCases {

    private SharedCases() {
    }

    /** The payload directory; skips the calling test when the shared cases are absent. */
    static Path payloadDir() {
        String shared = System.getProperty("relay.shared.dir");
        assumeTrue(shared != null, "relay.shared.dir is not set: shared event payloads skipped");
        Path dir = Path.of(shared, "cases", "event_payloads");
        assumeTrue(Files.isDirectory(dir), "no shared event payloads at " + dir + ": skipped");
        return dir;
    }

    static byte[] payload(String name) throws IOException {
        Path file = payloadDir().resolve(name);
        assumeTrue(Files.isRegularFile(file), "shared payload " + file + " absent: skipped");
        return Files.readAllBytes(file);
    }

    /** The body of an HTTP request or a headers-and-body sample: the bytes after the first blank line. */
    static byte[] httpBody(byte[] request) {
        for (int i = 0; i + 1 < request.length; i++) {
            if (request[i] == '\n' && request[i + 1] == '\n') {
                return java.util.Arrays.copyOfRange(request, i + 2, request.length);
            }
            if (i + 3 < request.length && request[i] == '\r' && request[i + 1] == '\n'
                    && request[i + 2] == '\r' && request[i + 3] == '\n') {
                return java.util.Arrays.copyOfRange(request, i + 4, request.length);
            }
        }
        throw new IllegalArgumentException("no blank line between headers and body");
    }
}
