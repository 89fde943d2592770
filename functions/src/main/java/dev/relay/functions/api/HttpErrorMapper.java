package dev.relay.functions.api;

import dev.relay.functions.app.HttpError;
import dev.relay.functions.app.Replies;
import dev.relay.runner.contract.Json;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns errors of the REST endpoints into JSON answers: {@code {"error", "field", "errors"}}, never a stack trace. */
public class HttpErrorMapper {
    private static final Logger LOG = Logger.getLogger(HttpErrorMapper.class);

    /** @return the error's status and message */
    @ServerExceptionMapper
    public Response httpError(HttpError e) {
        if (e.status() == 401) {
            return json(e.status(), Replies.body(e)).header("WWW-Authenticate", "Bearer").build();
        }
        if (e.status() >= 500) {
            LOG.warnf("%d %s", e.status(), e.getMessage());
        }
        return json(e.status(), Replies.body(e)).build();
    }

    /** @return 500 naming the failure; JAX-RS's own errors (404, 405, 415…) keep their status */
    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        if (e instanceof WebApplicationException w) {
            Response r = w.getResponse();
            return json(r.getStatus(), java.util.Map.of("error", r.getStatusInfo().getReasonPhrase()
                    + (w.getMessage() == null ? "" : ": " + w.getMessage()))).build();
        }
        LOG.errorf("request failed: %s", e.toString());
        LOG.debug("request failed", e);
        return json(500, java.util.Map.of("error", dev.relay.functions.app.Replies.INTERNAL)).build();
    }

    private static Response.ResponseBuilder json(int status, Object body) {
        return Response.status(status).type("application/json").entity(Json.bytes(body));
    }
}
