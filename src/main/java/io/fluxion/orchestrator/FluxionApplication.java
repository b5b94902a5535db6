package io.fluxion.orchestrator;

import io.fluxion.orchestrator.api.ApiConfiguration;
import io.fluxion.orchestrator.lifecycle.StopOnShutdown;
import io.fluxion.orchestrator.config.ConfigException;
import io.fluxion.orchestrator.config.ConfigSources;
import java.util.Arrays;
import java.util.Map;
import org.apache.camel.component.properties.PropertiesComponent;
import org.apache.camel.main.Main;

/**
 * Entry point. {@code java -jar fluxion-orchestrator.jar} runs the service (schedules, HTTP);
 * {@code java -jar fluxion-orchestrator.jar run-window [--date YYYY-MM-DD]} runs one window now and exits.
 */
public final class FluxionApplication {
    /** Registry name of the {@link ConfigSources} the app was started with. */
    public static final String CONFIG_SOURCES = "fluxionConfigSources";

    private FluxionApplication() {
    }

    public static void main(String[] args) throws Exception {
        // before the first logger exists: log4j2.xml reads the log folder from fluxion.log-dir
        try {
            LogDir.prepare(ConfigSources.load(System.getenv(), System.getProperties(), Map.of()));
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(RunWindowCommand.REFUSED);
        }
        if (args.length > 0 && "run-window".equals(args[0])) {
            System.exit(RunWindowCommand.run(Arrays.copyOfRange(args, 1, args.length), Map.of(), Map.of()));
        }
        Main main = newMain(Map.of());
        main.run(args);
        System.exit(main.getExitCode());
    }

    /**
     * A camel-main configured like the jar's: the layered configuration of this process
     * ({@link ConfigSources}: application.properties, operator file, environment, -D) plus the given
     * overrides (highest precedence), the YAML routes in routes/ and {@link FluxionConfiguration}.
     *
     * @throws ConfigException when the operator file cannot be read
     */
    public static Main newMain(Map<String, String> overrides) {
        return newMain(ConfigSources.load(System.getenv(), System.getProperties(), overrides));
    }

    /** A camel-main whose only property source is the given layered configuration. */
    public static Main newMain(ConfigSources sources) {
        Main main = new Main();
        // SIGTERM (camel-main's shutdown hook) or Main.stop(): abort a window in progress at once, before Camel
        // waits for it (the only signal a run-window gets before its window returns); see StopOnShutdown
        main.getShutdownStrategy().addShutdownListener(StopOnShutdown.listener(main::getCamelContext));
        main.configure().addConfiguration(FluxionConfiguration.class);
        main.configure().addConfiguration(ApiConfiguration.class);
        // after the two above: health checks, metrics and alerts over their beans (docs/MONITORING.md)
        main.configure().addConfiguration(io.fluxion.orchestrator.monitoring.MonitoringConfiguration.class);
        // One mechanism for every key: the layered sources become Camel's override properties, the highest
        // of its sources. Camel's own layering is switched off, because it differs: its first location wins
        // (the jar's file over the operator's), its environment lookup beats -D, and camel-main skips
        // variables ending in _PORT. Camel still looks a key up in the environment and -D, but only when no
        // source names it (FLUXION_API_TOKEN, FLUXION_SOURCE_PASSWORD).
        main.setPropertyPlaceholderLocations("false");
        main.configure().setAutoConfigurationEnvironmentVariablesEnabled(false);
        main.configure().setAutoConfigurationSystemPropertiesEnabled(false);
        Map<String, String> props = sources.properties();
        props.forEach(main::addOverrideProperty);
        main.addOverrideProperty("camel.component.properties.environmentVariableMode",
                String.valueOf(PropertiesComponent.ENVIRONMENT_VARIABLES_MODE_FALLBACK));
        main.addOverrideProperty("camel.component.properties.systemPropertiesMode",
                String.valueOf(PropertiesComponent.SYSTEM_PROPERTIES_MODE_FALLBACK));
        // without the HTTP server the platform-http routes cannot start: leave them out
        String server = sources.get("camel.server.enabled");
        if ("false".equalsIgnoreCase(server == null ? null : server.trim())) {
            ConfigSources.Entry e = sources.entry("camel.main.routesExcludePattern");
            String exclude = e == null ? null : e.value();
            if (exclude == null || !exclude.contains("http-api.camel.yaml")) {
                main.addOverrideProperty(e == null ? "camel.main.routesExcludePattern" : e.key(),
                        (exclude == null || exclude.isBlank() ? "" : exclude + ",") + "**/http-api.camel.yaml");
            }
        }
        main.bind(CONFIG_SOURCES, sources);
        return main;
    }
}
