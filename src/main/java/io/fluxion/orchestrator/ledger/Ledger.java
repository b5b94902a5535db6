package io.fluxion.orchestrator.ledger;

import static io.fluxion.orchestrator.ledger.LedgerJdbc.bind;
import static io.fluxion.orchestrator.ledger.LedgerJdbc.exec;
import static io.fluxion.orchestrator.ledger.LedgerJdbc.instant;
import static io.fluxion.orchestrator.ledger.LedgerJdbc.message;
import static io.fluxion.orchestrator.ledger.LedgerJdbc.ts;

import io.fluxion.orchestrator.config.SqlFiles;
import io.fluxion.orchestrator.config.Texts;
import io.fluxion.orchestrator.lifecycle.ProcessOwner;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run ledger: runs, steps, store attempts, coverage per (store, date), completed business
 * dates and settings. Every write is its own short transaction, so the ledger is consistent
 * whenever the process dies. Plain JDBC on portable SQL, the same on the embedded H2 file (default) and on
 * PostgreSQL ({@link LedgerDataSource}); the schema is Flyway's versioned migrations ({@link #migrate()}).
 * Every free text is clipped to its column ({@link Texts#LEDGER_TEXT}); business dates are written as
 * ranges ({@link Texts#dateRanges}) in a column without a limit, so no input can make a write fail.
 */
public class Ledger {
    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);

    /**
     * How long a setting read from the ledger is reused. {@code GET /maintenance-status} reads the window
     * start several times per request: without this every request paid 3-4 ledger round trips (each an
     * H2 store commit on the pooled connection's rollback) and the endpoint served ~200 requests/s.
     * Writes through {@link #setting(String, String, Instant)} update the cache at once, so this process
     * always sees its own changes. Two instances sharing a PostgreSQL ledger (SPEC 2.8): a setting one of them
     * saves is read by the other within this time (each read after it expires goes to the ledger); a value that
     * must act at once on the other instance (the window start, which moves a Quartz trigger) needs that instance
     * to re-read it, see docs/ARCHITECTURE.md.
     */
    static final long SETTING_TTL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    /** Length of window_run.requested_by. */
    static final int REQUESTED_BY = 200;

    private final DataSource ds;
    private final LedgerJdbc jdbc;
    private final java.util.concurrent.ConcurrentHashMap<String, CachedSetting> settings =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Object settingsLock = new Object();

    private record CachedSetting(Optional<String> value, long readAt) {
    }

    private volatile ProcessOwner owner;

    public Ledger(DataSource ds) {
        this.ds = ds;
        this.jdbc = new LedgerJdbc(ds);
    }

    /** The process whose runs this ledger records from now on (window_run.owner, klk_run.owner). */
    public void owner(ProcessOwner owner) {
        this.owner = owner;
    }

    private String ownerId() {
        ProcessOwner o = owner;
        return o == null ? null : o.id();
    }

    private String ownerDir() {
        ProcessOwner o = owner;
        return o == null ? null : o.dataDir();
    }

    /** Where the ledger's versioned migrations are ({@code V<n>__what.sql}, plain SQL for H2 and PostgreSQL). */
    public static final String MIGRATIONS = "classpath:db/ledger";
    /** The table in which Flyway records the migrations applied to this ledger. */
    public static final String HISTORY_TABLE = "ledger_schema_history";

    /**
     * Creates the tables of a new ledger, or brings an existing one to this version (Flyway's versioned migrations
     * in {@link #MIGRATIONS}). A ledger created before the migrations (no history table) is baselined at version 0,
     * then migration 1 (the idempotent script of those versions) upgrades it in place. Migrations newer than this
     * version (a newer instance migrated a shared ledger) are left alone. On PostgreSQL, two processes that start
     * together migrate one after the other ({@link MigrationLock}, taken before Flyway looks at the schema: Flyway's
     * own lock comes too late for two instances on a new ledger). Returns the migrations applied now.
     */
    public int migrate() {
        try (MigrationLock lock = MigrationLock.take(ds, MigrationLock.WAIT)) {
            Flyway flyway = Flyway.configure(Ledger.class.getClassLoader())
                    .dataSource(ds)
                    .locations(MIGRATIONS)
                    .table(HISTORY_TABLE)
                    .baselineOnMigrate(true)
                    .baselineVersion("0")
                    .baselineDescription("ledger created before versioned migrations")
                    .load();
            if (isH2()) {
                // H2 cannot roll DDL back: a migration that failed half-way (disk full, killed) stays recorded as
                // failed and Flyway would refuse every later start; its statements are written to run again
                // (IF [NOT] EXISTS, see V1), so the failed record goes and the migration runs again
                List<String> failed = java.util.Arrays.stream(flyway.info().all())
                        .filter(i -> i.getState() == MigrationState.FAILED)
                        .map(i -> i.getVersion() + " (" + i.getDescription() + ")").toList();
                if (!failed.isEmpty()) {
                    LOG.warn("Ledger: migration {} failed half-way at an earlier start; it runs again", failed);
                    flyway.repair();
                }
            }
            MigrateResult r = flyway.migrate();
            return r.migrationsExecuted;
        } catch (FlywayException | SQLException e) {
            throw new LedgerException("cannot create or upgrade the ledger tables: " + message(e), e);
        }
    }

    private boolean isH2() {
        try (Connection c = ds.getConnection()) {
            return "H2".equals(c.getMetaData().getDatabaseProductName());
        } catch (SQLException e) {
            throw new LedgerException("cannot open the ledger: " + message(e), e);
        }
    }

    /** Checks that the ledger answers (readiness). */
    public void ping() {
        query("SELECT COUNT(*) FROM setting", rs -> rs.getLong(1));
    }

    // ---- runs -------------------------------------------------------------------------------

    public long startRun(String kind, String requestedBy, List<LocalDate> dates, List<String> storeIds,
                         String backendMode, Instant now) {
        return insert("INSERT INTO window_run (kind, requested_by, business_dates, store_ids, status, backend_mode,"
                        + " backend_state, started_at, owner, owner_data_dir) VALUES (?, ?, ?, ?, 'RUNNING', ?, 'UNTOUCHED', ?,"
                        + " ?, ?)",
                kind, Texts.clip(requestedBy, REQUESTED_BY), Texts.dateRanges(dates), String.join(",", storeIds),
                backendMode, ts(now), ownerId(), ownerDir());
    }

    /** Records a run that did not start (guard), with its reason. */
    public long skippedRun(String kind, String requestedBy, List<LocalDate> dates, String reason, Instant now) {
        return insert("INSERT INTO window_run (kind, requested_by, business_dates, status, reason, backend_state,"
                        + " started_at, ended_at, owner, owner_data_dir) VALUES (?, ?, ?, 'SKIPPED', ?, 'UNTOUCHED', ?, ?, ?, ?)",
                kind, Texts.clip(requestedBy, REQUESTED_BY), Texts.dateRanges(dates), clip(reason), ts(now), ts(now),
                ownerId(), ownerDir());
    }

    public void backendState(long runId, String state, Instant now) {
        String column = switch (state) {
            case "STOPPED" -> ", backend_stopped_at = ?";
            case "STARTED" -> ", backend_started_at = ?";
            default -> null;
        };
        if (column == null) {
            update("UPDATE window_run SET backend_state = ? WHERE id = ?", state, runId);
        } else {
            update("UPDATE window_run SET backend_state = ?" + column + " WHERE id = ?", state, ts(now), runId);
        }
    }

    public void finishRun(long runId, String status, String reason, int total, int succeeded, int failed, long rows,
                          Instant now) {
        update("UPDATE window_run SET status = ?, reason = ?, stores_total = ?, stores_succeeded = ?,"
                        + " stores_failed = ?, rows_loaded = ?, ended_at = ? WHERE id = ?",
                status, clip(reason), total, succeeded, failed, rows, ts(now), runId);
    }

    /**
     * A run cut short by the process's stop (SIGTERM) after it touched the backend: counts and reason are recorded,
     * the status stays RUNNING so that the next start closes it and checks the backend.
     */
    public void runAborted(long runId, String reason, int total, int succeeded, int failed, long rows) {
        update("UPDATE window_run SET reason = ?, stores_total = ?, stores_succeeded = ?, stores_failed = ?,"
                + " rows_loaded = ? WHERE id = ?", clip(reason), total, succeeded, failed, rows, runId);
    }

    public Optional<RunRecord> run(long id) {
        List<RunRecord> l = runs("WHERE id = ?", 1, id);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** The newest runs first. */
    public List<RunRecord> recentRuns(int limit) {
        return runs("", limit);
    }

    /** Runs whose process died while they were open (status RUNNING), oldest first. */
    public List<RunRecord> openRuns() {
        List<RunRecord> l = new ArrayList<>(runs("WHERE status = 'RUNNING'", 1000));
        java.util.Collections.reverse(l);
        return l;
    }

    /**
     * Open runs whose process is gone, oldest first: opened by another process on the same data dir (this process
     * holds the data dir's lock, so that one has ended) or recorded before owners were. Never a run of
     * {@code me}, never one of a process on another data dir.
     */
    public List<RunRecord> orphanedRuns(ProcessOwner me) {
        List<RunRecord> l = new ArrayList<>(runs("WHERE status = 'RUNNING' AND (owner IS NULL OR (owner <> ?"
                + " AND owner_data_dir = ?))", 1000, me.id(), me.dataDir()));
        java.util.Collections.reverse(l);
        return l;
    }

    /** Open runs of processes on another data dir sharing this ledger (maybe alive): "#id by owner (data dir)". */
    public List<String> foreignOpenRuns(ProcessOwner me) {
        return queryList("SELECT id, owner, owner_data_dir FROM window_run WHERE status = 'RUNNING' AND owner IS NOT NULL"
                + " AND owner <> ? AND owner_data_dir <> ? ORDER BY id", rs -> "#" + rs.getLong(1) + " by " + rs.getString(2)
                + " (" + rs.getString(3) + ")", me.id(), me.dataDir());
    }

    /**
     * Cluster mode (SPEC 2.8): open runs of every other process, oldest first. Only the leader opens runs, and the
     * caller holds the leadership now (its epoch is the ledger's), so a run another process left open belongs to a
     * former leader: dead, or fenced off since it lost the lock. Never a run of {@code me}.
     */
    public List<RunRecord> orphanedRunsOfOthers(ProcessOwner me) {
        List<RunRecord> l = new ArrayList<>(runs("WHERE status = 'RUNNING' AND (owner IS NULL OR owner <> ?)", 1000,
                me.id()));
        java.util.Collections.reverse(l);
        return l;
    }

    // ---- cluster leader -----------------------------------------------------------------------

    /**
     * This process gained the leadership of {@code namespace}: the row names {@code node} with the next epoch (the
     * first leader gets 1). Returns that epoch. Safe when two processes call it at once (the row is written in one
     * transaction; the later one wins and the earlier one's epoch is no longer the row's).
     */
    public long claimLeadership(String namespace, String node, Instant now) {
        long[] epoch = new long[1];
        inTransaction(c -> {
            exec(c, "INSERT INTO cluster_leader (namespace, node, owner, epoch, since) VALUES (?, ?, ?, 0, ?)"
                    + " ON CONFLICT DO NOTHING", namespace, node, ownerId(), ts(now));
            exec(c, "UPDATE cluster_leader SET node = ?, owner = ?, epoch = epoch + 1, since = ? WHERE namespace = ?",
                    node, ownerId(), ts(now), namespace);
            try (PreparedStatement ps = c.prepareStatement("SELECT epoch FROM cluster_leader WHERE namespace = ?")) {
                bind(ps, namespace);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    epoch[0] = rs.getLong(1);
                }
            }
        });
        return epoch[0];
    }

    /** The leader of {@code namespace} as the ledger knows it (the last one that gained it), if any. */
    public Optional<LeaderRecord> leader(String namespace) {
        List<LeaderRecord> l = queryList("SELECT namespace, node, owner, epoch, since FROM cluster_leader WHERE namespace = ?",
                rs -> new LeaderRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), instant(rs, 5)),
                namespace);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** Runs started at or after the given instant, newest first. */
    public List<RunRecord> runsSince(Instant from) {
        return runs("WHERE started_at >= ?", 1000, ts(from));
    }

    private List<RunRecord> runs(String where, int limit, Object... args) {
        return queryList("SELECT id, kind, requested_by, business_dates, store_ids, status, reason, backend_mode,"
                + " backend_state, started_at, ended_at, backend_stopped_at, backend_started_at, stores_total,"
                + " stores_succeeded, stores_failed, rows_loaded, strategy, staging_ms, downtime_ms, merges FROM window_run "
                + where
                + " ORDER BY id DESC FETCH FIRST " + limit + " ROWS ONLY", rs -> new RunRecord(
                rs.getLong(1), rs.getString(2), rs.getString(3), dates(rs.getString(4)), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), instant(rs, 10),
                instant(rs, 11), instant(rs, 12), instant(rs, 13), (Integer) rs.getObject(14),
                (Integer) rs.getObject(15), (Integer) rs.getObject(16), (Long) rs.getObject(17), rs.getString(18),
                longOrNull(rs, 19), longOrNull(rs, 20), (Integer) rs.getObject(21)), args);
    }

    private static Long longOrNull(ResultSet rs, int i) throws SQLException {
        long v = rs.getLong(i);
        return rs.wasNull() ? null : v;
    }

    /** The strategy a run follows (staged | stop-first), recorded when it opens. */
    public void runStrategy(long runId, String strategy) {
        update("UPDATE window_run SET strategy = ? WHERE id = ?", strategy, runId);
    }

    /** A run's staging time, backend downtime (both in ms, null: none) and number of merge stops. */
    public void runTimes(long runId, Long stagingMs, Long downtimeMs, int merges) {
        update("UPDATE window_run SET staging_ms = ?, downtime_ms = ?, merges = ? WHERE id = ?", stagingMs, downtimeMs,
                merges, runId);
    }

    // ---- steps ------------------------------------------------------------------------------

    public long stepStarted(long runId, String step, Instant now) {
        return insert("INSERT INTO run_step (run_id, step, status, started_at) VALUES (?, ?, 'RUNNING', ?)",
                runId, step, ts(now));
    }

    public void stepEnded(long stepId, String status, String detail, Instant now) {
        update("UPDATE run_step SET status = ?, detail = ?, ended_at = ? WHERE id = ?", status, clip(detail), ts(now),
                stepId);
    }

    public List<StepRecord> steps(long runId) {
        return queryList("SELECT step, status, detail, started_at, ended_at FROM run_step WHERE run_id = ? ORDER BY id",
                rs -> new StepRecord(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4), instant(rs, 5)),
                runId);
    }

    // ---- store attempts and coverage ----------------------------------------------------------

    public long attemptStarted(long runId, String storeId, LocalDate date, int attempt, Instant now) {
        return insert("INSERT INTO store_attempt (run_id, store_id, business_date, attempt, status, started_at)"
                + " VALUES (?, ?, ?, ?, 'RUNNING', ?)", runId, storeId, Date.valueOf(date), attempt, ts(now));
    }

    /** A committed load: the attempt succeeded and DuckDB now holds exactly these rows for (store, date). */
    public void attemptSucceeded(long attemptId, long runId, String storeId, LocalDate date, long rows,
                                 BigDecimal total, Instant now) {
        attemptSucceeded(attemptId, runId, storeId, date, rows, total, 0, null, now);
    }

    /**
     * A committed load, with the source rows it left out (counted, {@code note} says why) or another remark
     * (an explicit order that replaced a day's rows with none).
     */
    public void attemptSucceeded(long attemptId, long runId, String storeId, LocalDate date, long rows,
                                 BigDecimal total, long rowsLeftOut, String note, Instant now) {
        inTransaction(c -> {
            exec(c, "UPDATE store_attempt SET status = 'SUCCEEDED', rows_loaded = ?, total_amount = ?, rows_left_out = ?,"
                    + " note = ?, ended_at = ? WHERE id = ?", rows, total, rowsLeftOut, clip(note), ts(now), attemptId);
            exec(c, "DELETE FROM store_day WHERE store_id = ? AND business_date = ?", storeId, Date.valueOf(date));
            exec(c, "INSERT INTO store_day (store_id, business_date, status, rows_loaded, total_amount, run_id, origin,"
                    + " note, updated_at) VALUES (?, ?, 'LOADED', ?, ?, ?, 'run', ?, ?)", storeId, Date.valueOf(date),
                    rows, total, runId, clip(note), ts(now));
        });
    }

    /**
     * A suspect load that was not committed: a planned run's source returned no row for a (store, date) DuckDB
     * holds rows of, so the old rows stay (rolled back). The attempt ends SUCCEEDED with 0 rows loaded and the
     * note; the coverage says what DuckDB holds, with the note.
     */
    public void attemptKeptOldRows(long attemptId, long runId, String storeId, LocalDate date, long heldRows,
                                   BigDecimal heldTotal, String note, Instant now) {
        inTransaction(c -> {
            exec(c, "UPDATE store_attempt SET status = 'SUCCEEDED', rows_loaded = 0, rows_left_out = 0, note = ?,"
                    + " ended_at = ? WHERE id = ?", clip(note), ts(now), attemptId);
            exec(c, "DELETE FROM store_day WHERE store_id = ? AND business_date = ?", storeId, Date.valueOf(date));
            exec(c, "INSERT INTO store_day (store_id, business_date, status, rows_loaded, total_amount, run_id, origin,"
                    + " note, updated_at) VALUES (?, ?, 'LOADED', ?, ?, ?, 'run', ?, ?)", storeId, Date.valueOf(date),
                    heldRows, heldTotal, runId, clip(note), ts(now));
        });
    }

    /**
     * A staged attempt (strategy staged): its rows are committed in the store's staging file, not yet in the analytics
     * file; store_day is unchanged until the merge ({@link #attemptMerged}).
     */
    public void attemptStaged(long attemptId, long rows, BigDecimal total, long rowsLeftOut, String note, Instant now) {
        update("UPDATE store_attempt SET status = 'STAGED', rows_loaded = ?, total_amount = ?, rows_left_out = ?,"
                + " note = ?, staged_at = ? WHERE id = ?", rows, total, rowsLeftOut, clip(note), ts(now), attemptId);
    }

    /** A staged attempt merged into the analytics file: SUCCEEDED, store_day LOADED with these rows. */
    public void attemptMerged(long attemptId, long runId, String storeId, LocalDate date, long rows, BigDecimal total,
                              long rowsLeftOut, String note, Instant now) {
        attemptSucceeded(attemptId, runId, storeId, date, rows, total, rowsLeftOut, note, now);
        update("UPDATE store_attempt SET merged_at = ? WHERE id = ?", ts(now), attemptId);
    }

    /** Attempts left STAGED (never merged: the run died or its merge failed): FAILED with the reason. */
    public int abandonStaged(long runId, String reason, Instant now) {
        return update("UPDATE store_attempt SET status = 'FAILED', error = ?, ended_at = ? WHERE run_id = ?"
                + " AND status = 'STAGED'", clip(reason), ts(now), runId);
    }

    /** A failed attempt; a (store, date) already LOADED by an earlier run keeps its rows (the load rolled back). */
    public void attemptFailed(long attemptId, long runId, String storeId, LocalDate date, long rowsRolledBack,
                              String error, Instant now) {
        inTransaction(c -> {
            exec(c, "UPDATE store_attempt SET status = 'FAILED', rows_loaded = ?, error = ?, ended_at = ? WHERE id = ?",
                    rowsRolledBack, clip(error), ts(now), attemptId);
            Boolean loaded = null;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT status FROM store_day WHERE store_id = ? AND business_date = ?")) {
                ps.setString(1, storeId);
                ps.setDate(2, Date.valueOf(date));
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        loaded = "LOADED".equals(rs.getString(1));
                    }
                }
            }
            if (loaded == null) {
                exec(c, "INSERT INTO store_day (store_id, business_date, status, run_id, error, updated_at)"
                        + " VALUES (?, ?, 'FAILED', ?, ?, ?)", storeId, Date.valueOf(date), runId, clip(error), ts(now));
            } else if (!loaded) {
                exec(c, "UPDATE store_day SET run_id = ?, error = ?, updated_at = ? WHERE store_id = ? AND business_date = ?",
                        runId, clip(error), ts(now), storeId, Date.valueOf(date));
            }
        });
    }

    /** A store's connectivity probe of a window run (at its start, or before a retry round). */
    public void storeProbe(long runId, String storeId, boolean reachable, long millis, String error, Instant at) {
        update("INSERT INTO store_probe (run_id, store_id, reachable, millis, error, probed_at) VALUES (?, ?, ?, ?, ?, ?)",
                runId, storeId, reachable, millis, Texts.clip(error, 1000), ts(at));
    }

    /** A run's probes, oldest first (at most stores x attempts rows). */
    public List<ProbeRecord> storeProbes(long runId) {
        return queryList("SELECT run_id, store_id, reachable, millis, error, probed_at FROM store_probe WHERE run_id = ?"
                        + " ORDER BY id",
                rs -> new ProbeRecord(rs.getLong(1), rs.getString(2), rs.getBoolean(3), rs.getLong(4), rs.getString(5),
                        instant(rs, 6)),
                runId);
    }

    public List<AttemptRecord> attempts(long runId) {
        return queryList("SELECT store_id, business_date, attempt, status, rows_loaded, total_amount, error,"
                        + " started_at, ended_at, rows_left_out, note, staged_at, merged_at FROM store_attempt WHERE run_id = ?"
                        + " ORDER BY id",
                rs -> new AttemptRecord(rs.getString(1), rs.getDate(2).toLocalDate(), rs.getInt(3), rs.getString(4),
                        (Long) rs.getObject(5), rs.getBigDecimal(6), rs.getString(7), instant(rs, 8), instant(rs, 9),
                        (Long) rs.getObject(10), rs.getString(11), instant(rs, 12), instant(rs, 13)),
                runId);
    }

    /** Succeeded store attempts started at or after {@code since}, the newest {@code limit} (load times per store). */
    public List<AttemptRecord> succeededAttemptsSince(Instant since, int limit) {
        return queryList("SELECT store_id, business_date, attempt, status, rows_loaded, total_amount, error,"
                        + " started_at, ended_at, rows_left_out, note FROM store_attempt WHERE status = 'SUCCEEDED'"
                        + " AND started_at >= ? AND ended_at IS NOT NULL ORDER BY id DESC FETCH FIRST "
                        + Math.max(1, limit) + " ROWS ONLY",
                rs -> new AttemptRecord(rs.getString(1), rs.getDate(2).toLocalDate(), rs.getInt(3), rs.getString(4),
                        (Long) rs.getObject(5), rs.getBigDecimal(6), rs.getString(7), instant(rs, 8), instant(rs, 9),
                        (Long) rs.getObject(10), rs.getString(11)),
                ts(since));
    }

    /** Attempts still RUNNING (their process died): marks them failed with the given reason. */
    public int abandonAttempts(long runId, String reason, Instant now) {
        return update("UPDATE store_attempt SET status = 'FAILED', error = ?, ended_at = ? WHERE run_id = ?"
                + " AND status = 'RUNNING'", clip(reason), ts(now), runId);
    }

    /** The coverage of business dates {@code from}..{@code to} only (the gaps-over-time chart), by store and date. */
    public List<StoreDayRecord> storeDays(LocalDate from, LocalDate to) {
        return queryList("SELECT store_id, business_date, status, rows_loaded, total_amount, run_id, error, updated_at,"
                        + " origin, note FROM store_day WHERE business_date >= ? AND business_date <= ?"
                        + " ORDER BY store_id, business_date",
                rs -> new StoreDayRecord(rs.getString(1), rs.getDate(2).toLocalDate(), rs.getString(3),
                        (Long) rs.getObject(4), rs.getBigDecimal(5), (Long) rs.getObject(6), rs.getString(7),
                        instant(rs, 8), rs.getString(9), rs.getString(10)), Date.valueOf(from), Date.valueOf(to));
    }

    public List<StoreDayRecord> storeDays() {
        return queryList("SELECT store_id, business_date, status, rows_loaded, total_amount, run_id, error, updated_at,"
                        + " origin, note FROM store_day ORDER BY store_id, business_date",
                rs -> new StoreDayRecord(rs.getString(1), rs.getDate(2).toLocalDate(), rs.getString(3),
                        (Long) rs.getObject(4), rs.getBigDecimal(5), (Long) rs.getObject(6), rs.getString(7),
                        instant(rs, 8), rs.getString(9), rs.getString(10)));
    }

    /**
     * Records the (store, date) pairs a DuckDB file already holds as LOADED with origin {@code import}, except
     * those the ledger has LOADED already (it knows better: it loaded them). One transaction. Returns the
     * pairs recorded.
     */
    public List<HeldDay> importHeldDays(List<HeldDay> held, Instant now) {
        List<HeldDay> imported = new ArrayList<>();
        inTransaction(c -> {
            java.util.Set<String> loaded = new java.util.HashSet<>();
            java.util.Set<String> other = new java.util.HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT store_id, business_date, status FROM store_day");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String key = rs.getString(1) + "|" + rs.getDate(2).toLocalDate();
                    ("LOADED".equals(rs.getString(3)) ? loaded : other).add(key);
                }
            }
            try (PreparedStatement del = c.prepareStatement(
                    "DELETE FROM store_day WHERE store_id = ? AND business_date = ?");
                 PreparedStatement ins = c.prepareStatement("INSERT INTO store_day (store_id, business_date, status,"
                         + " rows_loaded, total_amount, origin, updated_at) VALUES (?, ?, 'LOADED', ?, ?, 'import', ?)")) {
                for (HeldDay h : held) {
                    String key = h.storeId() + "|" + h.date();
                    if (loaded.contains(key)) {
                        continue;
                    }
                    if (other.contains(key)) {
                        // a FAILED attempt of this ledger: DuckDB kept rows the ledger never knew
                        bind(del, h.storeId(), Date.valueOf(h.date()));
                        del.addBatch();
                    }
                    bind(ins, h.storeId(), Date.valueOf(h.date()), h.rows(), h.total(), ts(now));
                    ins.addBatch();
                    imported.add(h);
                }
                del.executeBatch();
                ins.executeBatch();
            }
        });
        return imported;
    }

    /** Keys ({@code store|date}) of the pairs recorded by {@link #importHeldDays} at or after {@code since}. */
    public java.util.Set<String> importedSince(Instant since) {
        return new java.util.HashSet<>(queryList("SELECT store_id, business_date FROM store_day WHERE origin = 'import'"
                        + " AND status = 'LOADED' AND updated_at >= ?",
                rs -> rs.getString(1) + "|" + rs.getDate(2).toLocalDate(), ts(since)));
    }

    /** Rows of the most recent LOADED date of a store, used to estimate time left; empty when none. */
    public Optional<Long> lastLoadedRows(String storeId) {
        List<Long> l = queryList("SELECT rows_loaded FROM store_day WHERE store_id = ? AND status = 'LOADED'"
                + " ORDER BY business_date DESC FETCH FIRST 1 ROWS ONLY", rs -> rs.getLong(1), storeId);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    // ---- business dates -------------------------------------------------------------------------

    public void businessDay(LocalDate date, boolean completed, long runId, int total, int succeeded, Instant now) {
        inTransaction(c -> {
            exec(c, "DELETE FROM business_day WHERE business_date = ?", Date.valueOf(date));
            exec(c, "INSERT INTO business_day (business_date, status, run_id, stores_total, stores_succeeded, updated_at)"
                            + " VALUES (?, ?, ?, ?, ?, ?)", Date.valueOf(date), completed ? "COMPLETED" : "INCOMPLETE",
                    runId, total, succeeded, ts(now));
        });
    }

    public boolean isCompleted(LocalDate date) {
        return !queryList("SELECT 1 FROM business_day WHERE business_date = ? AND status = 'COMPLETED'",
                rs -> 1, Date.valueOf(date)).isEmpty();
    }

    public Map<LocalDate, String> businessDays(LocalDate from, LocalDate to) {
        Map<LocalDate, String> out = new LinkedHashMap<>();
        queryList("SELECT business_date, status FROM business_day WHERE business_date BETWEEN ? AND ? ORDER BY business_date",
                rs -> out.put(rs.getDate(1).toLocalDate(), rs.getString(2)), Date.valueOf(from), Date.valueOf(to));
        return out;
    }

    // ---- KLK syncs ------------------------------------------------------------------------------

    /** A KLK run that starts now (status RUNNING). */
    public long klkRunStarted(String route, String mode, String triggerKind, Instant scheduledAt, Instant now) {
        return insert("INSERT INTO klk_run (route, mode, trigger_kind, scheduled_at, status, started_at, owner,"
                + " owner_data_dir) VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?)", route, mode, triggerKind, ts(scheduledAt),
                ts(now), ownerId(), ownerDir());
    }

    /**
     * A KLK run that starts now (status RUNNING) with its detail known from the start: a one-store inventory run says
     * which store and who asked ({@code detail} is rewritten with the outcome at the end, keeping that prefix).
     */
    public long klkRunStarted(String route, String mode, String triggerKind, Instant scheduledAt, String detail,
                              Instant now) {
        return insert("INSERT INTO klk_run (route, mode, trigger_kind, scheduled_at, status, detail, started_at, owner,"
                + " owner_data_dir) VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?)", route, mode, triggerKind,
                ts(scheduledAt), clip(detail), ts(now), ownerId(), ownerDir());
    }

    /** A trigger that did not run: SKIPPED (window, writer busy, already running) or DROPPED (too old). */
    public long klkRunNotStarted(String route, String mode, String triggerKind, Instant scheduledAt, String status,
                                 String reason, Instant now) {
        return klkRunNotStarted(route, mode, triggerKind, scheduledAt, status, reason, null, now);
    }

    /** Like {@link #klkRunNotStarted(String, String, String, Instant, String, String, Instant)}, with a detail (which store, who asked). */
    public long klkRunNotStarted(String route, String mode, String triggerKind, Instant scheduledAt, String status,
                                 String reason, String detail, Instant now) {
        return insert("INSERT INTO klk_run (route, mode, trigger_kind, scheduled_at, status, reason, detail, started_at,"
                + " ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", route, mode, triggerKind, ts(scheduledAt), status,
                clip(reason), clip(detail), ts(now), ts(now));
    }

    public void klkRunFinished(long id, String status, String reason, Integer httpStatus, String response,
                               Integer storesTotal, Integer storesFailed, Long rows, String detail, Instant now) {
        update("UPDATE klk_run SET status = ?, reason = ?, http_status = ?, response = ?, stores_total = ?,"
                        + " stores_failed = ?, rows_loaded = ?, detail = ?, ended_at = ? WHERE id = ?",
                status, clip(reason), httpStatus, clip(response), storesTotal, storesFailed, rows, clip(detail), ts(now), id);
    }

    /**
     * Coverage of a (store, date) replaced outside a window run (a KLK sales sync): LOADED with its rows,
     * so the gaps view covers the KLK stores too. run_id stays null (it names window runs only).
     */
    public void storeDayLoaded(String storeId, LocalDate date, long rows, BigDecimal total, Instant now) {
        storeDayLoaded(storeId, date, rows, total, null, now);
    }

    /** Like {@link #storeDayLoaded(String, LocalDate, long, BigDecimal, Instant)}, with a note (rows left out, suspect). */
    public void storeDayLoaded(String storeId, LocalDate date, long rows, BigDecimal total, String note, Instant now) {
        inTransaction(c -> {
            exec(c, "DELETE FROM store_day WHERE store_id = ? AND business_date = ?", storeId, Date.valueOf(date));
            exec(c, "INSERT INTO store_day (store_id, business_date, status, rows_loaded, total_amount, origin, note,"
                    + " updated_at) VALUES (?, ?, 'LOADED', ?, ?, 'klk', ?, ?)", storeId, Date.valueOf(date), rows, total,
                    clip(note), ts(now));
        });
    }

    /**
     * KLK runs still RUNNING whose process is gone (same rule as {@link #orphanedRuns}; every open one when this
     * ledger has no owner): marked FAILED with the given reason.
     */
    public int abandonKlkRuns(String reason, Instant now) {
        return abandonKlkRuns(reason, now, false);
    }

    /**
     * As {@link #abandonKlkRuns(String, Instant)}; with {@code othersToo} (cluster mode, called by the leader) every
     * open KLK run of another process: only the leader runs KLK syncs.
     */
    public int abandonKlkRuns(String reason, Instant now, boolean othersToo) {
        ProcessOwner me = owner;
        if (me != null && othersToo) {
            return update("UPDATE klk_run SET status = 'FAILED', reason = ?, ended_at = ? WHERE status = 'RUNNING'"
                    + " AND (owner IS NULL OR owner <> ?)", clip(reason), ts(now), me.id());
        }
        if (me == null) {
            return update("UPDATE klk_run SET status = 'FAILED', reason = ?, ended_at = ? WHERE status = 'RUNNING'",
                    clip(reason), ts(now));
        }
        return update("UPDATE klk_run SET status = 'FAILED', reason = ?, ended_at = ? WHERE status = 'RUNNING'"
                + " AND (owner IS NULL OR (owner <> ? AND owner_data_dir = ?))", clip(reason), ts(now), me.id(), me.dataDir());
    }

    /** The newest KLK runs of one route (klk-inventory, klk-sales) first; every route when route is null. */
    public List<KlkRunRecord> recentKlkRuns(String route, int limit) {
        String where = route == null ? "" : " WHERE route = ?";
        Object[] args = route == null ? new Object[0] : new Object[] {route};
        return queryList(KLK_SELECT + where + " ORDER BY id DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY",
                Ledger::klkRun, args);
    }

    /** The newest KLK run of a route with one of the given statuses. */
    public Optional<KlkRunRecord> lastKlkRun(String route, String... statuses) {
        String in = String.join(",", java.util.Collections.nCopies(statuses.length, "?"));
        Object[] args = new Object[statuses.length + 1];
        args[0] = route;
        System.arraycopy(statuses, 0, args, 1, statuses.length);
        List<KlkRunRecord> l = queryList(KLK_SELECT + " WHERE route = ? AND status IN (" + in + ")"
                + " ORDER BY id DESC FETCH FIRST 1 ROWS ONLY", Ledger::klkRun, args);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    private static final String KLK_SELECT = "SELECT id, route, mode, trigger_kind, scheduled_at, status, reason,"
            + " http_status, response, stores_total, stores_failed, rows_loaded, detail, started_at, ended_at FROM klk_run";

    private static KlkRunRecord klkRun(ResultSet rs) throws SQLException {
        return new KlkRunRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), instant(rs, 5),
                rs.getString(6), rs.getString(7), (Integer) rs.getObject(8), rs.getString(9), (Integer) rs.getObject(10),
                (Integer) rs.getObject(11), (Long) rs.getObject(12), rs.getString(13), instant(rs, 14), instant(rs, 15));
    }

    // ---- store controls (V3) ---------------------------------------------------------------------

    /** Every store's saved controls (store_control), by store id. */
    public Map<String, StoreControlRecord> storeControls() {
        Map<String, StoreControlRecord> out = new java.util.LinkedHashMap<>();
        for (StoreControlRecord r : queryList("SELECT store_id, enabled, priority, max_attempts, retry_interval_minutes,"
                + " changed_by, updated_at FROM store_control ORDER BY store_id", rs -> new StoreControlRecord(
                rs.getString(1), (Boolean) rs.getObject(2), (Integer) rs.getObject(3), (Integer) rs.getObject(4),
                (Integer) rs.getObject(5), rs.getString(6), instant(rs, 7)))) {
            out.put(r.storeId(), r);
        }
        return out;
    }

    /**
     * Saves a store's controls (the whole row: null = not set) and records the change and who made it, in one
     * transaction. Safe when two processes save the same store at once (insert when missing, then update).
     */
    public void saveStoreControl(StoreControlRecord c, String change, Instant now) {
        inTransaction(conn -> {
            exec(conn, "INSERT INTO store_control (store_id, updated_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    c.storeId(), ts(now));
            exec(conn, "UPDATE store_control SET enabled = ?, priority = ?, max_attempts = ?, retry_interval_minutes = ?,"
                    + " changed_by = ?, updated_at = ? WHERE store_id = ?", c.enabled(), c.priority(), c.maxAttempts(),
                    c.retryIntervalMinutes(), Texts.clip(c.changedBy(), 400), ts(now), c.storeId());
            exec(conn, "INSERT INTO store_control_change (store_id, change_text, changed_by, changed_at) VALUES (?, ?, ?, ?)",
                    c.storeId(), clip(change), Texts.clip(c.changedBy(), 400), ts(now));
        });
    }

    /**
     * Every store's enable/disable switches (store_control_change rows "enabled" and "disabled"), oldest first, the
     * newest {@code limit} of them: when a store was switched off and on (the gaps-over-time chart's "disabled" days).
     */
    public List<StoreSwitchRecord> storeSwitches(int limit) {
        List<StoreSwitchRecord> out = new ArrayList<>(queryList("SELECT store_id, change_text, changed_at FROM"
                + " store_control_change WHERE change_text IN ('enabled', 'disabled') ORDER BY id DESC FETCH FIRST "
                + Math.max(1, limit) + " ROWS ONLY", rs -> new StoreSwitchRecord(rs.getString(1),
                "enabled".equals(rs.getString(2)), instant(rs, 3))));
        java.util.Collections.reverse(out);
        return out;
    }

    /** The newest changes of one store's controls first: "what" and "by" and "at". */
    public List<String[]> storeControlChanges(String storeId, int limit) {
        return queryList("SELECT change_text, changed_by, changed_at FROM store_control_change WHERE store_id = ?"
                + " ORDER BY id DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY", rs -> new String[] {
                rs.getString(1), rs.getString(2), String.valueOf(instant(rs, 3))}, storeId);
    }

    // ---- inventory snapshots (V3) ----------------------------------------------------------------

    /** A store's snapshot was replaced: it now holds {@code rows} rows extracted at {@code extractedAt}. */
    public void inventoryReplaced(String storeId, String route, long runId, long rows, Instant extractedAt, Instant now) {
        inTransaction(conn -> {
            exec(conn, "INSERT INTO inventory_store (store_id, last_at) VALUES (?, ?) ON CONFLICT DO NOTHING", storeId, ts(now));
            exec(conn, "UPDATE inventory_store SET snapshot_at = ?, snapshot_rows = ?, snapshot_route = ?, snapshot_run = ?,"
                    + " last_route = ?, last_run = ?, last_status = 'SUCCEEDED', last_error = NULL, last_at = ?"
                    + " WHERE store_id = ?", ts(extractedAt), rows, route, runId, route, runId, ts(now), storeId);
        });
    }

    /** A store's snapshot could not be replaced: it keeps the previous one; the error is recorded. */
    public void inventoryFailed(String storeId, String route, long runId, String error, Instant now) {
        inTransaction(conn -> {
            exec(conn, "INSERT INTO inventory_store (store_id, last_at) VALUES (?, ?) ON CONFLICT DO NOTHING", storeId, ts(now));
            exec(conn, "UPDATE inventory_store SET last_route = ?, last_run = ?, last_status = 'FAILED', last_error = ?,"
                    + " last_at = ? WHERE store_id = ?", route, runId, clip(error), ts(now), storeId);
        });
    }

    /** Every store's inventory snapshot and last attempt, by store id. */
    public Map<String, InventoryStoreRecord> inventoryStores() {
        Map<String, InventoryStoreRecord> out = new java.util.LinkedHashMap<>();
        for (InventoryStoreRecord r : queryList("SELECT store_id, snapshot_at, snapshot_rows, snapshot_route, snapshot_run,"
                + " last_route, last_run, last_status, last_error, last_at FROM inventory_store ORDER BY store_id",
                rs -> new InventoryStoreRecord(rs.getString(1), instant(rs, 2), (Long) rs.getObject(3), rs.getString(4),
                        (Long) rs.getObject(5), rs.getString(6), (Long) rs.getObject(7), rs.getString(8), rs.getString(9),
                        instant(rs, 10)))) {
            out.put(r.storeId(), r);
        }
        return out;
    }

    // ---- settings -------------------------------------------------------------------------------

    public Optional<String> setting(String name) {
        CachedSetting c = settings.get(name);
        if (c != null && System.nanoTime() - c.readAt() < SETTING_TTL_NANOS) {
            return c.value();
        }
        // a miss reads under the writers' lock, so a concurrent write can never be overwritten by an older read
        synchronized (settingsLock) {
            long readAt = System.nanoTime();
            List<String> l = queryList("SELECT setting_value FROM setting WHERE name = ?", rs -> rs.getString(1), name);
            Optional<String> v = l.isEmpty() ? Optional.empty() : Optional.ofNullable(l.get(0));
            settings.put(name, new CachedSetting(v, readAt));
            return v;
        }
    }

    /**
     * Saves a setting. Safe when two processes share the ledger and write the same setting at once (the last write
     * wins): the row is inserted when missing (a concurrent insert makes this one do nothing, never fail), then
     * updated.
     */
    public void setting(String name, String value, Instant now) {
        synchronized (settingsLock) {
            settings.remove(name);
            inTransaction(c -> {
                exec(c, "INSERT INTO setting (name, setting_value, updated_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        name, value, ts(now));
                exec(c, "UPDATE setting SET setting_value = ?, updated_at = ? WHERE name = ?", value, ts(now), name);
            });
            settings.put(name, new CachedSetting(Optional.ofNullable(value), System.nanoTime()));
        }
    }

    // ---- JDBC plumbing (LedgerJdbc) -------------------------------------------------------------------

    private <T> T query(String sql, LedgerJdbc.RowMapper<T> mapper, Object... args) {
        return jdbc.one(sql, mapper, args);
    }

    private <T> List<T> queryList(String sql, LedgerJdbc.RowMapper<T> mapper, Object... args) {
        return jdbc.list(sql, mapper, args);
    }

    private int update(String sql, Object... args) {
        return jdbc.update(sql, args);
    }

    private long insert(String sql, Object... args) {
        return jdbc.insert(sql, args);
    }

    private void inTransaction(LedgerJdbc.TxWork work) {
        jdbc.inTransaction(work);
    }

    private static List<LocalDate> dates(String s) {
        return List.copyOf(Texts.parseDates(s));
    }

    private static String clip(String s) {
        return Texts.clip(s, Texts.LEDGER_TEXT);
    }

}
