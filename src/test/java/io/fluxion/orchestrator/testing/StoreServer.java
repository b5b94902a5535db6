package io.fluxion.orchestrator.testing;

import io.fluxion.orchestrator.demo.DemoStores;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.h2.tools.Server;

/**
 * Store databases for tests: a real H2 TCP server on 127.0.0.1 (SQL Server mode) holding one
 * database per store, filled with the demo generator's deterministic sales.
 */
public final class StoreServer implements AutoCloseable {
    private final Server server;
    private final Path baseDir;

    private StoreServer(Server server, Path baseDir) {
        this.server = server;
        this.baseDir = baseDir;
    }

    public static StoreServer start(Path baseDir) {
        try {
            Server s = Server.createTcpServer("-tcpPort", "0", "-baseDir", baseDir.toString(), "-ifNotExists").start();
            return new StoreServer(s, baseDir);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /**
     * JDBC URL of a store database through this server (or through a proxy on another port). The database stays open
     * in the server until it stops (DB_CLOSE_DELAY=-1): the ETL opens one short connection per chunk, and H2 2.3
     * closing and compacting the file between two of them can lose the store's rows (h2database issues 4086, 4247).
     */
    public String url(String storeId, int port) {
        return "jdbc:h2:tcp://127.0.0.1:" + port + "/" + storeId
                + ";MODE=MSSQLServer;LAZY_QUERY_EXECUTION=TRUE;DB_CLOSE_DELAY=-1";
    }

    public String url(String storeId) {
        return url(storeId, port());
    }

    /** Creates the store and fills it with sales for [from, to]. */
    public void createStore(String storeId, boolean klk, LocalDate from, LocalDate to) {
        DemoStores.fill(url(storeId), "sa", "", storeId, klk, from, to);
    }

    /** Properties that configure these stores (demo off), ready for the app's overrides. */
    public Map<String, String> storeProperties(Map<String, Integer> storePorts, String system) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("fluxion.demo.enabled", "false");
        p.put("fluxion.source.user", "sa");
        p.put("fluxion.source.password", "");
        storePorts.forEach((id, port) -> {
            p.put("fluxion.stores." + id + ".url", url(id, port));
            p.put("fluxion.stores." + id + ".name", id.toUpperCase());
            p.put("fluxion.stores." + id + ".system", system);
        });
        return p;
    }

    /** Properties of these legacy stores, each on this server but {@code viaProxy}, reached through {@code proxyPort}. */
    public Map<String, String> storeProperties(List<String> ids, String viaProxy, int proxyPort) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ids.forEach(id -> ports.put(id, id.equals(viaProxy) ? proxyPort : port()));
        return storeProperties(ports, "legacy");
    }

    public Map<String, String> storeProperties(List<String> ids) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ids.forEach(id -> ports.put(id, port()));
        return storeProperties(ports, "legacy");
    }

    /** Adds {@code rows} one-line sales at 13:00 of {@code date} (ids from 10,000,000 up): a store with a big day. */
    public void addSales(String storeId, LocalDate date, int rows) {
        try (Connection c = DriverManager.getConnection(url(storeId), "sa", "");
             PreparedStatement ps = c.prepareStatement("INSERT INTO ventas (id, numero_factura, linea, fecha_hora,"
                     + " codigo_producto, descripcion, cantidad, precio_unitario, total) SELECT 10000000 + X,"
                     + " CONCAT('B', X), 1, ?, 'PB', NULL, 1.000, 2.5000, 2.5000 FROM SYSTEM_RANGE(1, ?)")) {
            ps.setObject(1, date.atTime(13, 0));
            ps.setInt(2, rows);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Source rows and SUM(total) of a store for one business date. */
    public Totals totals(String storeId, LocalDate date) {
        try (Connection c = DriverManager.getConnection(url(storeId), "sa", "");
             PreparedStatement ps = c.prepareStatement(
                     "SELECT COUNT(*), COALESCE(SUM(total), 0) FROM ventas WHERE fecha_hora >= ? AND fecha_hora < ?")) {
            ps.setObject(1, date.atStartOfDay());
            ps.setObject(2, date.plusDays(1).atStartOfDay());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Totals(rs.getLong(1), rs.getBigDecimal(2).setScale(4));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path baseDir() {
        return baseDir;
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Row count and sum of totals. */
    public record Totals(long rows, BigDecimal total) {
    }
}
