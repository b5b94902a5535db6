package io.fluxion.orchestrator.monitoring;

import io.fluxion.orchestrator.backend.BackendControl;
import io.fluxion.orchestrator.config.Beans;
import io.fluxion.orchestrator.config.ConfigException;
import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.etl.SourceProbe;
import io.fluxion.orchestrator.klk.KlkRoute;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.schedule.WindowClock;
import io.fluxion.orchestrator.window.WindowService;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.MicrometerConstants;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires monitoring (docs/MONITORING.md) after FluxionConfiguration: guards the management server
 * ({@link ManagementSecurity}), registers the health checks, the product's metrics and the alert beans
 * ({@code alerts}, {@code alertWebhook}, {@code monitoring}) that {@code routes/monitoring.camel.yaml} and the
 * window and KLK routes call.
 */
public class MonitoringConfiguration implements CamelConfiguration {
    private static final Logger LOG = LoggerFactory.getLogger(MonitoringConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent pc = context.getPropertiesComponent();
        Function<String, String> props = k -> pc.resolveProperty(k).orElse(null);
        Registry registry = context.getRegistry();

        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server != null) {
            ManagementSecurity.apply(server, props);
        }

        FluxionConfig cfg = registry.lookupByNameAndType(Beans.CONFIG, FluxionConfig.class);
        WindowClock windowClock = registry.lookupByNameAndType(Beans.WINDOW_CLOCK, WindowClock.class);
        Ledger ledger = registry.lookupByNameAndType(Beans.LEDGER, Ledger.class);
        WindowService window = registry.lookupByNameAndType(Beans.WINDOW_SERVICE, WindowService.class);
        DataSource ledgerDs = registry.lookupByNameAndType(Beans.LEDGER_DATA_SOURCE, DataSource.class);
        Clock clock = registry.lookupByNameAndType(Beans.CLOCK, Clock.class);
        if (cfg == null || windowClock == null || ledger == null || window == null || ledgerDs == null || clock == null) {
            throw new IllegalStateException("monitoring needs the beans of FluxionConfiguration (configured first)");
        }
        List<String> secrets = new ArrayList<>(cfg.secrets());
        String managementPassword = props.apply(ManagementSecurity.PASSWORD);
        if (managementPassword != null && !managementPassword.isEmpty()) {
            secrets.add(managementPassword);
        }

        AlertSettings settings = AlertSettings.load(props);
        MonitoringLedger mledger = new MonitoringLedger(ledgerDs);
        Alerts alerts = new Alerts(mledger, settings, clock, context, secrets);
        LOG.info("Alerts: {}", settings);

        MeterRegistry meters = registry.lookupByNameAndType(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class);
        if (meters == null) {
            meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry.bind(MicrometerConstants.METRICS_REGISTRY_NAME, MeterRegistry.class, meters);
        }
        FluxionMetrics metrics = new FluxionMetrics(meters, mledger, cfg.window().zone(), windowClock::businessDate,
                cfg.windowStores().stream().map(StoreConfig::id).toList());
        metrics.leadership(window.leadership()::isLeader, window.leadership().node());
        Monitoring monitoring = new Monitoring(cfg, windowClock, window, alerts, metrics, mledger);

        registry.bind("monitoringLedger", mledger);
        registry.bind("alerts", alerts);
        registry.bind("alertWebhook", new AlertWebhook(alerts, mledger, clock));
        registry.bind("fluxionMetrics", metrics);
        registry.bind("monitoring", monitoring);
        // the KLK routes tell their outcomes (a bean step after their doFinally would not run after a handled error)
        for (String name : List.of("klkInventory", "klkSales", "inventoryAll")) {
            KlkRoute klk = registry.lookupByNameAndType(name, KlkRoute.class);
            if (klk != null) {
                klk.listener(monitoring::klkFinished);
            }
        }

        SourceProbe sources = registry.lookupByNameAndType(Beans.SOURCE_PROBE, SourceProbe.class);
        if (sources == null) {
            throw new IllegalStateException("monitoring needs the bean " + Beans.SOURCE_PROBE + " of FluxionConfiguration");
        }
        String maxAge = props.apply("fluxion.monitoring.probe-max-age");
        StoreProbe probe = new StoreProbe(cfg.enabledStores(), sources, clock,
                Durations.parse("fluxion.monitoring.probe-max-age", maxAge == null ? "1m" : maxAge),
                context.getExecutorServiceManager().newSingleThreadExecutor(this, "store-probe-refresh"));
        registry.bind("storeProbe", probe);
        registerHealthChecks(context, cfg, ledger, window, probe, secrets);

        pc.addOverrideProperty("fluxion.derived.alert-check-ms", String.valueOf(settings.checkInterval().toMillis()));
        pc.addOverrideProperty("fluxion.derived.alert-retries", String.valueOf(settings.webhookRetries()));
    }

    private static void registerHealthChecks(CamelContext context, FluxionConfig cfg, Ledger ledger, WindowService window,
                                             StoreProbe probe, List<String> secrets) {
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health == null) {
            LOG.info("Health checks off (camel.health.enabled=false)");
            return;
        }
        health.register(new HealthChecks.LedgerCheck(ledger, secrets));
        health.register(new HealthChecks.ClusterCheck(window.leadership()));
        health.register(new HealthChecks.DataDirCheck(cfg.dataDir()));
        health.register(new HealthChecks.DuckDbFolderCheck(cfg.duckdbPath()));
        if (FluxionConfig.Backend.ECS.equals(cfg.backend().mode())) {
            BackendControl backend = context.getRegistry().lookupByNameAndType("backendControl", BackendControl.class);
            if (backend != null) {
                health.register(new HealthChecks.EcsCheck(backend, secrets));
            }
        }
        if ("backend".equals(cfg.klk().mode()) && cfg.klk().backendUrl() != null) {
            URI url;
            try {
                url = URI.create(cfg.klk().backendUrl());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("fluxion.klk.backend-url", "not a URL");
            }
            health.register(new HealthChecks.KlkBackendCheck(url, window, secrets));
        }
        health.register(new HealthChecks.StoreSourcesCheck(probe));
    }
}
