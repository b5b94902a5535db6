package io.fluxion.orchestrator.demo;

import io.fluxion.orchestrator.config.StoreConfig;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default's 16 stores: H2 databases in SQL Server mode under {@code <data-dir>/demo},
 * filled with deterministic synthetic sales (the same store and date always give the same rows)
 * for the last days up to tomorrow; KLK stores also get an inventory. Also used by the tests to
 * fill H2 TCP stores.
 */
public final class DemoStores {
    private static final Logger LOG = LoggerFactory.getLogger(DemoStores.class);

    /** Store names: the seed's first five, then the chain's other branches; KLK where marked. */
    private static final String[][] STORES = {
        {"tienda_01", "PERIFERICO", "legacy"}, {"tienda_02", "AV. BOLIVAR", "legacy"},
        {"tienda_03", "MAÑONGO", "legacy"}, {"tienda_04", "SAN DIEGO", "legacy"},
        {"tienda_05", "VIVIENDA", "legacy"}, {"tienda_06", "NAGUANAGUA", "legacy"},
        {"tienda_07", "ISABELICA", "legacy"}, {"tienda_08", "GUACARA", "klk"},
        {"tienda_09", "LOS GUAYOS", "legacy"}, {"tienda_10", "TOCUYITO", "legacy"},
        {"tienda_11", "FLOR AMARILLA", "legacy"}, {"tienda_12", "PARAPARAL", "klk"},
        {"tienda_13", "SAN BLAS", "legacy"}, {"tienda_14", "CENTRO", "legacy"},
        {"tienda_15", "LA GRANJA", "klk"}, {"tienda_16", "TAZAJAL", "legacy"},
    };

    private static final String[] PRODUCTS = {"Harina P.A.N. 1kg", "Café molido 500g", "Queso llanero kg",
        "Arroz Mary 1kg", "Pasta larga 1kg", "Aceite de maíz 1L", "Azúcar 1kg", "Leche en polvo 400g",
        "Caraotas negras 500g", "Plátano kg", "Ñame kg", "Piña unidad", "Pan de jamón", "Jamón ahumado kg",
        "Mantequilla 250g", "Huevos cartón 30", "Pollo entero kg", "Carne molida kg", "Jabón azul", "Papel higiénico 4u",
        "Refresco 2L", "Malta 355ml", "Cerveza 250ml", "Agua mineral 1.5L", "Galletas María", "Chocolate Savoy",
        "Cebolla kg", "Tomate kg", "Papa kg", "Cambur kg", "Limón kg", "Ají dulce kg", "Cilantro manojo",
        "Detergente 1kg", "Cloro 1L", "Atún enlatado", "Sardinas lata", "Mayonesa 445g", "Salsa de tomate", "Té frío 1L"};

    private DemoStores() {
    }

    /** The demo store list for the given data dir (URLs of embedded H2 file databases). */
    public static List<StoreConfig> stores(Path dataDir) {
        List<StoreConfig> out = new ArrayList<>();
        for (String[] s : STORES) {
            String url = "jdbc:h2:file:" + dataDir.resolve("demo").resolve(s[0]).toString().replace('\\', '/')
                    + ";MODE=MSSQLServer;LAZY_QUERY_EXECUTION=TRUE;DB_CLOSE_DELAY=-1";
            out.add(new StoreConfig(s[0], s[1], s[2], url, "sa", "", true));
        }
        return out;
    }

