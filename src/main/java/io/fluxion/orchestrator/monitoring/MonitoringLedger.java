package io.fluxion.orchestrator.monitoring;

import static io.fluxion.orchestrator.ledger.LedgerJdbc.instant;
import static io.fluxion.orchestrator.ledger.LedgerJdbc.ts;

import io.fluxion.orchestrator.ledger.LedgerJdbc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What monitoring reads from and writes to the run ledger: the alerts (table {@code alert_event}) and the
 * few aggregates the metrics need (one query each, so a Prometheus scrape never reads whole tables).
 * Same database and pool as {@link io.fluxion.orchestrator.ledger.Ledger}; each write is its own statement.
 */
public class MonitoringLedger {
    static final int TEXT_MAX = 3900;
    static final int ERROR_MAX = 1000;

    private final LedgerJdbc jdbc;

    public MonitoringLedger(DataSource ds) {
        this.jdbc = new LedgerJdbc(ds);
    }

    // ---- alerts ---------------------------------------------------------------------------------

    public long insertAlert(String kind, String severity, String dedupeKey, String text, Long runId, String webhookStatus,
                            Instant now) {
        return jdbc.insert("INSERT INTO alert_event (kind, severity, dedupe_key, alert_text, run_id, webhook_status,"
                + " webhook_attempts, created_at) VALUES (?, ?, ?, ?, ?, ?, 0, ?)", kind, severity, dedupeKey,
                clip(text, TEXT_MAX), runId, webhookStatus, ts(now));
    }

    public boolean alertExists(String dedupeKey) {
        return !list("SELECT 1 FROM alert_event WHERE dedupe_key = ? FETCH FIRST 1 ROWS ONLY", rs -> 1, dedupeKey).isEmpty();
    }

    /** The webhook accepted the alert after {@code attempts} tries. */
    public void alertSent(long id, int attempts, Instant now) {
        update("UPDATE alert_event SET webhook_status = 'SENT', webhook_attempts = ?, webhook_error = NULL, sent_at = ?"
                + " WHERE id = ?", attempts, ts(now), id);
    }

    /** The webhook did not take the alert ({@code attempts} tries, or none when the queue was full). */
    public void alertFailed(long id, int attempts, String error) {
        update("UPDATE alert_event SET webhook_status = 'FAILED', webhook_attempts = ?, webhook_error = ? WHERE id = ?",
                attempts, clip(error, ERROR_MAX), id);
    }

    private static final String ALERT_SELECT = "SELECT id, kind, severity, dedupe_key, alert_text, run_id, webhook_status,"
            + " webhook_attempts, webhook_error, created_at, sent_at FROM alert_event";

    /** The newest alerts first (at most 1000). */
    public List<AlertRecord> recentAlerts(int limit) {
        return list(ALERT_SELECT + " ORDER BY id DESC FETCH FIRST " + Math.max(1, Math.min(limit, 1000)) + " ROWS ONLY",
                MonitoringLedger::alert);
    }

    public Optional<AlertRecord> alert(long id) {
        List<AlertRecord> l = list(ALERT_SELECT + " WHERE id = ?", MonitoringLedger::alert, id);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    private static AlertRecord alert(ResultSet rs) throws SQLException {
        return new AlertRecord(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                (Long) rs.getObject(6), rs.getString(7), rs.getInt(8), rs.getString(9), instant(rs, 10), instant(rs, 11));
    }

    // ---- aggregates for the metrics ---------------------------------------------------------------

    /** The last business date each store has LOADED (stores that never loaded one are absent). */
    public Map<String, LocalDate> lastLoadedDates() {
        Map<String, LocalDate> out = new LinkedHashMap<>();
        list("SELECT store_id, MAX(business_date) FROM store_day WHERE status = 'LOADED' GROUP BY store_id ORDER BY store_id",
                rs -> out.put(rs.getString(1), rs.getDate(2).toLocalDate()));
        return out;
    }

    /** The newest business date every store completed, if any. */
    public Optional<LocalDate> lastCompletedBusinessDate() {
        List<LocalDate> l = list("SELECT MAX(business_date) FROM business_day WHERE status = 'COMPLETED'",
                rs -> rs.getDate(1) == null ? null : rs.getDate(1).toLocalDate());
        return l.isEmpty() ? Optional.empty() : Optional.ofNullable(l.get(0));
    }

    /** The last window run that ended (not skipped): started, ended, backend stopped and started instants. */
    public Optional<Instant[]> lastFinishedRun() {
        List<Instant[]> l = list("SELECT started_at, ended_at, backend_stopped_at, backend_started_at FROM window_run"
                + " WHERE status IN ('SUCCEEDED', 'FAILED') AND ended_at IS NOT NULL ORDER BY id DESC FETCH FIRST 1 ROWS ONLY",
                rs -> new Instant[] {instant(rs, 1), instant(rs, 2), instant(rs, 3), instant(rs, 4)});
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /** Statuses of the newest KLK runs of a route that ran (SUCCEEDED or FAILED), newest first. */
    public List<String> recentKlkOutcomes(String route, int limit) {
        return list("SELECT status FROM klk_run WHERE route = ? AND status IN ('SUCCEEDED', 'FAILED') ORDER BY id DESC"
                + " FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY", rs -> rs.getString(1), route);
    }

    // ---- plumbing (LedgerJdbc) ------------------------------------------------------------------------

    private <T> List<T> list(String sql, LedgerJdbc.RowMapper<T> mapper, Object... args) {
        return jdbc.list(sql, mapper, args);
    }

    private void update(String sql, Object... args) {
        jdbc.update(sql, args);
    }

    /** At most {@code max} characters: a longer text keeps its first {@code max - 3} and ends with "...". */
    static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

}
