package io.fluxion.orchestrator.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fluxion.orchestrator.backend.BackendControl;
import io.fluxion.orchestrator.config.Beans;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.schedule.WindowClock;
import io.fluxion.orchestrator.window.WindowRun;
import io.fluxion.orchestrator.window.WindowService;
import java.time.Clock;
import java.util.Optional;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

/**
 * Binds the HTTP API's beans over the beans {@code FluxionConfiguration} bound before it, and the values
 * routes/http-api.camel.yaml reads ({@code fluxion.derived.api-*}): CORS on only when {@code fluxion.api.cors-origin}
 * names a site.
 */
public class ApiConfiguration implements CamelConfiguration {
    @Override
    public void configure(CamelContext context) throws Exception {
        Registry r = context.getRegistry();
        FluxionConfig cfg = r.lookupByNameAndType("fluxionConfig", FluxionConfig.class);
        Ledger ledger = r.lookupByNameAndType("ledger", Ledger.class);
        WindowService window = r.lookupByNameAndType("windowService", WindowService.class);
        WindowClock windowClock = r.lookupByNameAndType("windowClock", WindowClock.class);
        Clock clock = r.lookupByNameAndType(Beans.CLOCK, Clock.class);
        if (cfg == null || ledger == null || window == null || windowClock == null || clock == null) {
            throw new IllegalStateException("ApiConfiguration must run after FluxionConfiguration");
        }
        SchedulerSettings settings = new SchedulerSettings(cfg, ledger, clock, context);
        ObjectMapper json = ApiJson.mapper();
        ApiGuard guard = new ApiGuard(cfg.apiToken(), cfg.api().protectReads());
        r.bind(ApiJson.BEAN, ObjectMapper.class, json);
        r.bind(ApiHeaders.BEAN, new ApiHeaders());
        r.bind(PageFiles.BEAN, new PageFiles());
        r.bind("apiGuard", guard);
        r.bind("apiErrors", new ApiErrors(cfg.secrets()));
        r.bind("schedulerSettings", settings);
        r.bind("maintenanceStatus", new MaintenanceStatus(cfg, clock, ledger, new MaintenanceStatus.Runs() {
            @Override
            public Optional<WindowRun> current() {
                return window.current();
            }

            @Override
            public int awaitingRetry(WindowRun run) {
                return window.retryable(run).size();
            }

            @Override
            public boolean follower() {
                return window.leadership().enabled() && !window.leadership().isLeader();
            }
        }, settings));
        BackendControl backend = r.lookupByNameAndType("backendControl", BackendControl.class);
        if (backend == null) {
            throw new IllegalStateException("ApiConfiguration must run after FluxionConfiguration (no backendControl)");
        }
        r.bind("httpApi", new HttpApi(cfg, clock, ledger, window, settings, backend, context));
        io.fluxion.orchestrator.schedule.SavedSettings saved = io.fluxion.orchestrator.schedule.SavedSettings.of(cfg, ledger,
                clock);
        r.bind("windowOrders", new WindowOrders(cfg, clock, ledger, window, windowClock, saved::storeRules));
        r.bind("storeControls", new StoreControls(cfg, ledger, saved, clock));

        PropertiesComponent pc = context.getPropertiesComponent();
        String origin = cfg.api().corsOrigin();
        pc.addOverrideProperty("fluxion.derived.api-cors", String.valueOf(origin != null));
        pc.addOverrideProperty("fluxion.derived.api-cors-origin", origin == null ? "" : origin);
        long maxBody = pc.resolveProperty("camel.server.maxBodySize").map(Long::parseLong).orElse(65536L);
        context.addStartupListener(new BodyLimit(maxBody, json));
    }
}
