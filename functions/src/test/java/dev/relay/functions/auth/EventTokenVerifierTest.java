package dev.relay.functions.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.relay.functions.app.KubernetesClients;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Knative OIDC delivery tokens checked with the API server's TokenReview (fabric8 mock server). */
@EnableKubernetesMockClient
class EventTokenVerifierTest {
    static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";
    static final String AUDIENCE = "relay-functions";
    static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOlsicmVsYXktZnVuY3Rpb25zIl19.c2ln";

    KubernetesMockServer server;
    KubernetesClient client;

    EventTokenVerifier verifier(String audience) {
        KubernetesClients clients = new KubernetesClients() {
            @Override
            public synchronized KubernetesClient client() {
                return client;
            }
        };
        return new EventTokenVerifier(TestConfig.of(audience == null ? Map.of() : Map.of("oidcAudience", audience)), clients);
    }

    static TokenReview answer(boolean authenticated, String... audiences) {
        return new TokenReviewBuilder().withNewStatus().withAuthenticated(authenticated).withAudiences(audiences)
                .withNewUser().withUsername("system:serviceaccount:relay:oidc-trigger").endUser().endStatus().build();
    }

    @Test
    void aTokenTheApiServerAuthenticatesForTheAudienceIsAccepted() throws Exception {
        server.expect().post().withPath(PATH).andReturn(201, answer(true, AUDIENCE)).once();
        EventTokenVerifier v = verifier(AUDIENCE);
        assertTrue(v.verify(TOKEN));
        TokenReview sent = Serialization.unmarshal(server.takeRequest().getBody().readUtf8(), TokenReview.class);
        assertEquals(TOKEN, sent.getSpec().getToken());
        assertEquals(List.of(AUDIENCE), sent.getSpec().getAudiences());
        assertTrue(v.verify(TOKEN), "remembered: no second review");
        assertEquals(1, server.getRequestCount());
    }

    @Test
    void anythingElseIsRefused() {
        server.expect().post().withPath(PATH).andReturn(201, answer(false)).once();
        server.expect().post().withPath(PATH).andReturn(201, answer(true, "another-audience")).once();
        server.expect().post().withPath(PATH).andReturn(403, "forbidden").once();
        EventTokenVerifier v = verifier(AUDIENCE);
        assertFalse(v.verify(TOKEN), "not authenticated");
        assertFalse(v.verify(TOKEN), "authenticated for another audience");
        assertFalse(v.verify(TOKEN), "the API server refuses the review (no auth-delegator role)");
        assertFalse(v.verify("not-a-jwt"), "not even asked");
        assertFalse(verifier(null).verify(TOKEN), "OIDC not configured");
        assertEquals(3, server.getRequestCount());
    }
}
