package dev.relay.functions.auth;

/**
 * What a request proved about its sender ({@link AuthFilter}): which token it carried, or that a
 * Knative OIDC token for Relay's audience was verified.
 */
public enum Credential {
    /** {@code RELAY_API_TOKEN} (or a session a {@link CredentialSource} vouches for): every route. */
    API,
    /** {@code RELAY_WEBHOOK_TOKEN}: the MinIO webhook and object (S3-type) events only. */
    WEBHOOK,
    /** A Knative Eventing OIDC token verified for {@code RELAY_OIDC_AUDIENCE}: CloudEvent routes only. */
    EVENT_OIDC
}
