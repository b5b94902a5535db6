package io.fluxion.orchestrator.window;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;

/** Live progress of one (store, date) of a run: rows pulled, rate, estimate of time left. Thread-safe. */
public class StoreProgress {
    /** STAGED: committed in its staging file, not yet merged into the analytics file (strategy staged). */
    public enum Status { PENDING, RUNNING, STAGED, SUCCEEDED, FAILED }

    private final String storeId;
    private final String storeName;
    private final LocalDate date;
    private final Long expectedRows;
    private volatile Status status = Status.PENDING;
    private volatile long rows;
    private volatile int attempts;
    private volatile Instant startedAt;
    private volatile Instant endedAt;
    private volatile String error;
    private volatile String note;
    private volatile boolean suspect;
    private volatile Long attemptId;
    private volatile long leftOut;

    public StoreProgress(String storeId, String storeName, LocalDate date, Long expectedRows) {
        this.storeId = storeId;
        this.storeName = storeName;
        this.date = date;
        this.expectedRows = expectedRows;
    }

    public synchronized void started(Instant now) {
        attempts++;
        status = Status.RUNNING;
        rows = 0;
        startedAt = now;
        endedAt = null;
        error = null;
        note = null;
        suspect = false;
    }

    public void rows(long n) {
        rows = n;
    }

    public synchronized void succeeded(long n, Instant now) {
        rows = n;
        status = Status.SUCCEEDED;
        endedAt = now;
    }

    /**
     * The attempt's rows are committed in the store's staging file (strategy staged); they count as loaded only
     * once merged ({@link #succeeded}).
     */
    public synchronized void staged(long n, long rowsLeftOut, Instant now) {
        rows = n;
        leftOut = rowsLeftOut;
        status = Status.STAGED;
        endedAt = now;
    }

    /** The ledger id of the current attempt. */
    public Long attemptId() {
        return attemptId;
    }

    public void attemptId(Long id) {
        attemptId = id;
    }

    /** Source rows the staged attempt left out (NULL ids), carried to the merge's ledger record. */
    public long leftOut() {
        return leftOut;
    }

    /** A remark on a successful attempt: rows the query returned that were left out, an explicit replace by none. */
    public void note(String n) {
        note = n;
    }

    /**
     * The attempt ended without a change: the source returned no row for a day DuckDB holds rows of, and a
     * planned run never replaces rows with none. The (store, date) counts as done (DuckDB holds it).
     */
    public synchronized void keptOldRows(String why, Instant now) {
        rows = 0;
        status = Status.SUCCEEDED;
        suspect = true;
        note = why;
        endedAt = now;
    }

    /** The attempt failed: its rows were rolled back, so none of them count as loaded. */
    public synchronized void failed(String reason, Instant now) {
        rows = 0;
        status = Status.FAILED;
        error = reason;
        endedAt = now;
    }

    /** Rows per second of the current or last attempt. */
    public double rate(Instant now) {
        if (startedAt == null) {
            return 0;
        }
        Instant end = endedAt != null ? endedAt : now;
        double secs = Math.max(0.001, Duration.between(startedAt, end).toMillis() / 1000.0);
        return rows / secs;
    }

    /** Estimated time left from the rate and the rows of the store's last loaded day; null when unknown. */
    public Duration eta(Instant now) {
        if (status == Status.SUCCEEDED || status == Status.STAGED || status == Status.FAILED) {
            return Duration.ZERO;
        }
        if (expectedRows == null || status != Status.RUNNING) {
            return null;
        }
        double rate = rate(now);
        if (rate <= 0) {
            return null;
        }
        long left = Math.max(0, expectedRows - rows);
        return Duration.ofMillis((long) (left / rate * 1000));
    }

    public String storeId() {
        return storeId;
    }

    public String storeName() {
        return storeName;
    }

    public LocalDate date() {
        return date;
    }

    public Long expectedRows() {
        return expectedRows;
    }

    public Status status() {
        return status;
    }

    public long rows() {
        return rows;
    }

    public int attempts() {
        return attempts;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant endedAt() {
        return endedAt;
    }

    public String error() {
        return error;
    }

    public String note() {
        return note;
    }

    /** True when the last attempt kept the old rows because the source returned none (see {@link #keptOldRows}). */
    public boolean suspect() {
        return suspect;
    }
}
