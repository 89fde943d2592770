package dev.relay.functions.api;

import dev.relay.functions.app.HttpError;
import dev.relay.functions.events.ArtifactHandler;
import dev.relay.runner.contract.Json;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/**
 * {@code /minio/webhook}: MinIO's webhook notification target (the same envelope as its Kafka
 * target), handled like the bridge's direct path. Requires {@code RELAY_WEBHOOK_TOKEN} as a Bearer
 * token when it is set (MinIO's {@code auth_token}; checked by {@link dev.relay.functions.auth.AuthFilter}). HEAD and GET answer MinIO's liveness check.
 */
@Path("/minio/webhook")
public class WebhookResource {
    @Inject ArtifactHandler artifacts;

    /** Handles one notification: 200 with one outcome per record, 400 for a payload that is not one. */
    @POST
    public Response notify(@Context RoutingContext ctx) {
        byte[] body = Bodies.of(ctx);
        if (body == null || body.length == 0) {
            throw HttpError.badRequest("empty notification: expected a MinIO or S3 notification (JSON)");
        }
        ArtifactHandler.Reply reply = artifacts.handleEntries(null, ArtifactHandler.parseEntries(body));
        return Response.ok(Json.bytes(reply), "application/json").build();
    }

    /** MinIO's liveness check. */
    @HEAD
    public Response head() {
        return Response.ok().build();
    }

    /** Liveness for a GET check. */
    @GET
    public Response get() {
        return Response.ok("{\"webhook\":\"ready\"}", "application/json").build();
    }
}
