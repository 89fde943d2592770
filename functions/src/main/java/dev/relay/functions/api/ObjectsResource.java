package dev.relay.functions.api;

import dev.relay.functions.app.HttpError;
import dev.relay.functions.events.ArtifactHandler;
import dev.relay.runner.contract.Json;
import dev.relay.runner.event.ObjectEventHandler;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * {@code GET /api/v1/objects/outcome?bucket=B&key=K&etag=E}: what the app did with the notification
 * of one object version ({@link ObjectEventHandler.Outcome}: {@code action} {@code triggered} with
 * {@code runs}, {@code failed} with the reason a trigger could not start its run, {@code debounced},
 * {@code handled}, {@code indexed} or {@code ignored} with why). 404 while no notification of that
 * version has been handled; 400 naming a missing parameter. {@code relay upload} asks it after
 * uploading. Protected like the rest of {@code /api/v1}.
 */
@Path("/api/v1/objects")
public class ObjectsResource {
    @Inject ArtifactHandler artifacts;

    /** @return the outcome document */
    @GET
    @Path("/outcome")
    public Response outcome(@QueryParam("bucket") String bucket, @QueryParam("key") String key, @QueryParam("etag") String eTag) {
        for (String[] p : new String[][] {{"bucket", bucket}, {"key", key}, {"etag", eTag}}) {
            if (p[1] == null || p[1].isBlank()) {
                throw new HttpError(400, p[0], "query parameter '" + p[0] + "' is required", List.of());
            }
        }
        ObjectEventHandler.Outcome o = artifacts.outcome(bucket, key, eTag).orElseThrow(() -> new HttpError(404, "key",
                "no notification of s3://" + bucket + "/" + key + " (ETag " + eTag + ") has been handled yet", List.of()));
        return Response.ok(Json.bytes(o), "application/json").build();
    }
}
