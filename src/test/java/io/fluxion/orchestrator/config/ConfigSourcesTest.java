package io.fluxion.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layering of the configuration (SPEC 7), key by key: the jar's application.properties, the operator
 * file, the environment, -D, the overrides in code; each key takes the value of the highest source that sets it.
 */
class ConfigSourcesTest {
    @TempDir
    Path tmp;

    static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void eachKeyTakesTheHighestSourceThatSetsIt() {
        // four keys of each namespace, each set by one more source than the previous one
        Properties jar = props(
                "fluxion.etl.chunk-size", "jar", "fluxion.etl.parallelism", "jar",
                "fluxion.etl.max-attempts", "jar", "fluxion.etl.store-timeout", "jar",
                "camel.main.name", "jar", "camel.server.port", "jar",
                "camel.main.shutdownTimeout", "jar", "camel.server.enabled", "jar");
        Properties file = props(
                "fluxion.etl.parallelism", "file", "fluxion.etl.max-attempts", "file", "fluxion.etl.store-timeout", "file",
                "camel.server.port", "file", "camel.main.shutdownTimeout", "file", "camel.server.enabled", "file");
        Map<String, String> env = Map.of(
                "FLUXION_ETL_MAX_ATTEMPTS", "env", "FLUXION_ETL_STORE_TIMEOUT", "env",
                "CAMEL_MAIN_SHUTDOWNTIMEOUT", "env", "CAMEL_SERVER_ENABLED", "env");
        Properties sys = props("fluxion.etl.store-timeout", "sys", "camel.server.enabled", "sys");

        ConfigSources s = ConfigSources.of(jar, tmp.resolve("op.properties"), file, env, sys, Map.of());

        assertThat(s.get("fluxion.etl.chunk-size")).isEqualTo("jar");
        assertThat(s.get("fluxion.etl.parallelism")).isEqualTo("file");
        assertThat(s.get("fluxion.etl.max-attempts")).isEqualTo("env");
        assertThat(s.get("fluxion.etl.store-timeout")).isEqualTo("sys");
        assertThat(s.get("camel.main.name")).isEqualTo("jar");
        assertThat(s.get("camel.server.port")).isEqualTo("file");
        assertThat(s.get("camel.main.shutdownTimeout")).isEqualTo("env");
        assertThat(s.get("camel.server.enabled")).isEqualTo("sys");
        assertThat(s.entry("fluxion.etl.max-attempts").origin()).isEqualTo("FLUXION_ETL_MAX_ATTEMPTS");
        assertThat(s.entry("camel.server.enabled").layer()).isEqualTo(ConfigSources.Layer.SYSTEM);
        // what Camel receives: one value per key
        assertThat(s.properties()).containsEntry("fluxion.etl.store-timeout", "sys").containsEntry("camel.main.name", "jar")
                .hasSize(8);
    }

    @Test
    void aKeyNoSourceNamesIsReadFromItsEnvironmentVariableAsCamelDoes() {
        ConfigSources s = ConfigSources.of(new Properties(), null, null, Map.of("FLUXION_LOG_DIR", "/var/log/fluxion"),
                new Properties(), Map.of());
        assertThat(s.get("fluxion.log-dir")).isEqualTo("/var/log/fluxion");
        assertThat(s.properties()).isEmpty();
        assertThat(s.get("fluxion.api.token")).isNull();
    }

    @Test
    void overridesInCodeWinOverEverySource() {
        ConfigSources s = ConfigSources.of(props("fluxion.data-dir", "jar"), null, null,
                Map.of("FLUXION_DATA_DIR", "env"), props("fluxion.data-dir", "sys"), Map.of("fluxion.data-dir", "code"));
        assertThat(s.get("fluxion.data-dir")).isEqualTo("code");
    }