    /** Creates or extends every demo store so it holds sales from {@code from} to {@code to} (inclusive). */
    public static void ensure(List<StoreConfig> stores, LocalDate from, LocalDate to) {
        long t0 = System.nanoTime();
        long rows = 0;
        for (StoreConfig s : stores) {
            rows += fill(s.url(), s.user(), s.password(), s.id(), s.isKlk(), from, to);
        }
        if (rows > 0) {
            LOG.info("Demo stores: generated {} sales rows for {}..{} in {} ms", rows, from, to,
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /**
     * Creates the tables when missing and inserts the synthetic sales of every date in
     * [from, to] the database does not have yet. Returns the rows inserted.
     */
    public static long fill(String url, String user, String password, String storeId, boolean klk, LocalDate from,
                            LocalDate to) {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            createTables(c, klk);
            long inserted = 0;
            c.setAutoCommit(false);
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                if (hasDate(c, d)) {
                    continue;
                }
                inserted += insertDay(c, storeId, d);
                c.commit();
            }
            // every store has an inventory (route inventory-all reads legacy and KLK stores alike)
            fillInventory(c, storeId);
            c.commit();
            c.setAutoCommit(true);
            return inserted;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot fill demo store " + storeId + ": " + e.getMessage(), e);
        }
    }

    private static void createTables(Connection c, boolean klk) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS ventas (id BIGINT PRIMARY KEY, numero_factura VARCHAR(20),"
                    + " linea INT, fecha_hora TIMESTAMP, codigo_producto VARCHAR(20), descripcion VARCHAR(200),"
                    + " cantidad DECIMAL(14,3), precio_unitario DECIMAL(18,4), total DECIMAL(18,4))");
            st.execute("CREATE INDEX IF NOT EXISTS ventas_fecha ON ventas (fecha_hora)");
            st.execute("CREATE TABLE IF NOT EXISTS demo_day (fecha DATE PRIMARY KEY, filas INT)");
            st.execute("CREATE TABLE IF NOT EXISTS inventario (codigo_producto VARCHAR(20) PRIMARY KEY,"
                    + " descripcion VARCHAR(200), cantidad DECIMAL(14,3))");
        }
    }

    private static boolean hasDate(Connection c, LocalDate d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM demo_day WHERE fecha = ?")) {
            ps.setObject(1, d);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Rows of one store and date: a pure function of (store, date). */
    public static int rowsFor(String storeId, LocalDate d) {
        SplittableRandom r = random(storeId, d);
        int base = 600 + Math.floorMod(storeId.hashCode(), 7) * 150;
        return base + r.nextInt(400);
    }

    private static SplittableRandom random(String storeId, LocalDate d) {
        return new SplittableRandom(storeId.hashCode() * 31L + d.toEpochDay());
    }

    private static int insertDay(Connection c, String storeId, LocalDate d) throws SQLException {
        int rows = rowsFor(storeId, d);
        SplittableRandom r = random(storeId, d);
        r.nextInt(400); // same draw as rowsFor, so the rest of the stream is fixed too
        String prefix = storeId.replace("tienda_", "T");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO ventas (id, numero_factura, linea, fecha_hora,"
                + " codigo_producto, descripcion, cantidad, precio_unitario, total) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int invoice = 0;
            int line = 0;
            int linesInInvoice = 0;
            for (int i = 0; i < rows; i++) {
                if (line >= linesInInvoice) {
                    invoice++;
                    line = 0;
                    linesInInvoice = 1 + r.nextInt(6);
                }
                line++;
                int p = r.nextInt(PRODUCTS.length);
                // spread over the opening hours 07:00-21:59, in id order
                int secondOfDay = 7 * 3600 + (int) ((long) i * 15 * 3600 / rows);
                BigDecimal qty = BigDecimal.valueOf(1 + r.nextInt(5000), 3).add(BigDecimal.valueOf(r.nextInt(3)));
                BigDecimal price = BigDecimal.valueOf(50 + r.nextInt(2_000_000), 4);
                ps.setLong(1, d.toEpochDay() * 100_000L + i + 1);
                ps.setString(2, prefix + "-" + d.toString().replace("-", "") + "-" + String.format("%05d", invoice));
                ps.setInt(3, line);
                ps.setObject(4, LocalDateTime.of(d, java.time.LocalTime.ofSecondOfDay(secondOfDay)));
                ps.setString(5, String.format("P%05d", p + 1));
                // every 37th line has no description (the source allows NULL)
                ps.setString(6, i % 37 == 36 ? null : PRODUCTS[p]);
                ps.setBigDecimal(7, qty);
                ps.setBigDecimal(8, price);
                ps.setBigDecimal(9, qty.multiply(price).setScale(4, RoundingMode.HALF_UP));
                ps.addBatch();
                if (i % 1000 == 999) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO demo_day (fecha, filas) VALUES (?, ?)")) {
            ps.setObject(1, d);
            ps.setInt(2, rows);
            ps.executeUpdate();
        }
        return rows;
    }

    private static void fillInventory(Connection c, String storeId) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM inventario")) {
            rs.next();
            if (rs.getLong(1) > 0) {
                return;
            }
        }
        SplittableRandom r = new SplittableRandom(storeId.hashCode());
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO inventario (codigo_producto, descripcion, cantidad) VALUES (?, ?, ?)")) {
            for (int p = 0; p < PRODUCTS.length; p++) {
                ps.setString(1, String.format("P%05d", p + 1));
                ps.setString(2, PRODUCTS[p]);
                ps.setBigDecimal(3, BigDecimal.valueOf(r.nextInt(500_000), 3));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
