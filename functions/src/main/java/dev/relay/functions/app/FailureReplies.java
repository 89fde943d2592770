package dev.relay.functions.app;

import dev.relay.eventing.input.ErrorText;
import dev.relay.eventing.input.SafeJson;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Map;

/**
 * Every failure a route hands to Vert.x ({@code ctx.fail}) answered as Relay answers errors, ahead
 * of Quarkus's error page (which names the exception class and, in dev and test, prints its stack):
 * Funqy's per-function paths ({@code /artifact}, {@code /run-start}, {@code /job-status}), body
 * handlers (a form body too large, a body over the limit), anything else. The status is the one an
 * {@link HttpError} in the failure names; data Funqy cannot unmarshal is {@code 400} (not JSON) or
 * {@code 415} (a content type it cannot read), as on {@code POST /}; else the status the route set,
 * else {@code 500}. The body is {@code {"error": "…"}} in plain words (issue 13).
 */
@ApplicationScoped
public class FailureReplies {
    /** Installs the failure handler ahead of every other. */
    void install(@Observes Router router) {
        router.route().order(-1_000).failureHandler(FailureReplies::failed);
    }

    /** Answers one failed request (nothing when an answer has begun). */
    static void failed(RoutingContext ctx) {
        if (ctx.response().ended() || ctx.response().headWritten()) {
            return;
        }
        Throwable f = ctx.failure();
        for (Throwable t = f; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpError e) {
                Replies.error(ctx, e);
                return;
            }
            if (t instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
                Replies.json(ctx, 400, Map.of("error", "the data is not JSON: " + SafeJson.describe(j)));
                return;
            }
            if (t.getMessage() != null && t.getMessage().startsWith("Don't know how to get event data")) {
                Replies.json(ctx, 415, Map.of("error", "unsupported datacontenttype: Relay reads JSON event data"
                        + " (application/json, text/json or *+json)"));
                return;
            }
        }
        if (f instanceof NullPointerException && (ctx.body() == null || ctx.body().buffer() == null || ctx.body().length() == 0)) {
            // Funqy reads the data of an event without a body as null
            Replies.json(ctx, 400, Map.of("error", "the request has no body: expected the event's data (JSON)"));
            return;
        }
        int status = ctx.statusCode() >= 400 ? ctx.statusCode() : 500;
        String phrase = io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
        String message;
        if (f == null) {
            message = phrase;
        } else if (status >= 500) {
            message = Replies.INTERNAL;
        } else {
            String why = ErrorText.of(f);
            message = "unexpected failure".equals(why) ? phrase : phrase + ": " + why;
        }
        Replies.json(ctx, status, Map.of("error", message));
    }
}
