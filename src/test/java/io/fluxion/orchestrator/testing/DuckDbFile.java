package io.fluxion.orchestrator.testing;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.Properties;

/** Reads a DuckDB file the app wrote (read-only, closed after each question). */
public final class DuckDbFile {
    private final Path path;

    public DuckDbFile(Path path) {
        this.path = path;
    }

    public boolean exists() {
        return Files.exists(path);
    }

    public StoreServer.Totals totals(String storeId, LocalDate date) {
        return query("SELECT COUNT(*), COALESCE(SUM(total), 0) FROM ventas_raw WHERE ubicacion_id = ? AND fecha = ?",
                storeId, date);
    }

    public long count(String sql, Object... args) {
        return query(sql, args).rows();
    }

    /** Runs a query whose first column is a count and second (optional) a decimal. */
    public StoreServer.Totals query(String sql, Object... args) {
        Properties p = new Properties();
        p.setProperty("duckdb.read_only", "true");
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + path, p);
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                BigDecimal total = rs.getMetaData().getColumnCount() > 1 ? rs.getBigDecimal(2) : BigDecimal.ZERO;
                return new StoreServer.Totals(rs.getLong(1), total == null ? null : total.setScale(4));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("DuckDB query failed: " + e.getMessage(), e);
        }
    }
}
