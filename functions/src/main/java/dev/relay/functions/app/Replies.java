package dev.relay.functions.app;

import dev.relay.runner.contract.Json;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/** JSON answers on Vert.x routes, errors as {@code {"error", "field", "errors"}} and never a stack trace. */
public final class Replies {
    private static final Logger LOG = Logger.getLogger(Replies.class);

    private Replies() {}

    /** Ends the request with {@code status} and {@code body} as JSON (Relay's mapper: nulls kept). */
    public static void json(RoutingContext ctx, int status, Object body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        if ("HEAD".equals(ctx.request().method().name())) {
            ctx.response().end();
        } else {
            ctx.response().end(io.vertx.core.buffer.Buffer.buffer(Json.bytes(body)));
        }
    }

    /** Ends the request with the error's status and message. */
    public static void error(RoutingContext ctx, HttpError e) {
        if (e.status() >= 500) {
            LOG.warnf("%s %s: %d %s", ctx.request().method(), ctx.request().path(), e.status(), e.getMessage());
        }
        json(ctx, e.status(), body(e));
    }

    /** Ends the request with 500 naming the failure (logged with its stack trace at DEBUG only). */
    public static void unexpected(RoutingContext ctx, String where, RuntimeException e) {
        LOG.errorf("%s failed: %s", where, e.toString());
        LOG.debug(where, e);
        json(ctx, 500, Map.of("error", INTERNAL));
    }

    /**
     * The answer's text for an unexpected failure: it names no exception, no message and no path
     * (those may be internals); the server log has the cause.
     */
    public static final String INTERNAL = "internal error: the server could not answer this request; its log has the cause";

    /** @return the JSON body of an error */
    public static Map<String, Object> body(HttpError e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("error", e.getMessage());
        if (e.field() != null) {
            m.put("field", e.field());
        }
        if (!e.details().isEmpty()) {
            m.put("errors", e.details());
        }
        return m;
    }
}
