package io.fluxion.orchestrator.klk;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.etl.DuckDbWriter;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.schedule.SavedSettings;
import io.fluxion.orchestrator.schedule.WindowClock;
import io.fluxion.orchestrator.window.WindowService;
import org.apache.camel.CamelContext;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;

/**
 * Binds the beans of {@code routes/klk.camel.yaml} and {@code routes/inventory.camel.yaml}: klkInventory, klkSales,
 * inventoryAll (ScheduledRoute), klkEtl, klkHttp.
 */
public final class KlkWiring {
    private KlkWiring() {
    }

    public static void bind(CamelContext context, FluxionConfig cfg, WindowClock clock, Ledger ledger,
                            SavedSettings settings, DuckDbWriter writer, WindowService window) {
        PropertiesComponent pc = context.getPropertiesComponent();
        Registry registry = context.getRegistry();
        int abandoned = ledger.abandonKlkRuns("the process stopped during the run", clock.now());
        if (abandoned > 0) {
            org.slf4j.LoggerFactory.getLogger(KlkWiring.class).warn("{} KLK run(s) were running when the process stopped:"
                    + " marked FAILED (each load was one DuckDB transaction, so nothing half-loaded remains)", abandoned);
        }
        registry.bind("klkInventory", new KlkRoute(KlkRoute.INVENTORY, cfg, clock, ledger, settings, writer, window));
        registry.bind("klkSales", new KlkRoute(KlkRoute.SALES, cfg, clock, ledger, settings, writer, window));
        // route inventory-all (routes/inventory.camel.yaml): the same guard, modes and ledger as the KLK syncs
        registry.bind("inventoryAll", new KlkRoute(KlkRoute.INVENTORY_ALL, cfg, clock, ledger, settings, writer, window));
        String inventoryQuery = pc.resolveProperty("fluxion.klk.inventory-query").orElse("classpath:sql/inventario.sql");
        registry.bind("klkEtl", new KlkEtl(cfg, ledger, clock.clock(), inventoryQuery));
        registry.bind("klkHttp", new KlkHttp(cfg, clock));
        String retryDelay = pc.resolveProperty("fluxion.klk.retry-delay").orElse("2s");
        pc.addOverrideProperty("fluxion.derived.klk-retry-delay-ms",
                String.valueOf(Durations.parse("fluxion.klk.retry-delay", retryDelay).toMillis()));
        // each POST to the backend is bounded by fluxion.klk.timeout (connect and answer); Camel's redelivery is the
        // only retry (fluxion.klk.retries): Apache HttpClient 5 would otherwise retry a 503 or a 429 by itself
        // inside each of Camel's attempts (up to 6 POSTs per fire instead of 3)
        long timeout = Math.max(1, cfg.klk().timeout().toMillis());
        HttpComponent http = context.getComponent("http", HttpComponent.class);
        http.setAutomaticRetriesDisabled(true);
        http.setConnectTimeout(timeout);
        http.setConnectionRequestTimeout(timeout);
        http.setResponseTimeout(timeout);
        http.setSoTimeout(timeout);
        HttpComponent https = context.getComponent("https", HttpComponent.class);
        https.setAutomaticRetriesDisabled(true);
        https.setConnectTimeout(timeout);
        https.setConnectionRequestTimeout(timeout);
        https.setResponseTimeout(timeout);
        https.setSoTimeout(timeout);
    }
}
