package io.fluxion.orchestrator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxion.orchestrator.RunWindowCommand;
import io.fluxion.orchestrator.config.ConfigException;
import io.fluxion.orchestrator.testing.Apps;
import io.fluxion.orchestrator.testing.HttpApp;
import io.fluxion.orchestrator.testing.MutableClock;
import io.fluxion.orchestrator.testing.Services;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The management server's guard: HTTP Basic credentials from the environment when
 * {@code camel.management.authenticationEnabled=true}; refused start-ups (each naming its setting) for a
 * non-loopback host without authentication, authentication without credentials, or the API's port; and
 * run-window, a one-shot, never starting it.
 */
class ManagementSecurityTest {
    static final String USER = "hawtio";
    static final String PASSWORD = "correct-horse-battery";

    @TempDir
    Path tmp;

    Map<String, String> props() {
        Map<String, String> p = Apps.base(tmp.resolve("data"));
        p.put("fluxion.demo.enabled", "false");
        // one store that is never reached: nothing here loads
        p.put("fluxion.stores.tienda_01.url", "jdbc:h2:tcp://127.0.0.1:1/tienda_01");
        p.put("camel.component.quartz.autoStartScheduler", "false");
        return p;
    }

    @Test
    void withAuthenticationTheManagementServerWantsTheCredentials() throws Exception {
        Map<String, String> p = props();
        p.put("camel.management.authenticationEnabled", "true");
        p.put("fluxion.management.user", USER);
        p.put("fluxion.management.password", PASSWORD);
        try (HttpApp app = HttpApp.start(p, MutableClock.caracas(2026, 11, 21, 10, 0))) {
            for (String path : new String[] {"/observe/jolokia/version", "/observe/health", "/observe/metrics"}) {
                HttpApp.Resp none = app.management(path);
                assertThat(none.status()).as(path + " without credentials").isEqualTo(401);
                assertThat(none.header("WWW-Authenticate")).startsWith("Basic");
                assertThat(app.management(path, USER, "wrong-password-xyz").status()).as(path + " wrong").isEqualTo(401);
                assertThat(app.management(path, USER, PASSWORD).status()).as(path + " right").isIn(200, 503);
            }
            HttpApp.Resp version = app.management("/observe/jolokia/version", USER, PASSWORD);
            assertThat(version.json().path("value").path("agent").asText()).startsWith("2.");
            // the API keeps its own rules: the public status needs no management credentials
            assertThat(app.get("/maintenance-status").status()).isEqualTo(200);
        }
    }

    @Test
    void aNonLoopbackHostWithoutAuthenticationRefusesTheStart() {
        Map<String, String> p = props();
        p.put("camel.management.enabled", "true");
        p.put("camel.management.host", "0.0.0.0");
        p.put("camel.management.port", String.valueOf(HttpApp.freePort()));
        assertThatThrownBy(() -> Services.start(p, Map.of()).close())
                .hasRootCauseInstanceOf(ConfigException.class)
                .rootCause().hasMessageContaining("camel.management.authenticationEnabled").hasMessageContaining("0.0.0.0");
    }

    @Test
    void authenticationWithoutCredentialsRefusesTheStartNamingTheSetting() {
        Map<String, String> p = props();
        p.put("camel.management.enabled", "true");
        p.put("camel.management.host", "0.0.0.0");
        p.put("camel.management.port", String.valueOf(HttpApp.freePort()));
        p.put("camel.management.authenticationEnabled", "true");
        p.put("fluxion.management.user", USER);
        assertThatThrownBy(() -> Services.start(p, Map.of()).close())
                .rootCause().hasMessageContaining("fluxion.management.password");
    }

    @Test
    void theApiPortIsRefusedForManagement() {
        Map<String, String> p = props();
        int port = HttpApp.freePort();
        p.put("camel.server.enabled", "true");
        p.put("camel.server.port", String.valueOf(port));
        p.put("camel.management.enabled", "true");
        p.put("camel.management.port", String.valueOf(port));
        assertThatThrownBy(() -> Services.start(p, Map.of()).close())
                .rootCause().hasMessageContaining("camel.management.port").hasMessageContaining("camel.server.port");
    }

    @Test
    void runWindowNeverStartsTheManagementServer() {
        Map<String, String> p = RunWindowCommand.oneShotProperties(Map.of("camel.management.enabled", "true"));
        assertThat(p).containsEntry("camel.management.enabled", "false").containsEntry("camel.server.enabled", "false");
    }
}
