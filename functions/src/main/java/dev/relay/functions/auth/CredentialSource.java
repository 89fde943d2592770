package dev.relay.functions.auth;

import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * A way to authenticate a request besides {@code Authorization: Bearer <token>}, e.g. the web
 * UI's session cookie. {@link AuthFilter} asks every CDI bean of this type (in no set order) when
 * the bearer header is absent or not accepted by the route; the first credential the route accepts
 * lets the request through. See {@code /work/notes/auth-interface.md}.
 */
public interface CredentialSource {
    /**
     * Runs on the event loop: must not block.
     *
     * @return the credential the request carries, or empty; never throws for a bad or missing one
     */
    Optional<Credential> credential(RoutingContext ctx);
}
