package dev.relay.functions.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Request bodies of the REST endpoints, taken from the body Vert.x already read (Funqy installs a
 * body handler on every route). Declaring a {@code byte[]} entity instead makes Quarkus REST wait
 * for a body that was consumed, and an empty POST then never gets an answer.
 */
public final class Bodies {
    private Bodies() {}

    /** @return the request body, empty when there is none */
    public static byte[] of(RoutingContext ctx) {
        Buffer b = ctx.body() == null ? null : ctx.body().buffer();
        return b == null ? new byte[0] : b.getBytes();
    }
}
