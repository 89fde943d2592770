package dev.relay.functions.kfp;

import dev.relay.runner.contract.Json;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Answers {@link KfpException} in the shape of the API version asked (never a stack trace). */
public class KfpErrorMapper {
    /** @return v1beta1's or v2beta1's error document with the exception's status */
    @ServerExceptionMapper
    public Response kfpError(KfpException e, UriInfo uri) {
        return Response.status(e.status()).type("application/json")
                .entity(Json.bytes(body(uri.getPath().startsWith("/apis/v1beta1"), e.code(), e.getMessage()))).build();
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
