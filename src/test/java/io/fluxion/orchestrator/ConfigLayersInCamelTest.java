package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.config.ConfigSources;
import io.fluxion.orchestrator.config.FluxionConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layered configuration reaches every reader in a real camel-main: camel-main's own options
 * (camel.main.*), the property placeholders and the application's FluxionConfig all see, for each key,
 * the value of the highest source: jar < operator file < environment < -D.
 */
class ConfigLayersInCamelTest {
    @TempDir
    Path tmp;

    @Test
    void camelAndTheApplicationSeeTheHighestSourceOfEachKey() throws Exception {
        Properties jar = ConfigSources.jarDefaults(); // camel.main.name=fluxion, shutdownTimeout=30, chunk-size=20000...
        Properties file = new Properties();
        file.setProperty("fluxion.data-dir", tmp.resolve("data").toString());
        file.setProperty("fluxion.demo.enabled", "false");
        file.setProperty("camel.main.name", "from-file");
        file.setProperty("camel.main.shutdownTimeout", "40");
        file.setProperty("camel.main.tracing", "false");
        file.setProperty("fluxion.etl.parallelism", "3");
        file.setProperty("fluxion.etl.max-attempts", "5");
        file.setProperty("fluxion.etl.redeliveries", "8");
        Map<String, String> env = Map.of(
                "CAMEL_MAIN_NAME", "from-env",
                "CAMEL_MAIN_SHUTDOWNTIMEOUT", "50",
                "FLUXION_ETL_MAX_ATTEMPTS", "6",
                "FLUXION_ETL_REDELIVERIES", "9");
        Properties sys = new Properties();
        sys.setProperty("camel.main.shutdownTimeout", "60");
        sys.setProperty("fluxion.etl.redeliveries", "10");
        // a window far from the real hour (about noon in the window's zone): nothing runs by itself
        Map<String, String> overrides = RunWindowCommand.oneShotProperties(
                io.fluxion.orchestrator.testing.WindowHours.farFromNow());

        Main main = FluxionApplication.newMain(ConfigSources.of(jar, tmp.resolve("op.properties"), file, env, sys, overrides));
        main.start();
        try {
            CamelContext ctx = main.getCamelContext();
            assertThat(ctx.getName()).as("camel.main.name: jar < file < env").isEqualTo("from-env");
            assertThat(ctx.getShutdownStrategy().getTimeout()).as("camel.main.shutdownTimeout: ... < -D").isEqualTo(60);
            assertThat(ctx.isTracing()).isFalse();
            FluxionConfig cfg = ctx.getRegistry().lookupByNameAndType("fluxionConfig", FluxionConfig.class);
            assertThat(cfg.demoEnabled()).as("fluxion.demo.enabled: file over jar").isFalse();
            assertThat(cfg.dataDir()).isEqualTo(tmp.resolve("data"));
            assertThat(cfg.etl().chunkSize()).as("fluxion.etl.chunk-size: the jar's").isEqualTo(20000);
            assertThat(cfg.etl().parallelism()).as("fluxion.etl.parallelism: the file's").isEqualTo(3);
            assertThat(cfg.etl().maxAttempts()).as("fluxion.etl.max-attempts: env over file").isEqualTo(6);
            assertThat(cfg.etl().redeliveries()).as("fluxion.etl.redeliveries: -D over env").isEqualTo(10);
            // a route placeholder resolves the same value
            assertThat(ctx.resolvePropertyPlaceholders("{{fluxion.etl.redeliveries}}/{{camel.main.name}}"))
                    .isEqualTo("10/from-env");
        } finally {
            main.stop();
            main.shutdown();
        }
    }
}
