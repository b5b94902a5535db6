package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.config.OwnerOnly;
import io.fluxion.orchestrator.config.SqlFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The staging files of one window run (strategy {@code staged}): one DuckDB file per store under
 * {@code <data-dir>/staging/}, so stores stage in parallel without sharing a writer, and the backend keeps the
 * analytics file meanwhile. A (store, date) is staged by the same {@link SalesLoad} as a direct load (DELETE +
 * Appender + COMMIT, one transaction), on a connection to the store's staging file instead of the analytics file.
 * A store's file is open only while one of its loads is (a reference count), so the merge can ATTACH it
 * read-only once its pulls are over. The files are the run's own: {@link #discard} deletes them, and a run starts
 * by discarding whatever a dead process left ({@link #discardAll}): a staging file is never merged by another run.
 */
public final class Staging implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Staging.class);

    private final Path dir;
    private final Clock clock;
    private final Map<String, Instance> open = new HashMap<>();
    private boolean closed;

    private static final class Instance {
        final DuckDBConnection conn;
        int loads;

        Instance(DuckDBConnection conn) {
            this.conn = conn;
        }
    }

    public Staging(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    public Path dir() {
        return dir;
    }

    /** The staging file of a store ({@code staging/<store id>.duckdb}; store ids are [A-Za-z0-9_-]). */
    public Path file(String storeId) {
        return dir.resolve(storeId.replaceAll("[^A-Za-z0-9_-]", "_") + ".duckdb");
    }

    /**
     * Deletes every staging file in {@code dir} (and DuckDB's write-ahead logs): what a run that died left is
     * never merged; its committed pairs are staged again. Answers how many files were deleted.
     */
    public static int discardAll(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{duckdb,duckdb.wal,duckdb.tmp}")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
                n++;
            }
        } catch (IOException e) {
            throw new LoadException("cannot clear the staging folder " + dir + ": " + e.getMessage(), e);
        }
        return n;
    }

    /** Starts the staging of one (store, date): the store's file, its own connection and transaction. */
    public synchronized SalesLoad beginSalesLoad(String storeId, LocalDate date, long runId) {
        if (closed) {
            throw new IllegalStateException("the staging files of run #" + runId + " are closed");
        }
        Instance i = open.get(storeId);
        if (i == null) {
            i = new Instance(openFile(file(storeId)));
            open.put(storeId, i);
        }
        DuckDBConnection c;
        try {
            c = (DuckDBConnection) i.conn.duplicate();
        } catch (SQLException e) {
            release(storeId);
            throw new LoadException("cannot open a connection to the staging file of " + storeId + ": " + e.getMessage(), e);
        }
        i.loads++;
        return new SalesLoad(c, storeId, date, runId, clock, () -> release(storeId));
    }

    /** True while a load of any store is open (the merge needs every staging file closed). */
    public synchronized boolean inUse() {
        return !open.isEmpty();
    }

    private synchronized void release(String storeId) {
        Instance i = open.get(storeId);
        if (i == null) {
            return;
        }
        i.loads--;
        if (i.loads <= 0) {
            open.remove(storeId);
            closeQuietly(i.conn);
        }
    }

    private DuckDBConnection openFile(Path file) {
        try {
            OwnerOnly.createDirectories(dir);
        } catch (IOException e) {
            throw new LoadException("cannot create the staging folder " + dir + ": " + e.getClass().getSimpleName()
                    + ": " + e.getMessage(), e);
        }
        try {
            boolean created = !Files.exists(file);
            DuckDBConnection conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file);
            if (created) {
                try {
                    OwnerOnly.restrict(file);
                } catch (IOException e) {
                    LOG.warn("cannot make the staging file {} readable by its owner only: {}", file, e.toString());
                }
            }
            try (Statement st = conn.createStatement()) {
                for (String sql : SqlFiles.statements(SqlFiles.read("classpath:sql/duckdb-schema.sql"))) {
                    st.execute(sql);
                }
            } catch (SQLException e) {
                conn.close();
                throw e;
            }
            return conn;
        } catch (SQLException e) {
            throw new LoadException("cannot open the staging file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Closes every staging connection (loads still open are rolled back by DuckDB). Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Instance i : open.values()) {
            closeQuietly(i.conn);
        }
        open.clear();
    }

    /** Closes and deletes this run's staging files. */
    public void discard() {
        close();
        int n = discardAll(dir);
        if (n > 0) {
            LOG.info("Staging files deleted: {} file(s) in {}", n, dir);
        }
    }

    private static void closeQuietly(DuckDBConnection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warn("closing a staging connection: {}", e.getMessage());
        }
    }
}
