package dev.relay.functions.ui;

import dev.relay.functions.app.RelayConfig;
import dev.relay.functions.app.Replies;
import dev.relay.functions.auth.AuthFilter;
import dev.relay.functions.auth.Credential;
import dev.relay.functions.auth.CredentialSource;
import dev.relay.functions.auth.Tokens;
import dev.relay.runner.contract.Json;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web UI's sessions (docs/api.md "Web UI session"): the UI exchanges {@code RELAY_API_TOKEN}
 * once for a cookie, because iframes, event streams and download links cannot send a Bearer header.
 *
 * <ul>
 *   <li>{@code GET /ui/session}: {@code {"required", "authenticated", "csrf", "tensorboardUrl"}}
 *       ({@code csrf} only with a valid session cookie; {@code tensorboardUrl} from
 *       {@code relay.tensorboard-url} / {@code RELAY_TENSORBOARD_URL}, the log dir is appended);</li>
 *   <li>{@code POST /ui/session} {@code {"token"}}: 200 {@code {"csrf"}} and the cookie
 *       {@code relay_session} (HttpOnly, SameSite=Strict, Path=/; Secure behind HTTPS); 401 for a
 *       wrong token;</li>
 *   <li>{@code DELETE /ui/session}: forgets the session, clears the cookie.</li>
 * </ul>
 * As a {@link CredentialSource} a valid cookie vouches for {@link Credential#API} on GET/HEAD, and
 * on every other method only with the header {@code X-CSRF-Token} equal to the session's token.
 * Sessions live in memory for {@link #LIFETIME} (a restart logs every UI out).
 */
@ApplicationScoped
public class UiSessions implements CredentialSource {
    /** The session cookie's name. */
    public static final String COOKIE = "relay_session";
    /** The CSRF header state-changing requests of a session carry. */
    public static final String CSRF_HEADER = "X-CSRF-Token";
    /** How long a session lasts after login. */
    public static final Duration LIFETIME = Duration.ofHours(12);
    /** The session endpoint (public in {@link dev.relay.functions.auth.Access}). */
    public static final String PATH = "/ui/session";

    private record Session(String csrf, Instant expires) {}

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final RelayConfig config;
    private final AuthFilter auth;

    /** @param config the API token; @param auth whether the app asks for credentials at all */
    @Inject
    public UiSessions(RelayConfig config, AuthFilter auth) {
        this.config = config;
        this.auth = auth;
    }

    void install(@Observes Router router) {
        router.route(PATH).order(-90).handler(BodyHandler.create().setBodyLimit(64 << 10)).handler(this::handle);
    }

    void handle(RoutingContext ctx) {
        HttpMethod m = ctx.request().method();
        if (HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m)) {
            Optional<Session> s = session(ctx);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("required", auth.enabled());
            doc.put("authenticated", !auth.enabled() || s.isPresent());
            doc.put("csrf", s.map(Session::csrf).orElse(null));
            doc.put("tensorboardUrl", org.eclipse.microprofile.config.ConfigProvider.getConfig()
                    .getOptionalValue("relay.tensorboard-url", String.class).orElse(null));
            Replies.json(ctx, 200, doc);
        } else if (HttpMethod.POST.equals(m)) {
            login(ctx);
        } else if (HttpMethod.DELETE.equals(m)) {
            Cookie c = ctx.request().getCookie(COOKIE);
            if (c != null) {
                sessions.remove(c.getValue());
            }
            ctx.response().addCookie(cookie(ctx, "").setMaxAge(0));
            Replies.json(ctx, 200, Map.of());
        } else {
            Replies.json(ctx, 405, Map.of("error", m + " " + PATH + ": use GET, POST or DELETE"));
        }
    }

    private void login(RoutingContext ctx) {
        String token;
        try {
            var body = ctx.body() == null || ctx.body().buffer() == null ? null
                    : Json.MAPPER.readTree(ctx.body().buffer().getBytes());
            token = body == null || !body.path("token").isTextual() ? null : body.path("token").asText();
        } catch (java.io.IOException e) {
            token = null;
        }
        if (token == null) {
            Replies.json(ctx, 400, Map.of("error", "body must be {\"token\": \"<RELAY_API_TOKEN>\"}", "field", "token"));
            return;
        }
        if (!Tokens.matches(config.apiToken(), token)) {
            Replies.json(ctx, 401, Map.of("error", "wrong token (RELAY_API_TOKEN)", "field", "token"));
            return;
        }
        sessions.entrySet().removeIf(e -> e.getValue().expires().isBefore(Instant.now()));
        String id = randomToken();
        Session s = new Session(randomToken(), Instant.now().plus(LIFETIME));
        sessions.put(id, s);
        ctx.response().addCookie(cookie(ctx, id).setMaxAge(LIFETIME.toSeconds()));
        Replies.json(ctx, 200, Map.of("csrf", s.csrf()));
    }

    private Cookie cookie(RoutingContext ctx, String value) {
        boolean https = "https".equalsIgnoreCase(ctx.request().scheme())
                || "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
        return Cookie.cookie(COOKIE, value).setPath("/").setHttpOnly(true).setSameSite(CookieSameSite.STRICT).setSecure(https);
    }

    private Optional<Session> session(RoutingContext ctx) {
        Cookie c = ctx.request().getCookie(COOKIE);
        if (c == null || c.getValue().isEmpty()) {
            return Optional.empty();
        }
        Session s = sessions.get(c.getValue());
        if (s == null || s.expires().isBefore(Instant.now())) {
            return Optional.empty();
        }
        return Optional.of(s);
    }

    @Override
    public Optional<Credential> credential(RoutingContext ctx) {
        Optional<Session> s = session(ctx);
        if (s.isEmpty()) {
            return Optional.empty();
        }
        HttpMethod m = ctx.request().method();
        if (HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m) || HttpMethod.OPTIONS.equals(m)) {
            return Optional.of(Credential.API);
        }
        String given = ctx.request().getHeader(CSRF_HEADER);
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                s.get().csrf().getBytes(StandardCharsets.UTF_8)) ? Optional.of(Credential.API) : Optional.empty();
    }

    private String randomToken() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
