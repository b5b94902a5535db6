package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** CAMEL_SERVER_PORT (and the other camel.* keys of application.properties) can be set by environment variable. */
class HttpEnvPortTest {
    @Test
    void camelKeysOfApplicationPropertiesAreTakenFromTheEnvironment() {
        Map<String, String> o = FluxionApplication.camelEnvironmentOverrides(Map.of(
                "CAMEL_SERVER_PORT", "18081", "CAMEL_SERVER_ENABLED", "true", "UNRELATED", "x",
                "CAMEL_MAIN_SHUTDOWNTIMEOUT", "7"));
        assertThat(o).containsEntry("camel.server.port", "18081").containsEntry("camel.server.enabled", "true")
                .containsEntry("camel.main.shutdownTimeout", "7").doesNotContainKey("UNRELATED");
        assertThat(FluxionApplication.camelEnvironmentOverrides(Map.of())).isEmpty();
    }
}
