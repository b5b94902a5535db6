package io.fluxion.orchestrator.ledger;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the instances that share a PostgreSQL ledger migrate it one after the other, from the first look at the
 * schema to the last migration. Flyway's own advisory lock is taken only once its history table exists: two
 * instances that start together on a new ledger both see no history table, both decide to create it, and the
 * second fails ("Unable to baseline schema history table ... as it already exists, and is empty"). This lock is a
 * session-level advisory lock of its own key, held for the whole {@link Ledger#migrate()} on a connection of its own
 * outside the pool (Flyway needs two of the pool's connections, and a pool may have just two), released and closed
 * at the end; a process that dies with it loses the session and so the lock.
 */
final class MigrationLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationLock.class);
    /** The advisory lock's key: "fluxion ledger migrate" in a bigint, apart from Flyway's own keys. */
    static final long KEY = 0x666c78_6c6d6967L;
    /** How long an instance waits for another's migration before its start fails. */
    static final Duration WAIT = Duration.ofMinutes(10);
    private static final long POLL_MILLIS = 200;

    private final Connection connection;

    private MigrationLock(Connection connection) {
        this.connection = connection;
    }

    /** Takes the lock on a PostgreSQL ledger (waits up to {@code wait} for another instance); none on H2. */
    static MigrationLock take(DataSource ds, Duration wait) throws SQLException {
        Connection c = open(ds);
        if (c == null) {
            return new MigrationLock(null);
        }
        try {
            long deadline = System.nanoTime() + wait.toNanos();
            boolean logged = false;
            while (!tryLock(c)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new SQLException("another instance has been creating or upgrading the ledger tables for "
                            + wait.toSeconds() + " s (PostgreSQL advisory lock " + KEY + " is held)");
                }
                if (!logged) {
                    LOG.info("Ledger: another instance is creating or upgrading the ledger tables; waiting for it");
                    logged = true;
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while waiting for another instance's ledger migration", e);
                }
            }
            return new MigrationLock(c);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /**
     * A connection of its own, outside the app's pool, on a PostgreSQL ledger (Flyway takes two of the pool's
     * connections, and the pool may have only two); null on any other database. A pool the app did not open (no
     * URL to connect with) lends one of its connections.
     */
    private static Connection open(DataSource ds) throws SQLException {
        if (ds.isWrapperFor(HikariDataSource.class)) {
            HikariDataSource h = ds.unwrap(HikariDataSource.class);
            if (h.getJdbcUrl() == null || !h.getJdbcUrl().startsWith("jdbc:postgresql:")) {
                return null;
            }
            Properties p = new Properties();
            p.putAll(h.getDataSourceProperties());
            if (h.getUsername() != null) {
                p.setProperty("user", h.getUsername());
            }
            if (h.getPassword() != null) {
                p.setProperty("password", h.getPassword());
            }
            return DriverManager.getConnection(h.getJdbcUrl(), p);
        }
        Connection c = ds.getConnection();
        if (!"PostgreSQL".equals(c.getMetaData().getDatabaseProductName())) {
            c.close();
            return null;
        }
        return c;
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            ps.setLong(1, KEY);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * Releases the lock and closes its connection. Never throws: the migration is done by now, and a connection that
     * broke took its session, and so the lock, with it.
     */
    @Override
    public void close() {
        if (connection == null) {
            return;
        }
        try (Connection c = connection; PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            ps.setLong(1, KEY);
            ps.execute();
        } catch (SQLException e) {
            LOG.warn("Ledger: the migration lock's connection failed at its release ({}); the lock went with its session",
                    LedgerJdbc.message(e));
        }
    }
}
