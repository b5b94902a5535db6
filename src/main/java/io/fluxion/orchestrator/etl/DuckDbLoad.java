package io.fluxion.orchestrator.etl;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * A {@link Load} into DuckDB: its own connection, one transaction, closed at the end whatever happens.
 * The transaction is opened by the load's first <em>statement</em> (the DELETE of the replace, {@link #begin}):
 * {@code setAutoCommit(false)} only sets a flag and an Appender is not a statement, so appends made before it
 * would commit on their own every 2048 rows. The subclasses say which table and which rows; this class says how
 * the transaction starts and ends.
 */
abstract class DuckDbLoad implements Load {
    /** The load's own connection (a duplicate of the writer's instance); closed by commit and rollback. */
    protected final DuckDBConnection conn;
    /** "tienda_01 2026-11-20", "the inventory of tienda_08": what the messages name. */
    private final String what;
    private final Runnable onClose;
    private boolean done;

    DuckDbLoad(DuckDBConnection conn, String what, Runnable onClose) {
        this.conn = conn;
        this.what = what;
        this.onClose = onClose;
    }

    /**
     * Opens the transaction with its first statement, the DELETE of what this load replaces, and answers its update
     * count (the rows the unit held). On an error the connection is closed.
     */
    protected final long begin(String deleteSql, Object... parameters) {
        try {
            conn.setAutoCommit(false);
            try (PreparedStatement ps = conn.prepareStatement(deleteSql)) {
                for (int i = 0; i < parameters.length; i++) {
                    ps.setObject(i + 1, parameters[i]);
                }
                return ps.executeUpdate();
            }
        } catch (SQLException e) {
            close();
            throw new LoadException("cannot start the load of " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Appends with a fresh Appender on this load's connection: flushed (which throws on a bad row), then closed.
     * Runs on the load's writer thread while the route pulls the next chunk: a commit or rollback from the route's
     * thread waits for the chunk being appended (they hold the same lock), and a chunk that comes after the load
     * ended is refused.
     */
    protected final synchronized void appendRows(String table, AppenderRows rows) {
        if (done) {
            throw new LoadException("the load of " + what + " has already ended: a chunk came after it", null);
        }
        try {
            DuckDBAppender a = conn.createAppender(DuckDBConnection.DEFAULT_SCHEMA, table);
            try {
                rows.appendTo(a);
                // flush() throws on a bad last chunk; close() alone would swallow it and lose rows
                a.flush();
            } finally {
                a.close();
            }
        } catch (SQLException | RuntimeException e) {
            throw new LoadException("DuckDB append failed for " + what + ": " + e.getMessage(), e);
        }
    }

    /** The rows of one chunk, appended row by row. */
    @FunctionalInterface
    protected interface AppenderRows {
        void appendTo(DuckDBAppender a) throws SQLException;
    }

    @Override
    public final synchronized void commit() {
        try {
            conn.commit();
            done = true;
        } catch (SQLException e) {
            throw new LoadException("DuckDB commit failed for " + what + ": " + e.getMessage(), e);
        } finally {
            close();
        }
    }

    @Override
    public final synchronized void rollback() {
        if (done) {
            return;
        }
        try {
            if (!conn.isClosed()) {
                conn.rollback();
            }
        } catch (SQLException e) {
            // closing the connection below discards the transaction anyway
        } finally {
            done = true;
            close();
        }
    }

    private void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // nothing more to do
        }
        onClose.run();
    }

    /** What the messages name ("tienda_01 2026-11-20"). */
    protected final String what() {
        return what;
    }

    static void appendText(DuckDBAppender a, Object v) throws SQLException {
        if (v == null) {
            a.appendNull();
        } else {
            a.append(v.toString());
        }
    }

    static void appendDecimal(DuckDBAppender a, BigDecimal v) throws SQLException {
        if (v == null) {
            a.appendNull();
        } else {
            a.append(v);
        }
    }

    /** The Appender needs the column's exact scale; it does not rescale. */
    static BigDecimal decimal(Object v, int scale) {
        if (v == null) {
            return null;
        }
        BigDecimal d = v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
        return d.setScale(scale, RoundingMode.HALF_UP);
    }
}
