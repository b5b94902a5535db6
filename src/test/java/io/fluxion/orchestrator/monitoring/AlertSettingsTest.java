package io.fluxion.orchestrator.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxion.orchestrator.config.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code fluxion.alerts.*}: defaults, bad values named by key, and the webhook URL never repeated anywhere. */
class AlertSettingsTest {
    static AlertSettings load(Map<String, String> p) {
        return AlertSettings.load(p::get);
    }

    @Test
    void defaultsAreTheSpecs() {
        AlertSettings s = load(Map.of());
        assertThat(s.hasWebhook()).isFalse();
        assertThat(s.maxDuration()).isEqualTo(Duration.ofHours(5));
        assertThat(s.daysBehind()).isEqualTo(7);
        assertThat(s.klkFailures()).isEqualTo(3);
        assertThat(s.summary()).isFalse();
        assertThat(s.webhookRetries()).isEqualTo(3);
    }

    @Test
    void aBadWebhookUrlIsRefusedWithoutRepeatingIt() {
        Map<String, String> p = new HashMap<>();
        p.put("fluxion.alerts.webhook-url", "hooks.slack.com/services/T0/B0/very-secret-token");
        assertThatThrownBy(() -> load(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fluxion.alerts.webhook-url").hasMessageNotContaining("very-secret-token");
    }

    @Test
    void theWebhookUrlIsNeverInTheSettingsText() {
        AlertSettings s = load(Map.of("fluxion.alerts.webhook-url", "https://hooks.slack.com/services/T0/B0/very-secret-token"));
        assertThat(s.hasWebhook()).isTrue();
        assertThat(s.toString()).doesNotContain("very-secret-token").contains("set (not shown)");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> load(Map.of("fluxion.alerts.days-behind", "-1")))
                .hasMessageContaining("fluxion.alerts.days-behind");
        assertThatThrownBy(() -> load(Map.of("fluxion.alerts.max-duration", "five hours")))
                .hasMessageContaining("fluxion.alerts.max-duration");
        assertThatThrownBy(() -> load(Map.of("fluxion.alerts.summary", "yes")))
                .hasMessageContaining("fluxion.alerts.summary");
        assertThatThrownBy(() -> load(Map.of("fluxion.alerts.check-interval", "0s")))
                .hasMessageContaining("fluxion.alerts.check-interval");
    }
}
