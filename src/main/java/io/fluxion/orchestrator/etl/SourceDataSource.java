package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.config.StoreConfig;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A store's source database without a pool: every {@link #getConnection()} opens a fresh, short
 * connection (one per chunk), which survives VPN drops better than one long connection.
 *
 * <p>Timeouts: the login ({@code fluxion.etl.connect-timeout}, SQL Server's {@code loginTimeout}) and every
 * statement's query timeout ({@code fluxion.etl.query-timeout}) are set here, each bounded by the time left
 * to the deadline of the chunk the calling thread runs ({@link SourceChunk}), which also records the
 * connection and its statements so that a chunk given up can be cancelled.
 */
public class SourceDataSource implements DataSource {
    private final StoreConfig store;
    private final Duration connectTimeout;
    private final Duration queryTimeout;

    public SourceDataSource(StoreConfig store, Duration connectTimeout, Duration queryTimeout) {
        this.store = store;
        this.connectTimeout = connectTimeout;
        this.queryTimeout = queryTimeout;
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
        SourceChunk chunk = SourceChunk.current();
        if (store.url().startsWith("jdbc:sqlserver:")) {
            p.setProperty("loginTimeout", String.valueOf(chunk == null ? Math.max(1, connectTimeout.toSeconds())
                    : chunk.boundSeconds(connectTimeout)));
        }
        Connection c = DriverManager.getConnection(store.url(), p);
        if (chunk != null) {
            chunk.track(c);
        }
        return bounded(c, chunk);
    }

    /**
     * The connection, whose statements get the query timeout: {@code fluxion.etl.query-timeout}, or the time
     * left to the chunk's deadline when shorter (camel-jdbc sets no timeout of its own on them).
     */
    private Connection bounded(Connection c, SourceChunk chunk) {
        return (Connection) Proxy.newProxyInstance(SourceDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    Object r;
                    try {
                        r = method.invoke(c, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (r instanceof Statement st && method.getName().endsWith("Statement")) {
                        st.setQueryTimeout(chunk == null ? (int) Math.max(1, queryTimeout.toSeconds())
                                : chunk.boundSeconds(queryTimeout));
                        if (chunk != null) {
                            chunk.track(st);
                        }
                    }
                    return r;
                });
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
