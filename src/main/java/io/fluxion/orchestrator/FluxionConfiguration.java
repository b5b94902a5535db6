package io.fluxion.orchestrator;

import com.zaxxer.hikari.HikariDataSource;
import io.fluxion.orchestrator.backend.BackendControl;
import io.fluxion.orchestrator.backend.DryRunBackendControl;
import io.fluxion.orchestrator.backend.EcsBackendControl;
import io.fluxion.orchestrator.backend.NoBackendControl;
import io.fluxion.orchestrator.cluster.Leadership;
import io.fluxion.orchestrator.config.Beans;
import io.fluxion.orchestrator.config.ClusterConfig;
import io.fluxion.orchestrator.config.ConfigException;
import io.fluxion.orchestrator.config.ConfigSources;
import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.OwnerOnly;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.demo.DemoStores;
import io.fluxion.orchestrator.etl.CoverageImport;
import io.fluxion.orchestrator.etl.DuckDbWriter;
import io.fluxion.orchestrator.etl.KeysetChunks;
import io.fluxion.orchestrator.etl.SourceDataSource;
import io.fluxion.orchestrator.etl.SourceProbe;
import io.fluxion.orchestrator.etl.SourcePull;
import io.fluxion.orchestrator.klk.KlkWiring;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.LedgerDataSource;
import io.fluxion.orchestrator.lifecycle.ProcessOwner;
import io.fluxion.orchestrator.lifecycle.StopOnShutdown;
import io.fluxion.orchestrator.lifecycle.StopSignal;
import io.fluxion.orchestrator.schedule.SavedSettings;
import io.fluxion.orchestrator.schedule.WindowClock;
import io.fluxion.orchestrator.window.Sleeper;
import io.fluxion.orchestrator.window.StartupRecovery;
import io.fluxion.orchestrator.window.StoreEtl;
import io.fluxion.orchestrator.window.WindowService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import javax.sql.DataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * Wires the beans of the application from the validated configuration, before the routes load.
 * A test may bind its own {@code fluxionClock} (a {@link Clock}) or {@code ecsClient} first; they are kept.
 */
