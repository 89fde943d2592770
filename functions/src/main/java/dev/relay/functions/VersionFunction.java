package dev.relay.functions;

import io.quarkus.funqy.Funq;

/** Answers Relay's version; a liveness probe for the functions app. */
public class VersionFunction {
    /** @return the Relay version string, e.g. {@code 0.1.0-SNAPSHOT} */
    @Funq
    public String version() {
        String v = VersionFunction.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
