package io.fluxion.orchestrator;

import io.fluxion.orchestrator.api.ApiConfiguration;
import io.fluxion.orchestrator.lifecycle.StopOnShutdown;
import java.util.Arrays;
import java.util.Map;
import org.apache.camel.main.Main;

/**
 * Entry point. {@code java -jar fluxion-orchestrator.jar} runs the service (schedules, HTTP);
 * {@code java -jar fluxion-orchestrator.jar run-window [--date YYYY-MM-DD]} runs one window now and exits.
 */
public final class FluxionApplication {
    private FluxionApplication() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && "run-window".equals(args[0])) {
            System.exit(RunWindowCommand.run(Arrays.copyOfRange(args, 1, args.length), Map.of(), Map.of()));
        }
        Main main = newMain(Map.of());
        main.run(args);
        System.exit(main.getExitCode());
    }

    /**
     * A camel-main configured like the jar's: application.properties, the YAML routes in routes/,
     * {@link FluxionConfiguration}, plus the given overrides (highest precedence).
     */
    public static Main newMain(Map<String, String> overrides) {
        Main main = new Main();
        // SIGTERM (camel-main's shutdown hook) or Main.stop(): abort a window in progress at once, before Camel
        // waits for it (the only signal a run-window gets before its window returns); see StopOnShutdown
        main.getShutdownStrategy().addShutdownListener(StopOnShutdown.listener(main::getCamelContext));
        main.configure().addConfiguration(FluxionConfiguration.class);
        main.configure().addConfiguration(ApiConfiguration.class);
        // after the two above: health checks, metrics and alerts over their beans (docs/MONITORING.md)
        main.configure().addConfiguration(io.fluxion.orchestrator.monitoring.MonitoringConfiguration.class);
        // an optional operator file beside the jar overrides the packaged defaults
        String extra = System.getenv("FLUXION_CONFIG");
        if (extra == null) {
            extra = System.getProperty("fluxion.config");
        }
        main.setDefaultPropertyPlaceholderLocation("classpath:application.properties;optional=true"
                + (extra == null || extra.isBlank() ? "" : ",file:" + extra));
        // camel-main does not take camel.server.* / camel.management.* from the environment when
        // application.properties sets them: apply CAMEL_SERVER_PORT & co. here (a -D still wins)
        Map<String, String> env = camelEnvironmentOverrides(System.getenv());
        env.forEach(main::addOverrideProperty);
        overrides.forEach(main::addOverrideProperty);
        // without the HTTP server the platform-http routes cannot start: leave them out
        String server = overrides.getOrDefault("camel.server.enabled",
                System.getProperty("camel.server.enabled", env.get("camel.server.enabled")));
        if ("false".equalsIgnoreCase(server == null ? null : server.trim())) {
            String exclude = overrides.get("camel.main.routesExcludePattern");
            if (exclude == null || !exclude.contains("http-api.camel.yaml")) {
                main.addOverrideProperty("camel.main.routesExcludePattern",
                        (exclude == null || exclude.isBlank() ? "" : exclude + ",") + "**/http-api.camel.yaml");
            }
        }
        return main;
    }

    /**
     * Environment overrides (SPEC 7: upper case, '.' and '-' as '_') of the {@code camel.*} keys that
     * application.properties sets, unless the same key is a JVM system property.
     */
    static Map<String, String> camelEnvironmentOverrides(Map<String, String> env) {
        java.util.Properties defaults = new java.util.Properties();
        try (java.io.InputStream in = FluxionApplication.class.getClassLoader().getResourceAsStream("application.properties")) {
            if (in != null) {
                defaults.load(in);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> out = new java.util.TreeMap<>();
        for (String key : defaults.stringPropertyNames()) {
            if (!key.startsWith("camel.") || System.getProperty(key) != null) {
                continue;
            }
            String value = env.get(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'));
            if (value != null) {
                out.put(key, value);
            }
        }
        return out;
    }
}
