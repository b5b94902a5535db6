package io.fluxion.orchestrator.testing;

import io.fluxion.orchestrator.FluxionConfiguration;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The running app of the inventory tests, in direct mode: two legacy stores ({@code tienda_02} through a
 * {@link TcpProxy} that can stall or cut it) and one KLK store on an H2 TCP server, the 30-minute syncs and the
 * scheduled inventory off (tests fire them), stop-first's window-hours rule (staged skips only while a merge has the
 * backend down), a token, and a ticking clock at noon Caracas; plus the two views the tests compare: each store's
 * source inventory and what inventario_raw holds for it.
 */
public final class InventoryScene implements AutoCloseable {
    public static final LocalDate DAY = LocalDate.of(2026, 11, 20);
    public static final List<String> STORES = List.of("tienda_01", "tienda_02", "tienda_08");

    public final StoreServer stores;
    public final TcpProxy proxy;
    public final HttpApp app;
    public final MutableClock clock;
    private final Path tmp;

    private InventoryScene(Path tmp, String token, Map<String, String> overrides) throws Exception {
        this.tmp = tmp;
        stores = StoreServer.start(tmp.resolve("stores"));
        stores.createStore("tienda_01", false, DAY, DAY);
        stores.createStore("tienda_02", false, DAY, DAY);
        stores.createStore("tienda_08", true, DAY, DAY);
        proxy = new TcpProxy(stores.port());
        Map<String, String> props = Apps.base(tmp.resolve("data"));
        props.put("fluxion.klk.enabled", "false");
        props.put("fluxion.inventory.enabled", "false");
        props.put("fluxion.etl.chunk-size", "7");
        props.put("fluxion.window.strategy", "stop-first");
        props.put("fluxion.etl.redeliveries", "1");
        Map<String, Integer> legacy = new LinkedHashMap<>();
        legacy.put("tienda_01", stores.port());
        legacy.put("tienda_02", proxy.port());
        props.putAll(stores.storeProperties(legacy, "legacy"));
        stores.storeProperties(Map.of("tienda_08", stores.port()), "klk").forEach(props::putIfAbsent);
        props.put("fluxion.api.token", token);
        props.putAll(overrides);
        clock = MutableClock.caracas(2026, 11, 21, 12, 0).ticking();
        app = HttpApp.start(props, Map.of(FluxionConfiguration.CLOCK, clock));
    }

    public static InventoryScene start(Path tmp, String token, Map<String, String> overrides) throws Exception {
        return new InventoryScene(tmp, token, overrides);
    }

    /** Every (code, description, quantity) of a store's source inventory. */
    public TreeSet<String> source(String store) throws Exception {
        try (Connection c = DriverManager.getConnection(stores.url(store), "sa", "")) {
            return rows(c, "SELECT codigo_producto, descripcion, cantidad FROM inventario");
        }
    }

    /** Every (code, description, quantity) inventario_raw holds for a store. */
    public TreeSet<String> duck(String store) throws Exception {
        Properties p = new Properties();
        p.setProperty("duckdb.read_only", "true");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + tmp.resolve("data").resolve("fluxion.duckdb"), p)) {
            return rows(c, "SELECT codigo_producto, descripcion, cantidad FROM inventario_raw WHERE ubicacion_id = '"
                    + store + "'");
        }
    }

    /** Changes a store's source. */
    public void update(String store, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(stores.url(store), "sa", ""); Statement st = c.createStatement()) {
            st.executeUpdate(sql);
        }
    }

    private static TreeSet<String> rows(Connection c, String sql) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getBigDecimal(3).stripTrailingZeros().toPlainString());
            }
        }
        return out;
    }

    @Override
    public void close() throws Exception {
        if (app != null) {
            app.close();
        }
        proxy.close();
        stores.close();
    }
}
