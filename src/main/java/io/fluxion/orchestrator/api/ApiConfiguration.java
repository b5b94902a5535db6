package io.fluxion.orchestrator.api;

import io.fluxion.orchestrator.config.Beans;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.window.WindowService;
import java.time.Clock;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;

/**
 * Binds the HTTP API's beans ({@code httpApi}, {@code schedulerSettings}, {@code maintenanceStatus})
 * over the beans {@code FluxionConfiguration} bound before it. The routes are in
 * {@code routes/http-api.camel.yaml}.
 */
public class ApiConfiguration implements CamelConfiguration {
    @Override
    public void configure(CamelContext context) {
        Registry r = context.getRegistry();
        FluxionConfig cfg = r.lookupByNameAndType("fluxionConfig", FluxionConfig.class);
        Ledger ledger = r.lookupByNameAndType("ledger", Ledger.class);
        WindowService window = r.lookupByNameAndType("windowService", WindowService.class);
        Clock clock = r.lookupByNameAndType(Beans.CLOCK, Clock.class);
        if (cfg == null || ledger == null || window == null || clock == null) {
            throw new IllegalStateException("ApiConfiguration must run after FluxionConfiguration");
        }
        SchedulerSettings settings = new SchedulerSettings(cfg, ledger, clock, context);
        MaintenanceStatus maintenance = new MaintenanceStatus(cfg, clock, ledger, window, settings);
        r.bind("schedulerSettings", settings);
        r.bind("maintenanceStatus", maintenance);
        r.bind("httpApi", new HttpApi(cfg, clock, ledger, window, settings, maintenance, new ApiAuth(cfg.apiToken()),
                context));
    }
}
