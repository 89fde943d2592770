package dev.relay.functions.auth;

import dev.relay.functions.app.KubernetesClients;
import dev.relay.functions.app.RelayConfig;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Verifies the OIDC token a Knative Broker or source sends when Knative Eventing's
 * {@code authentication-oidc} feature is on: the token is a Kubernetes service-account token
 * issued for the subscriber's audience, so the API server's TokenReview ({@code
 * authentication.k8s.io/v1}) checks signature, expiry and audience ({@code RELAY_OIDC_AUDIENCE}).
 * Needs the {@code system:auth-delegator} ClusterRole. Verified tokens are remembered for
 * {@value #CACHE_SECONDS} s (by SHA-256, at most {@value #CACHE_SIZE}) so a burst of deliveries
 * costs one review.
 */
@ApplicationScoped
public class EventTokenVerifier {
    private static final Logger LOG = Logger.getLogger(EventTokenVerifier.class);
    static final int CACHE_SECONDS = 60;
    static final int CACHE_SIZE = 256;

    private final RelayConfig config;
    private final KubernetesClients clients;
    private final Map<String, Long> verified = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /** @param config the audience; @param clients the cluster's API server */
    @Inject
    public EventTokenVerifier(RelayConfig config, KubernetesClients clients) {
        this.config = config;
        this.clients = clients;
    }

    /** @return true when OIDC verification is configured ({@code RELAY_OIDC_AUDIENCE}) */
    public boolean enabled() {
        return config.oidcAudience().filter(a -> !a.isBlank()).isPresent();
    }

    /**
     * Blocking (one call to the API server unless cached): run it off the event loop.
     *
     * @param token the bearer token of the request
     * @return true when the API server authenticates it for Relay's audience; false otherwise,
     *     also when the API server cannot be asked (logged)
     */
    public boolean verify(String token) {
        if (!enabled() || token == null || token.isBlank() || token.chars().filter(c -> c == '.').count() != 2) {
            return false;
        }
        String audience = config.oidcAudience().get().trim();
        String key = dev.relay.eventing.Sha256.hex(token.getBytes(StandardCharsets.UTF_8));
        long now = System.nanoTime();
        synchronized (verified) {
            Long until = verified.get(key);
            if (until != null && until - now > 0) {
                return true;
            }
        }
        boolean ok;
        try {
            TokenReview review = clients.client().authentication().v1().tokenReviews().create(new TokenReviewBuilder()
                    .withNewSpec().withToken(token).withAudiences(audience).endSpec().build());
            ok = review.getStatus() != null && Boolean.TRUE.equals(review.getStatus().getAuthenticated())
                    && review.getStatus().getAudiences() != null && review.getStatus().getAudiences().contains(audience);
        } catch (RuntimeException e) {
            LOG.warnf("cannot verify an event's OIDC token with the API server: %s", e.getMessage());
            return false;
        }
        if (ok) {
            synchronized (verified) {
                verified.put(key, now + Duration.ofSeconds(CACHE_SECONDS).toNanos());
            }
        }
        return ok;
    }
}
