package io.fluxion.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FluxionConfigTest {

    static FluxionConfig load(Map<String, String> p) {
        return FluxionConfig.load(p::get, p.keySet());
    }

    @Test
    void defaultsAreTheContractsDefaults() {
        FluxionConfig c = load(Map.of());
        assertThat(c.window().zone()).isEqualTo(ZoneId.of("America/Caracas"));
        assertThat(c.window().start()).isEqualTo(LocalTime.of(1, 0));
        assertThat(c.window().end()).isEqualTo(LocalTime.of(6, 0));
        assertThat(c.window().cron()).isEqualTo("0 0 1 * * ?");
        assertThat(c.window().label()).isEqualTo("1:00 AM - 6:00 AM");
        assertThat(c.backend().mode()).isEqualTo("none");
        assertThat(c.backend().stopTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(c.backend().startTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.etl().chunkSize()).isEqualTo(20000);
        assertThat(c.etl().redeliveries()).isEqualTo(3);
        assertThat(c.etl().redeliveryDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.etl().retryInterval()).isEqualTo(Duration.ofMinutes(20));
        assertThat(c.etl().maxDuration()).isEqualTo(Duration.ofHours(4));
        assertThat(c.klk().mode()).isEqualTo("direct");
        assertThat(c.demoEnabled()).isTrue();
        assertThat(c.duckdbPath()).isEqualTo(c.dataDir().resolve("fluxion.duckdb"));
        // the API: no token, no other site, 400 store loads per request, reads public
        assertThat(c.api()).isEqualTo(new FluxionConfig.Api(null, null, 400, false));
    }

    @Test
    void anApiTokenOfFewerThan32CharactersStopsTheStartWithoutShowingIt() {
        String shortToken = "abcdefghij-0123456789-abcdefghi";
        assertThat(shortToken).hasSize(31);
        assertThatThrownBy(() -> load(Map.of("fluxion.api.token", shortToken))).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("fluxion.api.token"))
                .hasMessageContaining("31 characters").hasMessageContaining("at least 32")
                .hasMessageNotContaining(shortToken);
        assertThat(load(Map.of("fluxion.api.token", shortToken + "k")).apiToken()).isEqualTo(shortToken + "k");
        assertThat(load(Map.of("fluxion.api.token", shortToken + "k")).toString()).doesNotContain(shortToken);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "fluxion.window.zone|Mars/Olympus",
        "fluxion.window.start|25:00",
        "fluxion.window.end|00:30",
        "fluxion.backend.mode|kubernetes",
        "fluxion.etl.chunk-size|0",
        "fluxion.etl.redeliveries|-1",
        "fluxion.etl.parallelism|many",
        "fluxion.etl.retry-interval|soon",
        "fluxion.klk.inventory.cron|every 30 minutes",
        "fluxion.klk.sales.cron|0 5/30 * * *",
        "fluxion.window.enabled|yes",
        "fluxion.backend.ecs.endpoint|localhost:4566",
        "fluxion.api.token|short-token",
        "fluxion.api.max-store-days|0",
        "fluxion.api.protect-reads|maybe",
        "fluxion.api.cors-origin|granja.example",
        "fluxion.api.cors-origin|https://a.example, https://b.example",
        "fluxion.ledger.url|postgresql://db:5432/fluxion",
        "fluxion.ledger.url|jdbc:mysql://db:3306/fluxion",
    })
    void aBadValueStopsTheStartNamingItsKey(String key, String value) {
        Map<String, String> p = new HashMap<>();
        p.put(key, value);
        assertThatThrownBy(() -> load(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key)
                .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
    }

    @Test
    void aStoreUrlThatIsNotJdbcIsRefusedWithoutShowingItsPassword() {
        Map<String, String> p = new HashMap<>();
        p.put("fluxion.demo.enabled", "false");
        p.put("fluxion.stores.tienda_01.url", "sqlserver://10.0.0.1;password=hunter22");
        assertThatThrownBy(() -> load(p)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fluxion.stores.tienda_01.url")
                .hasMessageNotContaining("hunter22");
    }

    @Test
    void ecsModeNeedsClusterAndService() {
        assertThatThrownBy(() -> load(Map.of("fluxion.backend.mode", "ecs")))
                .hasMessageContaining("fluxion.backend.ecs.cluster");
        assertThatThrownBy(() -> load(Map.of("fluxion.backend.mode", "ecs", "fluxion.backend.ecs.cluster", "c")))
                .hasMessageContaining("fluxion.backend.ecs.service");
    }

    @Test
    void storesComeFromTheirKeysWithSharedCredentialsAndNeverPrintThePassword() {
        Map<String, String> p = new HashMap<>();
        p.put("fluxion.demo.enabled", "false");
        p.put("fluxion.source.user", "etl");
        p.put("fluxion.source.password", "s3cret-pass");
        p.put("fluxion.stores.tienda_01.url", "jdbc:sqlserver://10.0.0.1:1433;databaseName=VAD10");
        p.put("fluxion.stores.tienda_01.name", "PERIFERICO");
        p.put("fluxion.stores.tienda_08.url", "jdbc:sqlserver://10.0.0.8:1433;databaseName=KLK;password=other-pass");
        p.put("fluxion.stores.tienda_08.system", "klk");
        p.put("fluxion.stores.tienda_08.password", "own-pass");
        p.put("fluxion.stores.tienda_09.url", "jdbc:sqlserver://10.0.0.9:1433");
        p.put("fluxion.stores.tienda_09.enabled", "false");
        FluxionConfig c = load(p);
        assertThat(c.stores()).extracting(StoreConfig::id).containsExactly("tienda_01", "tienda_08", "tienda_09");
        assertThat(c.store("tienda_01").password()).isEqualTo("s3cret-pass");
        assertThat(c.store("tienda_08").password()).isEqualTo("own-pass");
        assertThat(c.windowStores()).extracting(StoreConfig::id).containsExactly("tienda_01");
        assertThat(c.klkStores()).extracting(StoreConfig::id).containsExactly("tienda_08");
        assertThat(c.toString()).doesNotContain("s3cret-pass").doesNotContain("own-pass").doesNotContain("other-pass");
    }

    @Test
    void theStartUpLineShowsNoCredentialOfTheKlkUrlNorOfTheEcsEndpoint() {
        Map<String, String> p = new HashMap<>();
        p.put("fluxion.klk.mode", "backend");
        p.put("fluxion.klk.backend-url", "https://sync:Klk-pw-5521@api.fluxion.internal");
        p.put("fluxion.backend.mode", "dry-run");
        p.put("fluxion.backend.ecs.cluster", "c");
        p.put("fluxion.backend.ecs.service", "s");
        p.put("fluxion.backend.ecs.endpoint", "http://key:Ecs-pw-8812@127.0.0.1:4566");
        FluxionConfig c = load(p);
        assertThat(c.toString()).contains("backendUrl=https://sync:***@api.fluxion.internal")
                .contains("endpoint=http://key:***@127.0.0.1:4566")
                .doesNotContain("Klk-pw-5521").doesNotContain("Ecs-pw-8812");
        // and both are scrubbed from error messages
        assertThat(c.secrets()).contains("Klk-pw-5521", "Ecs-pw-8812");
        assertThat(Secrets.scrub("POST failed: Klk-pw-5521", c.secrets())).doesNotContain("Klk-pw-5521");
        // the URL the app uses keeps its credentials
        assertThat(c.klk().backendUrl()).isEqualTo("https://sync:Klk-pw-5521@api.fluxion.internal");
    }

    @Test
    void thePostgresLedgersPasswordIsASecretNeverShown() {
        Map<String, String> p = new HashMap<>();
        p.put("fluxion.ledger.url", "jdbc:postgresql://db.internal:5432/fluxion?sslmode=require");
        p.put("fluxion.ledger.user", "fluxion");
        p.put("fluxion.ledger.password", "Ledger-pw-7731");
        FluxionConfig c = load(p);
        assertThat(c.ledgerUser()).isEqualTo("fluxion");
        assertThat(c.ledgerPassword()).isEqualTo("Ledger-pw-7731");
        assertThat(c.defaultLedgerFile()).isNull();
        assertThat(c.toString()).contains("ledger=jdbc:postgresql://db.internal:5432/fluxion?sslmode=require")
                .doesNotContain("Ledger-pw-7731");
        // scrubbed from health details and alert texts
        assertThat(c.secrets()).contains("Ledger-pw-7731");
        assertThat(c.withStores(List.of()).secrets()).contains("Ledger-pw-7731");
    }

    @Test
    void durationsAcceptShortAndIsoForms() {
        assertThat(Durations.parse("k", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("k", "3m")).isEqualTo(Duration.ofMinutes(3));
        assertThat(Durations.parse("k", "PT4H")).isEqualTo(Duration.ofHours(4));
        assertThat(Durations.format(Duration.ofSeconds(3725))).isEqualTo("1h02m");
        assertThatThrownBy(() -> Durations.parse("fluxion.x", "3 parsecs")).hasMessageContaining("fluxion.x");
    }

    @Test
    void secretsAreRedactedFromUrlsAndMessages() {
        assertThat(Secrets.redactUrl("jdbc:sqlserver://h:1433;user=etl;password=abc;db=x"))
                .isEqualTo("jdbc:sqlserver://h:1433;user=etl;password=***;db=x");
        assertThat(Secrets.redactUrl("https://bob:pw@host/x")).isEqualTo("https://bob:***@host/x");
        assertThat(Secrets.scrub("login failed for token tok-123", java.util.List.of("tok-123"))).doesNotContain("tok-123");
    }
}
