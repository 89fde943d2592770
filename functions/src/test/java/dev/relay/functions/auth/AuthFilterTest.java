package dev.relay.functions.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.functions.app.RelayConfig;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.inject.Instance;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one filter on a real Vert.x router, each rule of {@link Access} with each credential: the
 * routes behind it only answer 200 and echo the credential they were admitted with.
 */
class AuthFilterTest {
    static final String API = "api-token-123";
    static final String HOOK = "hook-token-456";
    static final String OIDC = "header.payload.signature";

    final HttpClient http = HttpClient.newHttpClient();
    final List<String> reached = new ArrayList<>();
    Vertx vertx;
    HttpServer server;

    @AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    /** Starts a router: the filter, then routes for every kind of path that echo the admitting credential. */
    URI start(Map<String, Object> config, CredentialSource... sources) throws Exception {
        RelayConfig c = TestConfig.of(config);
        EventTokenVerifier verifier = new EventTokenVerifier(c, null) {
            @Override
            public boolean verify(String token) {
                return enabled() && OIDC.equals(token);
            }
        };
        AuthFilter filter = new AuthFilter(c, instance(List.of(sources)), verifier);
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        filter.install(router);
        router.route().handler(BodyHandler.create());
        router.route().handler(ctx -> {
            reached.add(ctx.request().method() + " " + ctx.normalizedPath() + " " + ctx.body().asString());
            ctx.response().end(String.valueOf((Object) ctx.get(AuthFilter.CREDENTIAL)));
        });
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    record Answer(int status, String body, Optional<String> challenge) {}

    Answer send(URI base, String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofString("{\"x\":1}"));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body(), r.headers().firstValue("WWW-Authenticate"));
    }

    @Test
    void withoutTokensEveryRouteIsOpen() throws Exception {
        URI u = start(Map.of());
        for (String path : List.of("/", "/run-start", "/api/v1/runs", "/minio/webhook", "/anything/new")) {
            assertEquals(200, send(u, "POST", path, null).status(), path);
        }
    }

    @Test
    void eachRuleTakesItsCredentialsAndNothingElse() throws Exception {
        URI u = start(Map.of("apiToken", API, "webhookToken", HOOK));
        // CloudEvent routes: POST / and each function's path
        for (String path : List.of("/", "/artifact", "/run-start", "/job-status")) {
            Answer none = send(u, "POST", path, null);
            assertEquals(401, none.status(), path);
            assertEquals(Optional.of("Bearer"), none.challenge());
            assertTrue(none.body().contains("missing bearer token"), none.body());
            assertEquals(401, send(u, "POST", path, "wrong").status(), path);
            assertEquals(401, send(u, "POST", path, OIDC).status(), path + ": no OIDC audience configured");
            assertEquals("API", send(u, "POST", path, API).body(), path);
        }
        // the webhook token: object events only (POST / checks the type after reading the event)
        assertEquals("WEBHOOK", send(u, "POST", "/", HOOK).body());
        assertEquals("WEBHOOK", send(u, "POST", "/artifact", HOOK).body());
        assertEquals(401, send(u, "POST", "/run-start", HOOK).status());
        assertEquals(401, send(u, "POST", "/job-status", HOOK).status());
        // the webhook: its own token only
        assertEquals(401, send(u, "POST", "/minio/webhook", null).status());
        assertEquals(401, send(u, "POST", "/minio/webhook", API).status());
        assertEquals("WEBHOOK", send(u, "POST", "/minio/webhook", HOOK).body());
        // the API and any path nobody has written yet: the API token
        // (the web UI's assets under /ui/ are public for GET/HEAD only: below)
        for (String path : List.of("/api/v1/runs", "/apis/v2beta1/runs", "/some/future/route", "/uix/app.js")) {
            for (String method : List.of("GET", "POST", "DELETE")) {
                assertEquals(401, send(u, method, path, null).status(), method + " " + path);
                assertEquals(401, send(u, method, path, HOOK).status(), method + " " + path);
                assertEquals("API", send(u, method, path, API).body(), method + " " + path);
            }
        }
        // the allow-list: liveness and the service description, never a write
        assertEquals(200, send(u, "GET", "/ui/app.js", null).status());
        assertEquals(401, send(u, "POST", "/ui/app.js", null).status());
        assertEquals(401, send(u, "DELETE", "/ui/app.js", null).status());
        assertEquals(200, send(u, "GET", "/", null).status());
        assertEquals(200, send(u, "GET", "/minio/webhook", null).status());
        assertEquals(200, send(u, "HEAD", "/minio/webhook", null).status());
        assertEquals(200, send(u, "GET", "/q/health/live", null).status());
        assertEquals(401, send(u, "POST", "/q/health/live", null).status());
        // dot segments are resolved before the table is read
        assertEquals(401, send(u, "GET", "/q/health/../../api/v1/runs", null).status());
        assertEquals(401, send(u, "GET", "/q/health/%2e%2e/%2e%2e/api/v1/runs", null).status());
        assertEquals(401, send(u, "GET", "//api/v1/runs", null).status());
        assertFalse(reached.stream().anyMatch(r -> r.contains("api/v1/runs") && !r.startsWith("GET /api/v1/runs")
                && !r.startsWith("POST /api/v1/runs") && !r.startsWith("DELETE /api/v1/runs")));
    }

    @Test
    void aRejectedRequestReachesNoRoute() throws Exception {
        URI u = start(Map.of("apiToken", API, "webhookToken", HOOK));
        send(u, "POST", "/", null);
        send(u, "POST", "/run-start", "wrong");
        send(u, "POST", "/api/v1/runs", HOOK);
        assertEquals(List.of(), reached);
        send(u, "POST", "/run-start", API);
        assertEquals(List.of("POST /run-start {\"x\":1}"), reached, "the body still reaches the route once admitted");
    }

    @Test
    void aCredentialSourceVouchesForTheApiNotForEvents() throws Exception {
        CredentialSource session = ctx -> "s3ss10n".equals(ctx.request().getHeader("Cookie")) ? Optional.of(Credential.API) : Optional.empty();
        URI u = start(Map.of("apiToken", API), session);
        HttpRequest r = HttpRequest.newBuilder(URI.create(u + "/api/v1/runs")).header("Cookie", "s3ss10n").GET().build();
        assertEquals("API", http.send(r, HttpResponse.BodyHandlers.ofString()).body());
        HttpRequest bad = HttpRequest.newBuilder(URI.create(u + "/api/v1/runs")).header("Cookie", "other").GET().build();
        assertEquals(401, http.send(bad, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void theClusterLocalServiceTakesBrokerDeliveriesAndVerifiesOidcWhenConfigured() throws Exception {
        URI u = start(Map.of("apiToken", API, "webhookToken", HOOK, "eventAuth", "cluster-local", "requireTokens", true));
        assertEquals(200, send(u, "POST", "/", null).status(), "a Broker delivery carries no header");
        assertEquals(200, send(u, "POST", "/run-start", null).status());
        assertEquals(401, send(u, "POST", "/api/v1/runs", null).status(), "the API still needs its token");
        stop();
        reached.clear();
        u = start(Map.of("apiToken", API, "webhookToken", HOOK, "eventAuth", "cluster-local", "requireTokens", true,
                "oidcAudience", "relay-functions"));
        assertEquals(401, send(u, "POST", "/", null).status(), "with OIDC on, a delivery needs its token");
        assertEquals(401, send(u, "POST", "/", "x.y.z").status());
        assertEquals("EVENT_OIDC", send(u, "POST", "/", OIDC).body());
        assertEquals("EVENT_OIDC", send(u, "POST", "/job-status", OIDC).body());
        assertEquals(401, send(u, "POST", "/api/v1/runs", OIDC).status(), "an event token is no API token");
        assertEquals(List.of("POST / {\"x\":1}", "POST /job-status {\"x\":1}"), reached);
    }

    @Test
    void thePublicServiceDoesNotServeCloudEventRoutes() throws Exception {
        URI u = start(Map.of("apiToken", API, "webhookToken", HOOK, "eventRoutes", false));
        for (String path : List.of("/", "/artifact", "/run-start", "/job-status")) {
            Answer a = send(u, "POST", path, API);
            assertEquals(404, a.status(), path);
            assertTrue(a.body().contains("cluster-local"), a.body());
        }
        assertEquals("API", send(u, "GET", "/api/v1/runs", API).body());
        assertEquals("WEBHOOK", send(u, "POST", "/minio/webhook", HOOK).body());
    }

    @SuppressWarnings("unchecked")
    static Instance<CredentialSource> instance(List<CredentialSource> sources) {
        Map<String, Object> none = new HashMap<>();
        return (Instance<CredentialSource>) java.lang.reflect.Proxy.newProxyInstance(Instance.class.getClassLoader(),
                new Class<?>[] {Instance.class}, (p, m, a) -> switch (m.getName()) {
                    case "iterator" -> (Iterator<CredentialSource>) sources.iterator();
                    case "stream" -> sources.stream();
                    case "isUnsatisfied" -> sources.isEmpty();
                    default -> throw new UnsupportedOperationException(m.getName() + none);
                });
    }
}
