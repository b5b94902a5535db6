package io.fluxion.orchestrator.etl;

import java.time.Instant;

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

    @Override
    public String toString() {
        return label;
    }
}