public class FluxionConfiguration implements CamelConfiguration {
    /** Registry name of the {@link Clock} ({@link Beans#CLOCK}; tests bind their own under it). */
    public static final String CLOCK = Beans.CLOCK;
    /** Registry name of an optional {@link Sleeper} ({@link Beans#SLEEPER}; tests advance their clock instead of sleeping). */
    public static final String SLEEPER = Beans.SLEEPER;
    private static final Logger LOG = LoggerFactory.getLogger(FluxionConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent pc = context.getPropertiesComponent();
        Registry registry = context.getRegistry();
        ConfigSources sources = registry.lookupByNameAndType(FluxionApplication.CONFIG_SOURCES, ConfigSources.class);
        if (sources != null) {
            LOG.info("{}", sources.describe());
        }
        // every key of every source (FluxionApplication.newMain made them Camel's override properties)
        Set<String> keys = new HashSet<>(pc.loadPropertiesAsMap().keySet());
        FluxionConfig cfg = FluxionConfig.load(k -> pc.resolveProperty(k).orElse(null), keys);

        String mode = pc.resolveProperty("fluxion.mode").orElse("service");
        ClusterConfig cluster = ClusterConfig.load(k -> pc.resolveProperty(k).orElse(null));
        if (cluster.enabled() && "run-window".equals(mode)) {
            throw new ConfigException("fluxion.cluster.enabled", "run-window does not join the cluster: with two"
                    + " instances, order a window from the leader (POST /api/etl/scheduler/trigger) instead");
        }
        ProcessLock dataDirLock = ProcessLock.acquire(cfg.dataDir(), "Fluxion " + mode);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                dataDirLock.close();
            }
        }, true, true);

        // SIGTERM or a stop of the context: the window in progress aborts at once (see StopOnShutdown)
        StopSignal stop = new StopSignal();
        registry.bind(StopOnShutdown.BEAN, stop);
        StopOnShutdown.install(context, stop);
        ProcessOwner owner = ProcessOwner.of(cfg.dataDir());

        Clock clock = registry.lookupByNameAndType(CLOCK, Clock.class);
        if (clock == null) {
            clock = Clock.systemUTC();
            registry.bind(CLOCK, Clock.class, clock);
        }
        WindowClock windowClock = new WindowClock(clock, cfg.window());

        if (cfg.demoEnabled()) {
            cfg = cfg.withStores(DemoStores.stores(cfg.dataDir()));
            LocalDate today = windowClock.today();
            DemoStores.ensure(cfg.stores(), today.minusDays(14), today.plusDays(1));
        }
        LOG.info("Configuration: {}", cfg);

        // the ledger's pool (H2 file by default, PostgreSQL when fluxion.ledger.url says so), closed by this
        // process when the context stops (never by H2's own shutdown hook: see LedgerDataSource.settings)
        LedgerDataSource.Settings ledgerSettings = LedgerDataSource.settings(cfg.ledgerUrl(), cfg.ledgerUser(),
                cfg.ledgerPassword(), pc.resolveProperty("fluxion.ledger.pool-size").orElse(null));
        Path ledgerFile = cfg.defaultLedgerFile();
        boolean newLedger = ledgerFile != null && !Files.exists(ledgerFile);
        HikariDataSource ledgerPool = LedgerDataSource.open(ledgerSettings);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                ledgerPool.close();
            }
        }, true, true);
        Ledger ledger = new Ledger(ledgerPool);
        try {
            int applied = ledger.migrate();
            LOG.info("Ledger: {} ({} schema migration(s) applied now)", ledgerSettings, applied);
        } catch (RuntimeException e) {
            ledgerPool.close();
            throw e;
        }
        ledger.owner(owner);
        LOG.info("This process in the ledger: {} on {}", owner.id(), owner.dataDir());
        if (newLedger) {
            OwnerOnly.restrict(ledgerFile);
        }
        // the ledger's settings over the configuration (enabled flags, attempts, interval, window start)
        SavedSettings settings = SavedSettings.of(cfg, ledger, clock);
        // a start time saved through PUT /api/etl/scheduler/config survives a restart
        settings.savedWindowStart().ifPresent(windowClock::moveStart);

        BackendControl backend = backend(cfg, context, clock, stop);
        DuckDbWriter writer = new DuckDbWriter(cfg.duckdbPath(), clock);
        Sleeper sleeper = registry.lookupByNameAndType(SLEEPER, Sleeper.class);
        // the stores' sources probed (connect + SELECT 1, in parallel, bounded): at each window start, by the health
        // check and the status API (monitoring.StoreProbe); the newest answer per store is shared
        SourceProbe sourceProbe = new SourceProbe(clock, Durations.parse(SourceProbe.TIMEOUT_KEY,
                pc.resolveProperty(SourceProbe.TIMEOUT_KEY).orElse("10s")), cfg.secrets(),
                context.getExecutorServiceManager().newFixedThreadPool(this, "store-probe",
                        Math.max(1, Math.min(8, cfg.enabledStores().size()))));
        WindowService window = new WindowService(cfg, windowClock, ledger, settings, backend, writer,
                sleeper == null ? stop::sleep : sleeper, stop, sourceProbe);
        stop.describeWorkWith(() -> window.current().map(r -> "window run #" + r.getId() + " in progress").orElse(null));
        StoreEtl storeEtl = new StoreEtl(cfg, ledger, clock, stop);
        // two instances, one leader (SPEC 2.8): the file lock elects it, the ledger fences it
        Leadership leadership = cluster.enabled() ? Leadership.clustered(context, cluster, ledger, clock)
                : Leadership.single(cluster, clock);
        window.leadership(leadership);
        leadership.onChange(gained -> {
            if (!gained && window.current().isPresent()) {
                lostMidWindow(window, stop);
            }
        });
        LOG.info("Cluster: {}", cluster);

        registry.bind(Beans.CONFIG, cfg);
        registry.bind(Beans.WINDOW_CLOCK, windowClock);
        registry.bind("ledger", ledger);
        registry.bind(Beans.SAVED_SETTINGS, settings);
        // the same pool for monitoring's alerts and metric queries (MonitoringConfiguration)
        registry.bind("ledgerDataSource", DataSource.class, ledgerPool);
        registry.bind("backendControl", BackendControl.class, backend);
        registry.bind(Beans.DUCKDB_WRITER, writer);
        registry.bind(Beans.SOURCE_PROBE, sourceProbe);
        registry.bind(Beans.LEADERSHIP, leadership);
        // a new ledger beside a DuckDB file with history: its (store, date) pairs count as loaded
        registry.bind("coverageImport", new CoverageImport(ledger, writer, clock));
        registry.bind(Beans.WINDOW_SERVICE, window);
        registry.bind("startupRecovery", new StartupRecovery(cfg, windowClock, ledger, backend, window, owner));
        registry.bind("storeEtl", storeEtl);
        // the keyset chunks of routes/keyset-chunks.camel.yaml, shared by the store ETL and the KLK direct mode
        registry.bind("keysetChunks", new KeysetChunks(cfg.etl().redeliveries(), cfg.etl().redeliveryDelay(), clock, stop));
        SourcePull sourcePull = new SourcePull(context, clock, stop);
        registry.bind("sourcePull", sourcePull);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() {
                sourcePull.close();
            }
        }, true, true);
        KlkWiring.bind(context, cfg, windowClock, ledger, settings, writer, window);
        for (StoreConfig s : cfg.stores()) {
            registry.bind(KeysetChunks.dataSourceName(s.id()), DataSource.class,
                    new SourceDataSource(s, cfg.etl().connectTimeout(), cfg.etl().queryTimeout()));
        }
        ExecutorService pool = context.getExecutorServiceManager().newFixedThreadPool(this, "store-etl",
                cfg.etl().parallelism());
        registry.bind("storeEtlPool", ExecutorService.class, pool);

        // values the routes need in another unit than the contract's
        pc.addOverrideProperty("fluxion.derived.window-cron", windowClock.window().cron());
        // Quartz takes a java.util.TimeZone id: "-04:00" would silently be GMT there, "GMT-04:00" is not
        pc.addOverrideProperty("fluxion.derived.window-zone", java.util.TimeZone.getTimeZone(cfg.window().zone()).getID());
        pc.addOverrideProperty("fluxion.derived.redelivery-delay-ms", String.valueOf(cfg.etl().redeliveryDelay().toMillis()));
        pc.addOverrideProperty("fluxion.derived.fetch-size", String.valueOf(Math.min(cfg.etl().chunkSize(), 10_000)));
        pc.addOverrideProperty("fluxion.derived.schedules", String.valueOf(!"run-window".equals(mode)));
        // the scheduled routes' consumers: on the leader only (camel-master on the FileLockClusterService) when the
        // cluster is on, plain otherwise
        pc.addOverrideProperty("fluxion.derived.leader-only", cluster.enabled() ? "master:" + cluster.namespace() + ":" : "");
        pc.addOverrideProperty("fluxion.derived.cluster", String.valueOf(cluster.enabled()));
    }

    /**
     * This instance lost the leadership while its window runs: a new leader may take over (its heartbeat went stale,
     * e.g. the shared storage did not answer), so this run must not write on. It aborts as on SIGTERM (chunk given
     * up, store rolled back, DuckDB closed, the backend's start requested) and the process exits with
     * {@link #LOST_LEADERSHIP}, so that the orchestrator (ECS) starts it again as a follower; the new leader's
     * recovery finishes the window.
     */
    private static void lostMidWindow(WindowService window, StopSignal stop) {
        LOG.error("Cluster: the leadership was lost while window run #{} runs: aborting it and exiting ({}); the new"
                + " leader recovers the window", window.current().map(r -> r.getId()).orElse(null), LOST_LEADERSHIP);
        stop.raise("the cluster leadership was lost during the window");
        Thread t = new Thread(() -> System.exit(LOST_LEADERSHIP), "fluxion-lost-leadership");
        t.setDaemon(false);
        t.start();
    }

    /** Exit status of an instance that lost the leadership mid-window (EX_TEMPFAIL). */
    public static final int LOST_LEADERSHIP = 75;

    private static BackendControl backend(FluxionConfig cfg, CamelContext context, Clock clock, StopSignal stop)
            throws Exception {
        Registry registry = context.getRegistry();
        FluxionConfig.Backend b = cfg.backend();
        return switch (b.mode()) {
            case FluxionConfig.Backend.ECS -> {
                EcsClient ecs = registry.lookupByNameAndType("ecsClient", EcsClient.class);
                if (ecs == null) {
                    EcsClient built = EcsBackendControl.newClient(b);
                    ecs = built;
                    registry.bind("ecsClient", EcsClient.class, ecs);
                    // built here, closed here (after the routes, so the window's final start has run);
                    // a client a caller bound is the caller's to close
                    context.addService(new ServiceSupport() {
                        @Override
                        protected void doStop() {
                            built.close();
                        }
                    }, true, true);
                }
                yield new EcsBackendControl(ecs, b, clock, stop);
            }
            case FluxionConfig.Backend.DRY_RUN -> new DryRunBackendControl(b);
            default -> new NoBackendControl();
        };
    }
}
