package io.fluxion.orchestrator;

import io.fluxion.orchestrator.api.ApiConfiguration;
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
        main.configure().addConfiguration(FluxionConfiguration.class);
        main.configure().addConfiguration(ApiConfiguration.class);
        // an optional operator file beside the jar overrides the packaged defaults
        String extra = System.getenv("FLUXION_CONFIG");
        if (extra == null) {
            extra = System.getProperty("fluxion.config");
        }
        main.setDefaultPropertyPlaceholderLocation("classpath:application.properties;optional=true"
                + (extra == null || extra.isBlank() ? "" : ",file:" + extra));
        overrides.forEach(main::addOverrideProperty);
        return main;
    }
}
