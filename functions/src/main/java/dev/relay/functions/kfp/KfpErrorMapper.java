package dev.relay.functions.kfp;

import dev.relay.runner.contract.Json;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Answers {@link KfpException} in the shape of the API version asked (never a stack trace). */
public class KfpErrorMapper {
    private static final Logger LOG = Logger.getLogger(KfpErrorMapper.class);

    /** @return v1beta1's or v2beta1's error document with the exception's status */
    @ServerExceptionMapper
    public Response kfpError(KfpException e, UriInfo uri) {
        return Response.status(e.status()).type("application/json")
                .entity(Json.bytes(body(uri.getPath().startsWith("/apis/v1beta1"), e.code(), e.getMessage()))).build();
    }

    /**
     * Any failure of a KFP endpoint in KFP's shape (the KFP resources' own mapper calls this, so
     * that no failure of theirs gets Relay's {@code {"error"}} shape): a {@link KfpException} as
     * it says; JAX-RS's own (404, 405, 415…) keep their status; anything else is 500 INTERNAL
     * whose message names no exception class and no server path (the cause is logged).
     */
    static Response unexpected(RuntimeException e, boolean v1) {
        if (e instanceof KfpException k) {
            return response(k.status(), v1, k.code(), k.getMessage());
        }
        if (e instanceof jakarta.ws.rs.WebApplicationException w) {
            int status = w.getResponse().getStatus();
            int code = switch (status) {
                case 400, 415 -> KfpException.INVALID_ARGUMENT;
                case 401 -> KfpException.UNAUTHENTICATED;
                case 404 -> KfpException.NOT_FOUND;
                case 405, 501 -> KfpException.UNIMPLEMENTED;
                case 503 -> KfpException.UNAVAILABLE;
                default -> KfpException.INTERNAL;
            };
            return response(status, v1, code, w.getResponse().getStatusInfo().getReasonPhrase());
        }
        LOG.errorf("KFP request failed: %s", e.toString());
        LOG.debug("KFP request failed", e);
        return response(500, v1, KfpException.INTERNAL,
                "internal error: the server could not answer this request; its log has the cause");
    }

    private static Response response(int status, boolean v1, int code, String message) {
        return Response.status(status).type("application/json").entity(Json.bytes(body(v1, code, message))).build();
    }

    /** @return {@code {"code","message","details"}} (v2beta1) or {@code {"error_message","error_details","code"}} (v1beta1) */
    static Map<String, Object> body(boolean v1, int code, String message) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (v1) {
            m.put("error_message", message);
            m.put("error_details", message);
            m.put("code", code);
        } else {
            m.put("code", code);
            m.put("message", message);
            m.put("details", List.of());
        }
        return m;
    }
}
