package dev.relay.functions.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** RelayConfig's storage settings come from the runner's one environment reader, by its rules. */
class RelayEnvConfigSourceTest {
    @Test
    void setVariablesBecomeRelayPropertiesAndUnsetOrBlankOnesDoNot() {
        RelayEnvConfigSource s = new RelayEnvConfigSource(Map.of("RELAY_BUCKET", "data", "RELAY_S3_ENDPOINT",
                "http://minio:9000", "RELAY_STATE_DIR", "  ", "RELAY_API_TOKEN", "t"));
        assertEquals(Map.of("relay.bucket", "data", "relay.s3.endpoint", "http://minio:9000"), s.getProperties());
        assertNull(s.getValue("relay.state-dir"), "blank counts as unset, as for the CLI");
        assertNull(s.getValue("relay.s3.secret-key"), "an unset key leaves the defaults in charge");
        assertEquals(300, s.getOrdinal());
    }

    @Test
    void theServiceFileNamesTheSource() throws Exception {
        try (var in = getClass().getResourceAsStream("/META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource")) {
            assertEquals(RelayEnvConfigSource.class.getName(), new String(in.readAllBytes()).trim());
        }
    }
}
