package io.fluxion.orchestrator.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.fluxion.orchestrator.config.ConfigException;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.config.Texts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The ledger's connection pool (HikariCP) for the JDBC URL of {@code fluxion.ledger.url}: the embedded H2 file by
 * default, a PostgreSQL server when the URL says {@code jdbc:postgresql:}. The password is only handed to the
 * driver: an error that opening the pool raises names the key and the URL with every secret as {@code ***}.
 */
public final class LedgerDataSource {
    /** Connections the pool keeps open (fluxion.ledger.pool-size). */
    public static final int DEFAULT_POOL_SIZE = 10;
    static final String POOL_NAME = "fluxion-ledger";

    private LedgerDataSource() {
    }

    /** Settings of the pool; {@link #toString()} never shows the password. */
    public record Settings(String url, String user, String password, int poolSize) {
        @Override
        public String toString() {
            return "Ledger[url=" + Secrets.redactUrl(url) + ", user=" + user + ", password="
                    + (password == null || password.isEmpty() ? "unset" : "***") + ", poolSize=" + poolSize + "]";
        }
    }

    /**
     * The ledger's settings from the properties {@code fluxion.ledger.user}, {@code .password} and
     * {@code .pool-size} (the URL is validated by the configuration). An embedded H2 URL gets
     * {@code DB_CLOSE_ON_EXIT=FALSE}: H2's own JVM shutdown hook would close the ledger at SIGTERM while the
     * window still records its abort; the pool is closed by this process, with the Camel context.
     */
    public static Settings settings(String url, String user, String password, String poolSize) {
        if (isH2(url) && !url.toUpperCase(Locale.ROOT).contains("DB_CLOSE_ON_EXIT")) {
            url = url + ";DB_CLOSE_ON_EXIT=FALSE";
        }
        int size = DEFAULT_POOL_SIZE;
        if (poolSize != null && !poolSize.isBlank()) {
            try {
                size = Integer.parseInt(poolSize.trim());
            } catch (NumberFormatException e) {
                size = -1;
            }
            if (size < 2 || size > 100) {
                throw new ConfigException("fluxion.ledger.pool-size", "'" + Texts.clip(poolSize, 40)
                        + "' is not a number of connections from 2 to 100");
            }
        }
        String u = user == null || user.isBlank() ? (isH2(url) ? "sa" : null) : user;
        return new Settings(url, u, password == null ? "" : password, size);
    }

    static boolean isH2(String url) {
        return url.startsWith("jdbc:h2:");
    }

    /**
     * Opens the pool and one connection at once, so that a wrong URL, user or password stops the start with a
     * clear error instead of failing the first run.
     */
    public static HikariDataSource open(Settings s) {
        HikariConfig c = new HikariConfig();
        c.setPoolName(POOL_NAME);
        c.setJdbcUrl(s.url());
        if (s.user() != null) {
            c.setUsername(s.user());
        }
        c.setPassword(s.password());
        c.setMaximumPoolSize(s.poolSize());
        c.setMinimumIdle(Math.min(2, s.poolSize()));
        if (isH2(s.url())) {
            // an embedded file: no server to reconnect to, and H2 closes the database when its last connection closes
            c.setMinimumIdle(s.poolSize());
            c.setMaxLifetime(0);
        } else if (s.url().startsWith("jdbc:postgresql:")) {
            // defaults that the URL may override: a server that stops answering fails a ledger call instead of
            // holding the window forever; the connections are named in pg_stat_activity
            c.addDataSourceProperty("ApplicationName", "fluxion-orchestrator");
            c.addDataSourceProperty("connectTimeout", "10");
            c.addDataSourceProperty("socketTimeout", "120");
            c.addDataSourceProperty("tcpKeepAlive", "true");
        }
        try {
            return new HikariDataSource(c);
        } catch (RuntimeException e) {
            throw new LedgerException("cannot open the ledger " + Secrets.redactUrl(s.url()) + " as user '" + s.user()
                    + "': " + causes(e, s.password()), null);
        }
    }

    /** The messages of an exception and its causes, without the password (the cause itself is not kept). */
    static String causes(Throwable e, String password) {
        List<String> parts = new ArrayList<>();
        for (Throwable t = e; t != null && parts.size() < 5; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && parts.stream().noneMatch(p -> p.contains(m))) {
                parts.add(m);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        String joined = String.join(" / ", parts);
        return Texts.clip(Secrets.scrub(joined, password == null ? List.of() : List.of(password)), 1000);
    }
}
