package dev.relay.functions.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Bearer tokens: reading the header and comparing in constant time (tokens are never logged or echoed). */
public final class Tokens {
    private Tokens() {}

    /** @return the token of an {@code Authorization: Bearer <token>} header (scheme case-insensitive), or null */
    public static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String t = authorization.substring(7).trim();
        return t.isEmpty() ? null : t;
    }

    /** @return true when {@code given} equals the configured token (constant time); false when none is configured */
    public static boolean matches(Optional<String> expected, String given) {
        Optional<String> e = configured(expected);
        return e.isPresent() && given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                e.get().getBytes(StandardCharsets.UTF_8));
    }

    /** @return the token when it is set and not blank */
    public static Optional<String> configured(Optional<String> token) {
        return token.map(String::trim).filter(s -> !s.isEmpty());
    }
}
