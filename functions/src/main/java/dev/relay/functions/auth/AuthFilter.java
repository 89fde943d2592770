package dev.relay.functions.auth;

import dev.relay.functions.app.HttpError;
import dev.relay.functions.app.RelayConfig;
import dev.relay.functions.app.Replies;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.Set;

/**
 * The functions app's one authentication check, ahead of every route (REST resources, Funqy's
 * per-function paths, {@code POST /}, the webhook, static resources, routes added later). The
 * rule of a request comes from {@link Access}; with no token configured (the embedded profile on
 * 127.0.0.1) every route is open; with any token configured every route not {@link Access#PUBLIC}
 * needs a credential its rule accepts: {@code Authorization: Bearer} with {@code RELAY_API_TOKEN}
 * or {@code RELAY_WEBHOOK_TOKEN}, a credential of a {@link CredentialSource} bean (the UI's
 * session), or on CloudEvent routes a Knative OIDC token ({@link EventTokenVerifier}). Otherwise
 * 401 {@code {"error"}} with {@code WWW-Authenticate: Bearer}; nothing of the request is read or
 * run. The accepted credential is left in the context under {@link #CREDENTIAL}.
 *
 * <p>With {@code relay.event-auth=cluster-local} and no OIDC audience, CloudEvent routes take
 * deliveries without a credential (a Broker cannot add headers; the Service is cluster-local).
 * With {@code relay.event-routes=false} (the public Service of the cluster profile) the
 * CloudEvent routes answer 404: they are served by the cluster-local Service only.
 */
@ApplicationScoped
public class AuthFilter {
    /** Context key of the accepted {@link Credential} (absent when auth is off or the route is public). */
    public static final String CREDENTIAL = "relay.credential";
    /** Router order: before every route of the app. */
    public static final int ORDER = Integer.MIN_VALUE + 100;

    private final RelayConfig config;
    private final Instance<CredentialSource> sources;
    private final EventTokenVerifier oidc;

    /** @param config the tokens; @param sources other credentials (the UI's session); @param oidc Knative OIDC */
    @Inject
    public AuthFilter(RelayConfig config, Instance<CredentialSource> sources, EventTokenVerifier oidc) {
        this.config = config;
        this.sources = sources;
        this.oidc = oidc;
    }

    /** Installs the filter on the app's router, ahead of every route. */
    public void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::filter);
    }

    /** @return true when requests need credentials: a token is configured, or the profile requires them */
    public boolean enabled() {
        return Tokens.configured(config.apiToken()).isPresent() || Tokens.configured(config.webhookToken()).isPresent()
                || config.requireTokens() || oidc.enabled();
    }

    /**
     * @return true when CloudEvent routes take deliveries without a credential: {@code
     *     relay.event-auth=cluster-local} (the Service is reachable only inside the cluster) and no
     *     OIDC audience is configured
     */
    public boolean clusterLocalEvents() {
        return "cluster-local".equals(config.eventAuth()) && !oidc.enabled();
    }

    /**
     * @return true when the request was admitted by the webhook token only, so {@code POST /} must
     *     refuse any event that is not an object event
     */
    public static boolean objectEventsOnly(RoutingContext ctx) {
        return ctx != null && ctx.get(CREDENTIAL) == Credential.WEBHOOK;
    }

    /** Admits the request to the next route, or ends it with 401 (or 404 for a CloudEvent route this app does not serve). */
    public void filter(RoutingContext ctx) {
        HttpMethod method = ctx.request().method();
        String path = ctx.normalizedPath();
        Access.Rule rule = Access.ruleFor(method, path);
        if (rule == Access.Rule.EVENTS && !config.eventRoutes()) {
            Replies.error(ctx, new HttpError(404, "no CloudEvent route here: events go to the cluster-local Service"
                    + " (this one serves the API, the webhook and the UI)"));
            return;
        }
        if (rule == Access.Rule.PUBLIC || !enabled() || (rule == Access.Rule.EVENTS && clusterLocalEvents())) {
            ctx.next();
            return;
        }
        Set<Credential> accepted = Access.accepted(rule, path, Tokens.configured(config.webhookToken()).isPresent());
        String bearer = Tokens.bearer(ctx.request().getHeader("Authorization"));
        Credential byToken = null;
        if (bearer != null) {
            if (Tokens.matches(config.apiToken(), bearer)) {
                byToken = Credential.API;
            } else if (Tokens.matches(config.webhookToken(), bearer)) {
                byToken = Credential.WEBHOOK;
            }
        }
        if (byToken != null && accepted.contains(byToken)) {
            admit(ctx, byToken);
            return;
        }
        for (CredentialSource source : sources) {
            Optional<Credential> c = source.credential(ctx);
            if (c.isPresent() && accepted.contains(c.get())) {
                admit(ctx, c.get());
                return;
            }
        }
        if (bearer != null && byToken == null && accepted.contains(Credential.EVENT_OIDC) && oidc.enabled()) {
            ctx.request().pause();
            ctx.vertx().executeBlocking(() -> oidc.verify(bearer), false).onComplete(r -> {
                if (r.succeeded() && Boolean.TRUE.equals(r.result())) {
                    admit(ctx, Credential.EVENT_OIDC);
                } else {
                    ctx.request().resume();
                    deny(ctx, rule, "the bearer token is not a valid OIDC token for this service's audience");
                }
            });
            return;
        }
        deny(ctx, rule, bearer == null ? null : byToken == null ? "wrong bearer token"
                : "this token does not admit " + method + " " + path);
    }

    private static void admit(RoutingContext ctx, Credential c) {
        ctx.put(CREDENTIAL, c);
        ctx.next();
    }

    private static void deny(RoutingContext ctx, Access.Rule rule, String why) {
        String needed = switch (rule) {
            case WEBHOOK -> "RELAY_WEBHOOK_TOKEN";
            case EVENTS -> "RELAY_API_TOKEN (object events: RELAY_WEBHOOK_TOKEN)";
            default -> "RELAY_API_TOKEN";
        };
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
        Replies.json(ctx, 401, java.util.Map.of("error", why == null
                ? "missing bearer token: send Authorization: Bearer <" + needed + ">"
                : why + " (" + needed + ")"));
    }
}
