package io.fluxion.orchestrator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scene of the tests that stop the packaged service the hard way (SIGKILL, SIGTERM) and start it again: three
 * legacy H2 stores with yesterday's sales ({@link #d}, in a zone where it is about noon now), {@code tienda_02}
 * reached through a {@link TcpProxy} that can slow it down, an {@link EcsTestServer} with the backend running, the
 * jars started against them (killed at the end), and the two checks every such test makes of DuckDB: each
 * (store, date) whole or absent, and at the end every store loaded exactly once.
 */
public final class JarScene implements AutoCloseable {
    public static final List<String> STORES = List.of("tienda_01", "tienda_02", "tienda_03");
    /** The store behind the proxy. */
    public static final String SLOW = "tienda_02";

    public final Path work;
    public final StoreServer stores;
    public final TcpProxy slowStore;
    public final EcsTestServer ecs;
    /** A zone where it is about noon now (the window hours are put around it). */
    public final ZoneOffset zone;
    /** Yesterday in {@link #zone}: the business date every store has sales for. */
    public final LocalDate d;
    /** Each store's rows and SUM(total) for {@link #d}, read before any window (the product only reads them). */
    public final Map<String, StoreServer.Totals> source = new LinkedHashMap<>();
    private final List<JarProcess> processes = new ArrayList<>();

    private JarScene(Path work) {
        this.work = work;
        this.zone = JarProcess.noonZone();
        this.d = ZonedDateTime.now(zone).toLocalDate().minusDays(1);
        this.stores = StoreServer.start(work.resolve("stores"));
        for (String id : STORES) {
            stores.createStore(id, false, d, d);
            source.put(id, stores.totals(id, d));
            assertThat(source.get(id).rows()).as(id + " has sales on " + d).isPositive();
        }
        try {
            this.slowStore = new TcpProxy(stores.port());
        } catch (java.io.IOException e) {
            stores.close();
            throw new IllegalStateException(e);
        }
        this.ecs = EcsTestServer.start("fluxion-cluster", "fluxion-backend", 1);
    }

    public static JarScene start(Path work) {
        return new JarScene(work);
    }

    /** Adds sales to a store's day (a big day makes a merge or a load long enough to be interrupted). */
    public void addSales(String storeId, int rows) {
        stores.addSales(storeId, d, rows);
        source.put(storeId, stores.totals(storeId, d));
    }

    /**
     * The service's properties for this scene: window hours around now (a start is inside the window), no HTTP
     * server, no management server, only {@link #d} planned, KLK off, short redelivery and polling, the ECS server
     * and the stores ({@link #SLOW} through the proxy). Tests add or override what their story needs.
     */
    public Map<String, String> properties(String strategy) {
        Map<String, String> p = new LinkedHashMap<>(JarProcess.windowAroundNow(zone));
        p.put("fluxion.log-dir", work.resolve("logs").toString());
        p.put("camel.server.enabled", "false");
        p.put("camel.management.enabled", "false");
        p.put("fluxion.window.strategy", strategy);
        p.put("fluxion.window.recovery-days", "0");
        p.put("fluxion.klk.enabled", "false");
        p.put("fluxion.etl.redelivery-delay", "50ms");
        p.put("fluxion.backend.poll-interval", "100ms");
        p.put("fluxion.backend.stop-timeout", "3m");
        p.put("fluxion.backend.start-timeout", "3m");
        p.putAll(ecs.properties());
        p.putAll(stores.storeProperties(STORES, SLOW, slowStore.port()));
        return p;
    }

    /** Starts the packaged jar with these properties (and the AWS SDK's environment); it is killed at {@link #close}. */
    public JarProcess start(String name, Map<String, String> properties, Map<String, String> env, String... args)
            throws Exception {
        JarProcess jar = JarProcess.start(work, work.resolve(name + ".out"), properties, env, args);
        processes.add(jar);
        return jar;
    }

    public JarProcess start(String name, Map<String, String> properties, String... args) throws Exception {
        return start(name, properties, JarProcess.awsEnv(), args);
    }

    public Path data() {
        return work.resolve("data");
    }

    public DuckDbFile duck() {
        return new DuckDbFile(data().resolve("fluxion.duckdb"));
    }

    /** Each store's day is in DuckDB whole or not at all (nothing to check before the first load made the table). */
    public void assertEachStoreWholeOrAbsent(String when) {
        DuckDbFile duck = duck();
        if (!duck.exists()
                || duck.count("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'ventas_raw'") == 0) {
            return;
        }
        for (String id : STORES) {
            StoreServer.Totals t = duck.totals(id, d);
            assertThat(t.rows() == 0 || t.equals(source.get(id))).as(when + ": " + id + " whole or absent, got " + t
                    + ", source " + source.get(id) + "\n" + consoles()).isTrue();
        }
    }

    /** Every store's day equals its source, and nothing is in DuckDB twice. */
    public void assertEveryStoreLoadedOnce() {
        DuckDbFile duck = duck();
        for (String id : STORES) {
            assertThat(duck.totals(id, d)).as(id + "\n" + consoles()).isEqualTo(source.get(id));
        }
        long expected = source.values().stream().mapToLong(StoreServer.Totals::rows).sum();
        assertThat(duck.count("SELECT COUNT(*) FROM ventas_raw")).as("no duplicate").isEqualTo(expected);
    }

    /** What every jar of the scene printed, for the message of a failed check. */
    public String consoles() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < processes.size(); i++) {
            b.append("--- jar ").append(i + 1).append(":\n").append(processes.get(i).output()).append('\n');
        }
        return b.toString();
    }

    @Override
    public void close() throws Exception {
        for (JarProcess p : processes) {
            p.close();
        }
        ecs.close();
        slowStore.close();
        stores.close();
    }
}
