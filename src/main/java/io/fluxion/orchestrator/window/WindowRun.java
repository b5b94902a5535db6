package io.fluxion.orchestrator.window;

import io.fluxion.orchestrator.etl.DuckDbWriter;
import io.fluxion.orchestrator.etl.Staging;
import io.fluxion.orchestrator.etl.SourceProbe;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The in-memory state of one window run while it is active (the ledger holds its durable record). */
public class WindowRun {
    /**
     * PROBING_STORES: the stores' connectivity probe at the start. STAGING and MERGING: strategy staged (the backend
     * serves while staging; it is down only around MERGING).
     */
    public enum Phase { STOPPING_BACKEND, ETL, RELEASING_DUCKDB, STARTING_BACKEND, DONE, STAGING, MERGING, PROBING_STORES }

    private final long id;
    private final String kind;
    private final List<LocalDate> dates;
    private final Instant startedAt;
    private final Instant deadline;
    private volatile List<WorkItem> workItems;
    /** Replaced as a whole (never changed in place), so readers iterate a stable map. */
    private volatile Map<String, StoreProgress> progress;
    private volatile Phase phase = Phase.STOPPING_BACKEND;
    private volatile boolean backendTouched;
    private volatile Instant backendStoppedAt;
    private volatile Instant backendStartedAt;
    private volatile String failure;
    private volatile DuckDbWriter.Lease lease;
    private volatile boolean noMoreRetries;
    private volatile String aborted;
    private volatile boolean backendDown;
    private volatile boolean staged;
    private volatile Staging staging;
    private volatile int round;
    private volatile Instant stageDeadline;
    private volatile Instant stagingSince;
    private volatile Duration stagingTime = Duration.ZERO;
    private volatile Duration downtime = Duration.ZERO;
    private volatile int merges;
    /** Stores the newest probe of this run found unreachable: their loads are not tried until a probe finds them. */
    private final Map<String, SourceProbe.Result> unreachable = new java.util.concurrent.ConcurrentHashMap<>();