    @Test
    void environmentNamesAreTheKeyInUpperCaseWithDotsAndDashesAsUnderscores() {
        assertThat(ConfigSources.envName("fluxion.etl.chunk-size")).isEqualTo("FLUXION_ETL_CHUNK_SIZE");
        assertThat(ConfigSources.envName("camel.main.shutdownTimeout")).isEqualTo("CAMEL_MAIN_SHUTDOWNTIMEOUT");
        // CAMEL_SERVER_PORT ends in _PORT, which camel-main alone would skip as a Kubernetes service variable
        ConfigSources s = ConfigSources.of(props("camel.server.port", "8080"), null, null,
                Map.of("CAMEL_SERVER_PORT", "18081", "UNRELATED", "x", "PATH", "/bin"), new Properties(), Map.of());
        assertThat(s.get("camel.server.port")).isEqualTo("18081");
        assertThat(s.properties()).containsOnlyKeys("camel.server.port");
    }

    @Test
    void camelKeysMatchIgnoringCaseAndDashesAndKeepTheDocumentedSpelling() {
        ConfigSources s = ConfigSources.of(props("camel.main.shutdownTimeout", "30"), null,
                props("camel.main.shutdown-timeout", "120"), Map.of(),
                props("camel.main.SHUTDOWNTIMEOUT", "7"), Map.of());
        assertThat(s.properties()).containsExactly(Map.entry("camel.main.shutdownTimeout", "7"));
        // another CAMEL_* variable reaches Camel the way camel-main reads it
        ConfigSources other = ConfigSources.of(new Properties(), null, null,
                Map.of("CAMEL_MAIN_TRACING", "true", "CAMEL_FOO_SERVICE_PORT", "1"), new Properties(), Map.of());
        assertThat(other.properties()).containsExactly(Map.entry("camel.main.tracing", "true"));
    }

    @Test
    void storesCanBeDeclaredByEnvironmentVariablesAlone() {
        Map<String, String> env = new HashMap<>();
        env.put("FLUXION_STORES_TIENDA_01_URL", "jdbc:h2:tcp://h/t1");
        env.put("FLUXION_STORES_TIENDA_01_NAME", "PERIFERICO");
        env.put("FLUXION_STORES_TIENDA_01_SYSTEM", "legacy");
        env.put("FLUXION_STORES_TIENDA_01_ENABLED", "true");
        env.put("FLUXION_STORES_TIENDA_01_USER", "etl");
        env.put("FLUXION_STORES_TIENDA_01_PASSWORD", "pw");
        // a store the operator file declares with a dash: the variable reaches that store, not a new one
        env.put("FLUXION_STORES_TIENDA_02_PASSWORD", "pw2");
        env.put("FLUXION_STORES_TIENDA_02_URL", "jdbc:h2:tcp://h/t2-env");
        env.put("FLUXION_STORES_X_COLOR", "not a store setting");
        ConfigSources s = ConfigSources.of(new Properties(), tmp.resolve("op"),
                props("fluxion.stores.tienda-02.url", "jdbc:h2:tcp://h/t2-file"), env, new Properties(), Map.of());
        assertThat(s.properties()).containsOnly(
                Map.entry("fluxion.stores.tienda_01.url", "jdbc:h2:tcp://h/t1"),
                Map.entry("fluxion.stores.tienda_01.name", "PERIFERICO"),
                Map.entry("fluxion.stores.tienda_01.system", "legacy"),
                Map.entry("fluxion.stores.tienda_01.enabled", "true"),
                Map.entry("fluxion.stores.tienda_01.user", "etl"),
                Map.entry("fluxion.stores.tienda_01.password", "pw"),
                Map.entry("fluxion.stores.tienda-02.url", "jdbc:h2:tcp://h/t2-env"),
                Map.entry("fluxion.stores.tienda-02.password", "pw2"));

        FluxionConfig cfg = load(s, "fluxion.demo.enabled", "false");
        assertThat(cfg.stores()).extracting(StoreConfig::id).containsExactly("tienda-02", "tienda_01");
        StoreConfig t1 = cfg.store("tienda_01");
        assertThat(t1.name()).isEqualTo("PERIFERICO");
        assertThat(t1.user()).isEqualTo("etl");
        assertThat(t1.password()).isEqualTo("pw");
        assertThat(cfg.store("tienda-02").url()).isEqualTo("jdbc:h2:tcp://h/t2-env");
    }

