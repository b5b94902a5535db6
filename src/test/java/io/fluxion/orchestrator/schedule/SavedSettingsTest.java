package io.fluxion.orchestrator.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.config.FluxionConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The one rule of the run-time settings: the saved value over the configuration, for each of them. */
class SavedSettingsTest {
    static final Instant NOW = Instant.parse("2026-11-21T16:00:00Z");

    /** The ledger's settings table as a map; remembers when each value was saved. */
    static final class MapStore implements SavedSettings.Store {
        final Map<String, String> values = new HashMap<>();
        final Map<String, Instant> savedAt = new HashMap<>();

        @Override
        public Optional<String> setting(String name) {
            return Optional.ofNullable(values.get(name));
        }

        @Override
        public void setting(String name, String value, Instant at) {
            values.put(name, value);
            savedAt.put(name, at);
        }
    }

    final MapStore store = new MapStore();

    SavedSettings settings(Map<String, String> props) {
        FluxionConfig cfg = FluxionConfig.load(props::get, props.keySet());
        return new SavedSettings(cfg, store, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void withNothingSavedEverySettingIsTheConfigurations() {
        SavedSettings s = settings(Map.of("fluxion.window.enabled", "false", "fluxion.window.start", "02:30",
                "fluxion.etl.max-attempts", "5", "fluxion.etl.retry-interval", "90s", "fluxion.klk.enabled", "false"));
        assertThat(s.windowEnabled()).isFalse();
        assertThat(s.savedWindowStart()).isEmpty();
        assertThat(s.windowStart()).isEqualTo(LocalTime.of(2, 30));
        assertThat(s.maxAttempts()).isEqualTo(5);
        assertThat(s.retryInterval()).isEqualTo(Duration.ofSeconds(90));
        assertThat(s.klkEnabled("klk-inventory")).isFalse();
        assertThat(s.klkEnabled("klk-sales")).isFalse();
    }

    @Test
    void aSavedValueWinsOverTheConfigurationAndIsSavedWithTheClocksTime() {
        SavedSettings s = settings(Map.of("fluxion.etl.max-attempts", "5", "fluxion.etl.retry-interval", "90s"));
        s.windowEnabled(false);
        s.windowStart(LocalTime.of(3, 15));
        s.maxAttempts(2);
        s.retryIntervalMinutes(7);
        s.klkEnabled("klk-sales", false);

        assertThat(s.windowEnabled()).isFalse();
        assertThat(s.savedWindowStart()).contains(LocalTime.of(3, 15));
        assertThat(s.windowStart()).isEqualTo(LocalTime.of(3, 15));
        assertThat(s.maxAttempts()).isEqualTo(2);
        assertThat(s.retryInterval()).isEqualTo(Duration.ofMinutes(7));
        assertThat(s.klkEnabled("klk-sales")).isFalse();
        // each route has its own flag: the other one still follows fluxion.klk.enabled (true by default)
        assertThat(s.klkEnabled("klk-inventory")).isTrue();
        // the names the ledger has always used: saved values of earlier versions are still read
        assertThat(store.values).containsEntry("window.enabled", "false").containsEntry("window.start", "03:15")
                .containsEntry("etl.max-attempts", "2").containsEntry("etl.retry-interval-minutes", "7")
                .containsEntry("klk-sales.enabled", "false");
        assertThat(store.savedAt.values()).containsOnly(NOW);
    }

    @Test
    void aSettingSavedOnThenOffFollowsTheLastSave() {
        SavedSettings s = settings(Map.of());
        s.windowEnabled(false);
        s.windowEnabled(true);
        assertThat(s.windowEnabled()).isTrue();
    }
}
