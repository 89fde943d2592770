package dev.relay.functions.auth;

import dev.relay.functions.app.RelayConfig;
import java.util.Map;
import java.util.Optional;

/** A {@link RelayConfig} from a map of method name → value (Optionals from plain strings; defaults otherwise). */
final class TestConfig {
    private TestConfig() {}

    static RelayConfig of(Map<String, Object> values) {
        return (RelayConfig) java.lang.reflect.Proxy.newProxyInstance(RelayConfig.class.getClassLoader(),
                new Class<?>[] {RelayConfig.class}, (p, m, a) -> {
                    Object v = values.get(m.getName());
                    if (m.getReturnType() == Optional.class) {
                        return Optional.ofNullable((String) v);
                    }
                    if (v != null) {
                        return v;
                    }
                    return switch (m.getName()) {
                        case "eventRoutes" -> true;
                        case "requireTokens" -> false;
                        case "eventAuth" -> "token";
                        case "toString" -> "TestConfig" + values;
                        case "hashCode" -> System.identityHashCode(p);
                        case "equals" -> p == a[0];
                        default -> throw new UnsupportedOperationException(m.getName());
                    };
                });
    }
}