    @Test
    void aStoreWithoutUrlOrStoresBesideTheDemoAreRefusedNamingTheKey() {
        ConfigSources noUrl = ConfigSources.of(new Properties(), null, null,
                Map.of("FLUXION_STORES_TIENDA_05_PASSWORD", "pw"), new Properties(), Map.of());
        assertThatThrownBy(() -> load(noUrl, "fluxion.demo.enabled", "false")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fluxion.stores.tienda_05.url").hasMessageContaining("FLUXION_STORES_TIENDA_05_URL")
                .hasMessageNotContaining("pw");
        ConfigSources withDemo = ConfigSources.of(props("fluxion.demo.enabled", "true"), null, null,
                Map.of("FLUXION_STORES_TIENDA_01_URL", "jdbc:h2:tcp://h/t1"), new Properties(), Map.of());
        assertThatThrownBy(() -> load(withDemo)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fluxion.demo.enabled").hasMessageContaining("tienda_01");
    }

    @Test
    void theOperatorFileIsNamedByTheSystemPropertyElseTheEnvironment() throws Exception {
        Path a = Files.writeString(tmp.resolve("a.properties"), "fluxion.etl.parallelism = 4\n");
        Path b = Files.writeString(tmp.resolve("b.properties"), "fluxion.etl.parallelism = 5\n");
        ConfigSources byEnv = ConfigSources.load(Map.of("FLUXION_CONFIG", a.toString()), new Properties(), Map.of());
        assertThat(byEnv.get("fluxion.etl.parallelism")).isEqualTo("4");
        assertThat(byEnv.operatorFile()).isEqualTo(a);
        // the jar's own application.properties is the lowest layer
        assertThat(byEnv.get("fluxion.demo.enabled")).isEqualTo("true");
        assertThat(byEnv.entry("fluxion.demo.enabled").layer()).isEqualTo(ConfigSources.Layer.JAR);

        ConfigSources bySys = ConfigSources.load(Map.of("FLUXION_CONFIG", a.toString()),
                props("fluxion.config", b.toString()), Map.of());
        assertThat(bySys.get("fluxion.etl.parallelism")).isEqualTo("5");

        assertThatThrownBy(() -> ConfigSources.load(Map.of("FLUXION_CONFIG", tmp.resolve("missing.properties").toString()),
                new Properties(), Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("'FLUXION_CONFIG'").hasMessageContaining("missing.properties");
    }

    @Test
    void theStartUpLineNamesTheSourcesAndKeysButNoValue() {
        ConfigSources s = ConfigSources.of(props("fluxion.api.cors-origin", "*"), Path.of("/etc/fluxion/p.properties"),
                props("fluxion.source.password", "file-secret-1"),
                Map.of("FLUXION_SOURCE_PASSWORD", "env-secret-2", "FLUXION_STORES_T1_URL", "jdbc:x;password=url-secret-3",
                        "FLUXION_API_TOKEN", "env-secret-5"),
                props("fluxion.api.token", "sys-secret-4"), Map.of());
        String line = s.describe();
        assertThat(line).contains("application.properties in the jar (1 keys)")
                .contains("operator file /etc/fluxion/p.properties (1 keys)")
                .contains("environment: FLUXION_SOURCE_PASSWORD, FLUXION_STORES_T1_URL (and read by their key's name: FLUXION_API_TOKEN)")
                .contains("-D: fluxion.api.token");
        assertThat(line).doesNotContain("secret");
    }

    private static FluxionConfig load(ConfigSources s, String... extra) {
        Map<String, String> p = new HashMap<>(s.properties());
        for (int i = 0; i < extra.length; i += 2) {
            p.put(extra[i], extra[i + 1]);
        }
        return FluxionConfig.load(p::get, p.keySet());
    }
}
