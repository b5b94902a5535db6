package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.config.StoreConfig;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A store's source database without a pool: every {@link #getConnection()} opens a fresh, short
 * connection (one per chunk), which survives VPN drops better than one long connection.
 */
public class SourceDataSource implements DataSource {
    private final StoreConfig store;
    private final Duration connectTimeout;

    public SourceDataSource(StoreConfig store, Duration connectTimeout) {
        this.store = store;
        this.connectTimeout = connectTimeout;
    }

    public StoreConfig store() {
        return store;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Properties p = new Properties();
        // credentials written in the URL itself win (some drivers refuse them twice)
        String url = store.url().toLowerCase(java.util.Locale.ROOT);
        if (store.user() != null && !url.contains(";user=") && !url.contains(";username=")) {
            p.setProperty("user", store.user());
        }
        if (store.password() != null && !url.contains(";password=")) {
            p.setProperty("password", store.password());
        }
        if (store.url().startsWith("jdbc:sqlserver:")) {
            p.setProperty("loginTimeout", String.valueOf(Math.max(1, connectTimeout.toSeconds())));
        }
        return DriverManager.getConnection(store.url(), p);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("credentials come from the store configuration");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // not used
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // per-connection timeouts come from the configuration
    }

    @Override
    public int getLoginTimeout() {
        return (int) connectTimeout.toSeconds();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }

    @Override
    public String toString() {
        return "SourceDataSource[" + store.id() + " " + store.safeUrl() + "]";
    }
}