    public WindowRun(long id, String kind, List<LocalDate> dates, List<WorkItem> workItems,
                     Map<String, StoreProgress> progress, Instant startedAt, Instant deadline) {
        this.deadline = deadline;
        this.id = id;
        this.kind = kind;
        this.dates = List.copyOf(dates);
        this.workItems = List.copyOf(workItems);
        this.progress = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(progress));
        this.startedAt = startedAt;
    }

    public long getId() {
        return id;
    }

    public String getKind() {
        return kind;
    }

    public List<LocalDate> getDates() {
        return dates;
    }

    /** The (store, date) items the split iterates over. */
    public List<WorkItem> getWorkItems() {
        return workItems;
    }

    /**
     * Takes these (store, date) pairs out of the run before its ETL starts (DuckDB was found to hold them);
     * returns those that were in it.
     */
    public synchronized List<WorkItem> drop(java.util.Set<String> keys) {
        List<WorkItem> dropped = workItems.stream().filter(w -> keys.contains(w.key())).toList();
        if (!dropped.isEmpty()) {
            workItems = workItems.stream().filter(w -> !keys.contains(w.key())).toList();
            Map<String, StoreProgress> p = new LinkedHashMap<>(progress);
            p.keySet().removeAll(keys);
            progress = java.util.Collections.unmodifiableMap(p);
        }
        return dropped;
    }

    public StoreProgress progress(WorkItem item) {
        return progress.get(item.key());
    }

    public Collection<StoreProgress> progress() {
        return progress.values();
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** No store attempt starts after this instant (window end minus the backend's start time, or the ETL maximum). */
    public Instant deadline() {
        return deadline;
    }

    /** The work item of a progress entry. */
    public WorkItem item(StoreProgress p) {
        return new WorkItem(p.storeId(), p.date());
    }

    public Phase phase() {
        return phase;
    }

    public void phase(Phase p) {
        phase = p;
    }

    public boolean backendTouched() {
        return backendTouched;
    }

    public void backendTouched(boolean b) {
        backendTouched = b;
    }

    public Instant backendStoppedAt() {
        return backendStoppedAt;
    }

    public void backendStoppedAt(Instant i) {
        backendStoppedAt = i;
    }

    public Instant backendStartedAt() {
        return backendStartedAt;
    }

    public void backendStartedAt(Instant i) {
        backendStartedAt = i;
    }

    /** The first failure of the run as a whole (not of a single store), if any. */
    public String failure() {
        return failure;
    }

    public synchronized void fail(String reason) {
        if (failure == null) {
            failure = reason;
        } else if (!failure.contains(reason)) {
            failure = failure + "; " + reason;
        }
    }

    /**
     * Why the process's stop cut this run short after it touched the backend (null: it was not): the run is then
     * left open in the ledger for the next start to close.
     */
    public String aborted() {
        return aborted;
    }

    public void aborted(String why) {
        aborted = why;
    }

    /** The deadline made further retries pointless: the loop of retries ends. */
    public synchronized void noMoreRetries() {
        noMoreRetries = true;
    }

    public boolean retriesStopped() {
        return noMoreRetries;
    }

    public DuckDbWriter.Lease lease() {
        return lease;
    }

    public void lease(DuckDbWriter.Lease l) {
        lease = l;
    }

    public long rows() {
        return progress.values().stream().mapToLong(StoreProgress::rows).sum();
    }

    public long count(StoreProgress.Status s) {
        return progress.values().stream().filter(p -> p.status() == s).count();
    }

    /** Overall estimate of time left for the ETL, from the rows expected and the overall rate. */
    public Duration eta(Instant now) {
        long expected = 0;
        long done = 0;
        for (StoreProgress p : progress.values()) {
            if (p.status() == StoreProgress.Status.PENDING || p.status() == StoreProgress.Status.RUNNING) {
                if (p.expectedRows() == null) {
                    return null;
                }
                expected += p.expectedRows();
                done += p.rows();
            }
        }
        if (expected == 0) {
            return Duration.ZERO;
        }
        double secs = Math.max(0.001, Duration.between(startedAt, now).toMillis() / 1000.0);
        double rate = rows() / secs;
        return rate <= 0 ? null : Duration.ofMillis((long) (Math.max(0, expected - done) / rate * 1000));
    }

    public List<StoreProgress> failed() {
        List<StoreProgress> out = new ArrayList<>();
        for (StoreProgress p : progress.values()) {
            if (p.status() != StoreProgress.Status.SUCCEEDED) {
                out.add(p);
            }
        }
        return out;
    }

    // ---- strategy staged ---------------------------------------------------------------------------

    /** True when this run stages while the backend serves and stops it only to merge. */
    public boolean isStaged() {
        return staged;
    }

    public void staged(boolean b) {
        staged = b;
    }

    public String strategy() {
        return staged ? "staged" : "stop-first";
    }

    /** This run's staging files (null: strategy stop-first, or staging over). */
    public Staging staging() {
        return staging;
    }

    public void staging(Staging s) {
        staging = s;
    }

    /** True from the backend's stop until it runs again (what /maintenance-status and the KLK guard ask). */
    public boolean backendDown() {
        return backendDown;
    }

    public void backendDown(boolean b) {
        backendDown = b;
    }

    /** The staging round (1, then 2 .. fluxion.window.max-merges for pairs not staged in time). */
    public int round() {
        return round;
    }

    public synchronized void nextRound(Instant stageDeadline) {
        round++;
        this.stageDeadline = stageDeadline;
        noMoreRetries = false;
    }

    /**
     * No chunk runs after this instant: the run deadline, or in a staged run the current round's stage deadline
     * (the merge must still fit before the window ends).
     */
    public Instant pullDeadline() {
        return staged && stageDeadline != null ? stageDeadline : deadline;
    }

    /** Staging (re)starts now: the backend serves. */
    public synchronized void stagingStarted(Instant now) {
        if (stagingSince == null) {
            stagingSince = now;
        }
    }

    /** Staging pauses or ends now (a merge starts, the run ends): its time is added up. */
    public synchronized void stagingStopped(Instant now) {
        if (stagingSince != null) {
            stagingTime = stagingTime.plus(Duration.between(stagingSince, now));
            stagingSince = null;
        }
    }

    /** Time spent staging while the backend served (zero for stop-first). */
    public Duration stagingTime() {
        return stagingTime;
    }

    /** Adds one stop's downtime (stop to running again). */
    public synchronized void addDowntime(Duration d) {
        downtime = downtime.plus(d);
    }

    /** The backend's downtime so far, every stop of this run together. */
    public Duration downtime() {
        return downtime;
    }

    public int merges() {
        return merges;
    }

    public synchronized void merged() {
        merges++;
    }

    /** A probe round of this run: unreachable stores are not loaded until a later round finds them. */
    public void probed(SourceProbe.Round round) {
        for (SourceProbe.Result r : round.results().values()) {
            if (r.reachable()) {
                unreachable.remove(r.storeId());
            } else {
                unreachable.put(r.storeId(), r);
            }
        }
    }

    /** The store's failed probe, when the newest probe of this run could not reach it. */
    public java.util.Optional<SourceProbe.Result> unreachable(String storeId) {
        return java.util.Optional.ofNullable(unreachable.get(storeId));
    }
}
