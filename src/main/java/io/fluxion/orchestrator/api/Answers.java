package io.fluxion.orchestrator.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The API's answers as records; the REST binding writes them as JSON with snake_case names (and the OpenAPI
 * document describes them). Times are ISO-8601 strings with the window zone's offset, dates are YYYY-MM-DD.
 */
public final class Answers {
    private Answers() {
    }

    /** Every refusal: {@code {"error", "field"}} and, for some, more fields (run_id, skipped_run_id, error_id, ...). */
    @JsonNaming(SnakeCaseStrategy.class)
    public record ApiError(String error, String field, @JsonAnyGetter Map<String, Object> more) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record Switched(boolean enabled, String message) {
    }

    /** 202: the guard opened the run; it goes on in the background. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record WindowStarted(long runId, String status, String kind, List<LocalDate> businessDates, int storesTotal,
                                String message) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record SchedulerStatus(boolean enabled, boolean isRunning, String nextExecution, String lastExecution,
                                  int pendingRetries, CurrentRun currentRun, DailySummary dailySummary,
                                  Map<String, Object> config, Map<String, Object> klkRoutes, BackendView backend,
                                  Connectivity connectivity, Map<String, Object> cluster) {
    }

    /**
     * The backend's real state ({@code BackendControl.state()}): in ecs mode DescribeServices' counts and the primary
     * deployment's rollout (cached a few seconds); {@code state} "unknown" with the reason in {@code detail} when ECS
     * does not answer. {@code stopped_by_run}: the active run that has the backend stopped, if any.
     */
    @JsonNaming(SnakeCaseStrategy.class)
    public record BackendView(String mode, String state, String service, String cluster, Integer desiredCount,
                              Integer runningCount, Integer pendingCount, String rolloutState, String rolloutReason,
                              String detail, String checkedAt, Long stoppedByRun) {
    }

    /** The newest probe of each enabled store's source (the window's at its start, health's or the status's own). */
    @JsonNaming(SnakeCaseStrategy.class)
    public record Connectivity(int stores, int reachable, int unreachable, int unknown, List<StoreReach> results) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record StoreReach(String storeId, String name, Boolean reachable, String error, Long millis,
                             String checkedAt, String checkedBy) {
    }

    /** One probe of a run (ledger table store_probe). */
    @JsonNaming(SnakeCaseStrategy.class)
    public record ProbeView(String storeId, boolean reachable, long millis, String error, String probedAt) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record Alerts(List<AlertView> alerts) {
    }

    /** An alert of the ledger (table alert_event), and what the webhook did with it. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record AlertView(long id, String kind, String severity, String text, Long runId, String webhookStatus,
                            int webhookAttempts, String webhookError, String createdAt, String sentAt) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record DailySummary(LocalDate fecha, List<LocalDate> fechas, int total, int exitosas, int fallidas, long rows,
                               long downtimeSeconds, long runId, String kind, String status, String reason,
                               String endedAt, String strategy, long stagingSeconds) {
    }

    /** A run in progress, with one row per (store, date). */
    @JsonNaming(SnakeCaseStrategy.class)
    public record CurrentRun(long runId, String kind, String phase, List<LocalDate> businessDates, String startedAt,
                             String deadline, int storesTotal, long storesDone, long exitosas, long fallidas, long rows,
                             long rowsPerSecond, double percent, int pendingRetries, Long etaSeconds, String failure,
                             List<StoreRow> stores, String strategy, boolean backendDown, long staged, int merges,
                             long stagingSeconds, long downtimeSeconds) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record StoreRow(String storeId, String name, LocalDate fecha, String status, long rows, Long expectedRows,
                           double percent, long rowsPerSecond, Long etaSeconds, int attempts, String error, String note) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record VentasStatus(boolean isRunning, CurrentRun currentRun, RunView lastRun, int pendingRetries) {
    }

    /** A run of the ledger. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record RunView(long runId, String kind, String requestedBy, String status, String reason,
                          List<LocalDate> businessDates, List<String> storeIds, String startedAt, String endedAt,
                          Long durationSeconds, String backendMode, String backendState, Long downtimeSeconds,
                          Integer total, Integer exitosas, Integer fallidas, Long rows, String strategy,
                          Long stagingSeconds, Integer merges) {
        public RunView(long runId, String kind, String requestedBy, String status, String reason,
                       List<LocalDate> businessDates, List<String> storeIds, String startedAt, String endedAt,
                       Long durationSeconds, String backendMode, String backendState, Long downtimeSeconds,
                       Integer total, Integer exitosas, Integer fallidas, Long rows) {
            this(runId, kind, requestedBy, status, reason, businessDates, storeIds, startedAt, endedAt, durationSeconds,
                    backendMode, backendState, downtimeSeconds, total, exitosas, fallidas, rows, null, null, null);
        }
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record Runs(List<RunView> runs) {
    }

    /** A run with its steps, its store attempts and, while it runs, its progress. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record RunDetail(@JsonUnwrapped RunView run, List<StepView> steps, List<AttemptView> attempts,
                            List<ProbeView> probes, CurrentRun progress) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record StepView(String step, String status, String detail, String startedAt, String endedAt) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record AttemptView(String storeId, LocalDate fecha, int attempt, String status, Long rows, BigDecimal total,
                              String error, Long rowsLeftOut, String note, String startedAt, String endedAt) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record Logs(Long runId, String status, List<LogLine> logs) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record LogLine(String timestamp, String level, String message) {
    }

    /**
     * One store and its controls: {@code enabled} (the operators' flag over the configuration's
     * {@code configured_enabled}), {@code priority} (higher first), the attempts and retry interval that apply to it
     * ({@code own_*}: set for this store rather than the global ones), who changed them last and when.
     */
    @JsonNaming(SnakeCaseStrategy.class)
    public record StoreView(String ubicacionId, String nombre, String system, boolean enabled, boolean configuredEnabled,
                            int priority, int maxAttempts, long retryIntervalMinutes, boolean ownMaxAttempts,
                            boolean ownRetryInterval, String changedBy, String changedAt) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record Stores(List<StoreView> stores, int enabledStores, String warning) {
    }

    /** A store's controls after a change; {@code warning} when no store is enabled any more. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record StoreChanged(StoreView store, int enabledStores, String warning, String message) {
    }

    /** GET /api/inventory: route inventory-all's status block, its newest runs, and each store's snapshot. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record Inventory(Map<String, Object> route, List<Map<String, Object>> runs, List<InventoryStore> stores) {
    }

    /**
     * One store's inventory in DuckDB: the snapshot it holds ({@code snapshot_at}: its fecha_extraccion, {@code rows},
     * {@code route} that loaded it) and the last attempt to replace it ({@code last_status} SUCCEEDED | FAILED, its
     * error, when, and its run id in klk_run); nulls when no inventory was ever loaded.
     */
    @JsonNaming(SnakeCaseStrategy.class)
    public record InventoryStore(String ubicacionId, String nombre, String system, boolean enabled, String snapshotAt,
                                 Long rows, String route, String lastStatus, String lastError, String lastAt,
                                 Long lastRunId) {
    }
}
