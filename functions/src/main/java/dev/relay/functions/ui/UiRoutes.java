package dev.relay.functions.ui;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Serves the web UI at {@code /}: a request for {@code /} that accepts {@code text/html} (a
 * browser) gets {@code META-INF/resources/index.html}; any other (curl, the KFP client, the
 * service description test) goes on to the JSON service description.
 */
@ApplicationScoped
public class UiRoutes {
    void install(@Observes Router router) {
        router.get("/").order(-101).handler(UiRoutes::page);
    }

    static void page(RoutingContext ctx) {
        String accept = ctx.request().getHeader("Accept");
        if (accept != null && accept.contains("text/html")) {
            ctx.reroute("/index.html");
        } else {
            ctx.next();
        }
    }
}
