package io.fluxion.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fluxion.orchestrator.config.ConfigSources;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The log folder follows fluxion.data-dir unless fluxion.log-dir says otherwise, whichever source sets them. */
class LogDirTest {
    static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    static Path logDir(Properties file, Map<String, String> env, Properties sys) {
        return LogDir.of(ConfigSources.of(ConfigSources.jarDefaults(), Path.of("/etc/op.properties"), file, env, sys, Map.of()));
    }

    @Test
    void logsFollowTheDataDirOfAnySource() {
        assertThat(logDir(props(), Map.of(), props())).isEqualTo(Path.of("data/logs").toAbsolutePath());
        assertThat(logDir(props("fluxion.data-dir", "/srv/a"), Map.of(), props())).isEqualTo(Path.of("/srv/a/logs"));
        assertThat(logDir(props("fluxion.data-dir", "/srv/a"), Map.of("FLUXION_DATA_DIR", "/srv/b"), props()))
                .isEqualTo(Path.of("/srv/b/logs"));
        assertThat(logDir(props("fluxion.data-dir", "/srv/a"), Map.of("FLUXION_DATA_DIR", "/srv/b"),
                props("fluxion.data-dir", "/srv/c"))).isEqualTo(Path.of("/srv/c/logs"));
    }

    @Test
    void fluxionLogDirWinsOverTheDataDir() {
        assertThat(logDir(props("fluxion.data-dir", "/srv/a", "fluxion.log-dir", "/var/log/x"), Map.of(), props()))
                .isEqualTo(Path.of("/var/log/x"));
        assertThat(logDir(props("fluxion.data-dir", "/srv/a"), Map.of("FLUXION_LOG_DIR", "/var/log/y"), props()))
                .isEqualTo(Path.of("/var/log/y"));
    }
}
