package io.fluxion.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The durations of the configuration: what an operator may write, and how logs and the API show a duration. */
class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "500ms, PT0.5S",
        "0s, PT0S",
        "5s, PT5S",
        "3m, PT3M",
        "4h, PT4H",
        "1d, PT24H",
        "' 20 M ', PT20M",
        "10 s, PT10S",
        "PT3M, PT3M",
        "pt1h30m, PT1H30M",
        "P1D, PT24H",
    })
    void theShortFormsAndIso8601AreDurations(String text, String iso) {
        assertThat(Durations.parse("fluxion.x", text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "  ", "5", "five minutes", "5 mins", "3 parsecs", "1.5h", "-5s", "5s 3m", "ms",
        "99999999999999999999s", "9999999999999999d"})
    void anythingElseIsRefusedNamingTheKey(String text) {
        assertThatThrownBy(() -> Durations.parse("fluxion.etl.store-timeout", text))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("fluxion.etl.store-timeout")
                .hasMessageContaining("is not a duration");
    }

    @ParameterizedTest
    @CsvSource({
        "PT0S, 0ms",
        "PT0.85S, 850ms",
        "PT0.999S, 999ms",
        "PT1S, 1s",
        "PT59.9S, 59s",
        "PT1M, 1m00s",
        "PT3M20S, 3m20s",
        "PT59M59S, 59m59s",
        "PT1H, 1h00m",
        "PT1H5M59S, 1h05m",
        "PT26H, 26h00m",
    })
    void aDurationIsShownShort(String iso, String shown) {
        assertThat(Durations.format(Duration.parse(iso))).isEqualTo(shown);
    }

    @org.junit.jupiter.api.Test
    void noDurationIsShownAsADash() {
        assertThat(Durations.format(null)).isEqualTo("-");
    }
}
