package dev.relay.functions.auth;

import io.vertx.core.http.HttpMethod;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which credential each HTTP route needs: the one table of the functions app, read by
 * {@link AuthFilter}. Every path not listed here, including routes added later, is {@link Rule#API}:
 * protected by default. Paths are the router's normalized paths (dot segments and {@code //}
 * already resolved), compared case-sensitively.
 */
public final class Access {
    private Access() {}

    /** What a route needs. */
    public enum Rule {
        /** No credential: liveness checks and pages that hold no data and start nothing. */
        PUBLIC,
        /**
         * A CloudEvent route: the API token; the webhook token for object events only
         * ({@code com.amazonaws.s3.*}, {@code dev.knative.kafka.event}); a verified Knative OIDC token.
         */
        EVENTS,
        /** The MinIO webhook: the webhook token (the API token when no webhook token is set). */
        WEBHOOK,
        /** Everything else: the API token or a session a {@link CredentialSource} vouches for. */
        API
    }

    /**
     * A path that needs no credential.
     *
     * @param path    the exact path, or a prefix ending in {@code /} when {@code prefix}
     * @param methods the methods it is public for
     */
    public record Public(String path, boolean prefix, Set<HttpMethod> methods) {
        /** @return an exact public path */
        public static Public exact(String path, HttpMethod... methods) {
            return new Public(path, false, Set.of(methods));
        }

        /** @return every path under {@code prefix} (which ends in {@code /}) */
        public static Public prefix(String prefix, HttpMethod... methods) {
            if (!prefix.endsWith("/")) {
                throw new IllegalArgumentException("a public prefix ends in '/': " + prefix);
            }
            return new Public(prefix, true, Set.of(methods));
        }

        boolean matches(HttpMethod method, String p) {
            return methods.contains(method) && (prefix ? p.startsWith(path) : p.equals(path));
        }
    }

    /**
     * The allow-list. Add a line for a page that must load before login (the UI's static assets,
     * its login form); never for anything that reads run data or starts work.
     */
    public static final List<Public> PUBLIC = List.of(
            Public.exact("/", HttpMethod.GET, HttpMethod.HEAD),                 // service description, the UI's page
            Public.exact("/index.html", HttpMethod.GET, HttpMethod.HEAD),       // the web UI's page (no data)
            Public.exact("/favicon.ico", HttpMethod.GET, HttpMethod.HEAD),
            Public.exact("/favicon.svg", HttpMethod.GET, HttpMethod.HEAD),
            Public.prefix("/ui/", HttpMethod.GET, HttpMethod.HEAD),             // the UI's scripts and styles
            Public.prefix("/webjars/", HttpMethod.GET, HttpMethod.HEAD),        // its browser libraries
            // the UI's login: checks RELAY_API_TOKEN itself, then sets the session cookie (UiSessions)
            Public.exact("/ui/session", HttpMethod.POST, HttpMethod.DELETE),
            Public.exact("/minio/webhook", HttpMethod.GET, HttpMethod.HEAD),    // MinIO's liveness check
            Public.exact("/q/health", HttpMethod.GET, HttpMethod.HEAD),
            Public.prefix("/q/health/", HttpMethod.GET, HttpMethod.HEAD));

    /** The CloudEvent routes: {@code POST /} and each Funqy function's own path. */
    public static final Set<String> EVENT_PATHS = Set.of("/", "/artifact", "/run-start", "/job-status");

    /** The event routes that take object events only, so the webhook token may post to them. */
    static final Set<String> OBJECT_EVENT_PATHS = Set.of("/artifact");

    /** @return the rule for a request; {@link Rule#API} for anything not listed */
    public static Rule ruleFor(HttpMethod method, String normalizedPath) {
        String path = normalizedPath == null || normalizedPath.isEmpty() ? "/" : normalizedPath;
        for (Public p : PUBLIC) {
            if (p.matches(method, path)) {
                return Rule.PUBLIC;
            }
        }
        if (HttpMethod.POST.equals(method) && EVENT_PATHS.contains(path)) {
            return Rule.EVENTS;
        }
        if ("/minio/webhook".equals(path)) {
            return Rule.WEBHOOK;
        }
        return Rule.API;
    }

    /** @return the credentials a rule accepts for a path (the webhook token narrowed further by type on {@code POST /}) */
    static Set<Credential> accepted(Rule rule, String path, boolean webhookTokenSet) {
        return switch (rule) {
            case PUBLIC -> EnumSet.allOf(Credential.class);
            case API -> EnumSet.of(Credential.API);
            case WEBHOOK -> webhookTokenSet ? EnumSet.of(Credential.WEBHOOK) : EnumSet.of(Credential.API);
            case EVENTS -> "/".equals(path) || OBJECT_EVENT_PATHS.contains(path)
                    ? EnumSet.of(Credential.API, Credential.WEBHOOK, Credential.EVENT_OIDC)
                    : EnumSet.of(Credential.API, Credential.EVENT_OIDC);
        };
    }
}
