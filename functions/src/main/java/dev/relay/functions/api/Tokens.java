package dev.relay.functions.api;

import dev.relay.functions.app.HttpError;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Bearer-token checks for the API and the webhook (constant-time comparison; tokens never logged). */
public final class Tokens {
    private Tokens() {}

    /**
     * @param expected the configured token; empty or blank: no check
     * @param authorization the request's {@code Authorization} header, or null
     * @param what names the token in the error, e.g. {@code RELAY_API_TOKEN}
     * @throws HttpError 401 when a token is configured and the header does not carry it
     */
    public static void check(Optional<String> expected, String authorization, String what) {
        if (expected.isEmpty() || expected.get().isBlank()) {
            return;
        }
        String given = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).trim() : null;
        if (given == null || !MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                expected.get().getBytes(StandardCharsets.UTF_8))) {
            throw new HttpError(401, given == null
                    ? "missing bearer token: send Authorization: Bearer <" + what + ">"
                    : "wrong bearer token (" + what + ")");
        }
    }
}
