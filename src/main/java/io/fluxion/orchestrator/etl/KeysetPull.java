package io.fluxion.orchestrator.etl;

import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One keyset pull in progress, as its owner (the window's store step, a KLK load) hands it to the
 * {@code keyset-chunks} route in the exchange property {@link KeysetChunks#PULL}: which store's source, which
 * pages into which load, and until when.
 */
public final class KeysetPull {
    /** Told after each chunk is appended (the window's progress and its log line). */
    @FunctionalInterface
    public interface Progress {
        /** {@code chunkRows}: rows the chunk held; {@code loaded}: rows the load holds now. */
        void chunkAppended(int chunkRows, long loaded);
    }

    private final String label;
    private final String dataSource;
    private final Keyset keyset;
    private final Instant deadline;
    private final String limit;
    private final Progress progress;
    private volatile boolean more = true;
    /** The chunk being appended on the writer thread (null: none yet, or the last one was awaited). */
    private volatile Future<?> appending;
    private ThreadPoolExecutor writer;

    /**
     * @param label      what the messages name: "store tienda_01 2026-11-20", "KLK klk-inventory tienda_08"
     * @param dataSource registry name of the store's DataSource ({@link KeysetChunks#dataSourceName})
     * @param deadline   no chunk runs past it (the chunk in flight is given up there, see {@link SourcePull})
     * @param limit      what the deadline is, for the messages: "its timeout of 10m", "fluxion.klk.timeout of 5m"
     */
    public KeysetPull(String label, String dataSource, Keyset keyset, Instant deadline, String limit, Progress progress) {
        this.label = label;
        this.dataSource = dataSource;
        this.keyset = keyset;
        this.deadline = deadline;
        this.limit = limit;
        this.progress = progress == null ? (n, loaded) -> { } : progress;
    }

    public String label() {
        return label;
    }

    public String dataSource() {
        return dataSource;
    }

    public Keyset keyset() {
        return keyset;
    }

    public Instant deadline() {
        return deadline;
    }

    public String limit() {
        return limit;
    }

    Progress progress() {
        return progress;
    }

    /** Another chunk is due (the route's loop condition). */
    public boolean isMore() {
        return more;
    }

    void setMore(boolean more) {
        this.more = more;
    }

    /**
     * The load's writer: one thread, so the chunks are appended one at a time and in order; it ends on its own once
     * idle (a pull that failed leaves nothing behind), and is a daemon.
     */
    synchronized ThreadPoolExecutor writer() {
        if (writer == null) {
            writer = new ThreadPoolExecutor(1, 1, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                Thread t = new Thread(r, "chunk-append " + label);
                t.setDaemon(true);
                return t;
            });
            writer.allowCoreThreadTimeOut(true);
        }
        return writer;
    }

    Future<?> appending() {
        return appending;
    }

    void appending(Future<?> f) {
        this.appending = f;
    }

    /** Why the chunk handed to the writer failed, once it has; null while it runs, when it succeeded, or none. */
    public Throwable appendFailure() {
        Future<?> f = appending;
        if (f == null || !f.isDone()) {
            return null;
        }
        try {
            f.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    @Override
    public String toString() {
        return label;
    }
}
