package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.config.OwnerOnly;
import io.fluxion.orchestrator.config.SqlFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one DuckDB writer of this process. Every write (window, manual sync, KLK direct) takes the
 * lease; a second writer is refused with the holder's name. The file is opened when the lease is
 * taken and every connection is closed when it is given back, so between write sessions this
 * process holds nothing and the backend can open the file.
 */
public class DuckDbWriter {
    private static final Logger LOG = LoggerFactory.getLogger(DuckDbWriter.class);
    private static final Pattern PID = Pattern.compile("PID (\\d+)");

    private final Path path;
    private final Clock clock;
    private Lease current;
    private volatile java.util.function.Consumer<Lease> onLease;

    public DuckDbWriter(Path path, Clock clock) {
        this.path = path;
        this.clock = clock;
    }

    public Path path() {
        return path;
    }

    /**
     * Runs once per lease, right after the file opens and before the lease is handed out (the coverage import
     * of a new ledger). An error in it is logged; the lease is given all the same.
     */
    public void onLease(java.util.function.Consumer<Lease> hook) {
        this.onLease = hook;
    }

    /** Who holds the lease now, if anyone. */
    public synchronized Optional<String> holder() {
        return current == null ? Optional.empty() : Optional.of(current.owner);
    }

    /**
     * Takes the lease and opens the file.
     *
     * @throws WriterBusyException     when another writer of this process holds the lease
     * @throws DuckDbLockedException   when another process holds the file
     */
    public synchronized Lease acquire(String owner) {
        return take(owner, false);
    }

    /**
     * Takes a <em>brief</em> lease (a KLK sync, bounded by its own timeout): a writer that finds it
     * held may wait for it with {@link #awaitHolder(Duration)} or {@link #acquire(String, Duration)}
     * instead of giving up at once.
     */
    public synchronized Lease acquireBrief(String owner) {
        return take(owner, true);
    }

    /**
     * Like {@link #acquire(String)}, but when a brief lease holds the writer, waits up to {@code wait}
     * for it to be given back first. A long lease (another window run) is refused at once.
     */
    public synchronized Lease acquire(String owner, Duration wait) {
        awaitHolder(wait);
        return take(owner, false);
    }

    /**
     * Who holds the lease after waiting up to {@code wait} for a brief holder to give it back; a long
     * holder is answered at once. Empty when the writer is free.
     */
    public synchronized Optional<String> awaitHolder(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        if (current != null && current.brief) {
            LOG.info("DuckDB writer held by {}: waiting up to {} ms for it", current.owner, wait.toMillis());
        }
        while (current != null && current.brief) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return holder();
    }

    private Lease take(String owner, boolean brief) {
        if (current != null) {
            throw new WriterBusyException(current.owner);
        }
        DuckDBConnection conn = open();
        current = new Lease(owner, conn, clock.instant(), brief);
        LOG.info("DuckDB writer lease taken by {} ({})", owner, path);
        java.util.function.Consumer<Lease> hook = onLease;
        if (hook != null) {
            try {
                hook.accept(current);
            } catch (RuntimeException e) {
                LOG.error("DuckDB writer lease of {}: {}", owner, e.getMessage(), e);
            }
        }
        return current;
    }

    private static void restrict(Path file) {
        try {
            OwnerOnly.restrict(file);
        } catch (IOException e) {
            LOG.warn("cannot make the new DuckDB file {} readable by its owner only: {}", file, e.toString());
        }
    }

    private DuckDBConnection open() {
        try {
            OwnerOnly.createDirectories(path.toAbsolutePath().getParent());
        } catch (IOException e) {
            // the exception's type says why (FileAlreadyExistsException: a file is in the way; AccessDenied...)
            throw new LoadException("cannot create the folder of the DuckDB file " + path + ": "
                    + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        try {
            boolean created = !Files.exists(path);
            DuckDBConnection conn = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + path);
            if (created) {
                restrict(path); // a DuckDB file the app creates is its owner's only (600)
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
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("lock")) {
                Matcher m = PID.matcher(msg);
                // on EFS/NFS the holder shows as PID 0: say "another process", promise no PID
                String pid = m.find() && !"0".equals(m.group(1)) ? " (PID " + m.group(1) + ")" : "";
                throw new DuckDbLockedException("DuckDB file " + path + " is locked by another process" + pid
                        + ": Conflicting lock is held; is the backend still running?", e);
            }
            throw new LoadException("cannot open DuckDB file " + path + ": " + msg, e);
        }
    }

    private synchronized void release(Lease lease) {
        if (current == lease) {
            current = null;
            notifyAll();
        }
    }

    /** A write session: one DuckDB instance, closed as a whole by {@link #close()}. */
    public final class Lease implements AutoCloseable {
        private final String owner;
        private final DuckDBConnection conn;
        private final Instant since;
        private final boolean brief;
        private final List<Connection> children = new ArrayList<>();
        private boolean closed;

        private Lease(String owner, DuckDBConnection conn, Instant since, boolean brief) {
            this.owner = owner;
            this.brief = brief;
            this.conn = conn;
            this.since = since;
        }

        public String owner() {
            return owner;
        }

        public Instant since() {
            return since;
        }

        /** Starts the replace of one (store, date): its own connection and transaction, the old rows deleted inside it. */
        public SalesLoad beginSalesLoad(String storeId, LocalDate date, long runId) {
            DuckDBConnection c = duplicate();
            return new SalesLoad(c, storeId, date, runId, clock, () -> forget(c));
        }

        /** Starts the replace of one store's inventory snapshot, stamped with its extraction time (window zone). */
        public InventoryLoad beginInventoryLoad(String storeId, java.time.LocalDateTime extractedAt) {
            DuckDBConnection c = duplicate();
            return new InventoryLoad(c, storeId, extractedAt, () -> forget(c));
        }

        /** A connection for reads (tests, checks); closed with the lease. */
        public Connection connection() {
            return duplicate();
        }

        private synchronized DuckDBConnection duplicate() {
            if (closed) {
                throw new IllegalStateException("the DuckDB writer lease of " + owner + " is closed");
            }
            try {
                DuckDBConnection c = (DuckDBConnection) conn.duplicate();
                children.add(c);
                return c;
            } catch (SQLException e) {
                throw new LoadException("cannot open a DuckDB connection: " + e.getMessage(), e);
            }
        }

        private synchronized void forget(Connection c) {
            children.remove(c);
        }

        /** Closes every connection of this process to the file and gives the lease back. Idempotent. */
        @Override
        public void close() {
            List<Connection> open;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                open = new ArrayList<>(children);
                children.clear();
            }
            for (Connection c : open) {
                closeQuietly(c);
            }
            closeQuietly(conn);
            release(this);
            LOG.info("DuckDB writer lease of {} released: no connection of this process is open on {}", owner, path);
        }

        private void closeQuietly(Connection c) {
            try {
                if (!c.isClosed()) {
                    if (!c.getAutoCommit()) {
                        c.rollback();
                    }
                    c.close();
                }
            } catch (SQLException e) {
                LOG.warn("closing a DuckDB connection: {}", e.getMessage());
            }
        }
    }
}
