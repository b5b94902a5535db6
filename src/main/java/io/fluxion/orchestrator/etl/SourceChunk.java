package io.fluxion.orchestrator.etl;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One chunk query in flight and its deadline (the earliest of the store timeout and the run deadline).
 * {@link SourcePull} binds it to the thread that runs the query; {@link SourceDataSource} reads it there to
 * bound the login and the statement's query timeout by the time left, and records the connection and
 * statements, so that a chunk given up at its deadline can be cancelled and aborted.
 */
public final class SourceChunk {
    private static final Logger LOG = LoggerFactory.getLogger(SourceChunk.class);
    private static final ThreadLocal<SourceChunk> CURRENT = new ThreadLocal<>();

    private final String label;
    private final Instant deadline;
    private final Clock clock;
    private final List<Connection> connections = new ArrayList<>();
    private final List<Statement> statements = new ArrayList<>();
    private boolean givenUp;

    public SourceChunk(String label, Instant deadline, Clock clock) {
        this.label = label;
        this.deadline = deadline;
        this.clock = clock;
    }

    /** The chunk the current thread runs, if any (none for a KLK chunk: no deadline but the configured timeouts). */
    public static SourceChunk current() {
        return CURRENT.get();
    }

    void bind() {
        CURRENT.set(this);
    }

    static void unbind() {
        CURRENT.remove();
    }

    public Instant deadline() {
        return deadline;
    }

    /** Time left until the deadline, never negative. */
    public Duration left() {
        Duration d = Duration.between(clock.instant(), deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** {@code configured}, or the time left when shorter, in whole seconds, at least 1 (JDBC's 0 means "no limit"). */
    public int boundSeconds(Duration configured) {
        long left = (left().toMillis() + 999) / 1000;
        return (int) Math.max(1, Math.min(configured.toSeconds(), left));
    }

    synchronized void track(Connection c) {
        if (givenUp) {
            abortQuietly(c);
        }
        connections.add(c);
    }

    synchronized void track(Statement s) {
        if (givenUp) {
            cancelQuietly(s);
        }
        statements.add(s);
    }

    /**
     * The route stopped waiting for this chunk: its statements are cancelled and its connection aborted
     * (on a thread of their own: a driver may block doing it), so the thread running it ends as soon as the
     * driver lets it. A driver that ignores both (H2 behind a dead network) keeps that thread blocked; the
     * route does not wait for it anyway.
     */
    void giveUp(String why) {
        List<Statement> st;
        List<Connection> cs;
        synchronized (this) {
            givenUp = true;
            st = List.copyOf(statements);
            cs = List.copyOf(connections);
        }
        LOG.warn("Chunk {} given up: {}; cancelling its statement and aborting its source connection", label, why);
        Thread t = new Thread(() -> {
            st.forEach(SourceChunk::cancelQuietly);
            cs.forEach(SourceChunk::abortQuietly);
        }, "chunk-cancel");
        t.setDaemon(true);
        t.start();
    }

    private static void cancelQuietly(Statement s) {
        try {
            s.cancel();
        } catch (Exception | LinkageError e) {
            LOG.debug("statement cancel: {}", e.toString());
        }
    }

    private static void abortQuietly(Connection c) {
        try {
            c.abort(Runnable::run);
        } catch (Exception | LinkageError e) {
            LOG.debug("connection abort: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
