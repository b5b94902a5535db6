package io.fluxion.orchestrator.api;

import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.window.StoreProgress;
import io.fluxion.orchestrator.window.WindowRun;
import io.fluxion.orchestrator.window.WindowService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /maintenance-status} (SPEC 2.4, seed 000): the seed's fields and formats, plus phase,
 * business date and progress. {@code is_maintenance} is true while a window run (any kind) is
 * active, and inside the window hours until that night's run has finished; after an early finish it
 * is false. The estimated end follows the run's real progress.
 */
public class MaintenanceStatus {
    static final String MESSAGE_MAINTENANCE = "Estamos recolectando la data. Sistema disponible después de las ";
    static final String MESSAGE_OPERATIONAL = "Sistema operativo";
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final FluxionConfig config;
    private final Clock clock;
    private final Ledger ledger;
    private final WindowService window;
    private final SchedulerSettings settings;
    /**
     * The window start for which {@link #finishedSince} already answered true. That answer cannot turn
     * false again for the same night (a finished run never goes back to RUNNING, a completed date stays
     * completed), so the rest of the night's requests skip the two ledger queries.
     */
    private volatile Instant finishedFor;

    public MaintenanceStatus(FluxionConfig config, Clock clock, Ledger ledger, WindowService window,
                             SchedulerSettings settings) {
        this.config = config;
        this.clock = clock;
        this.ledger = ledger;
        this.window = window;
        this.settings = settings;
    }

    public Map<String, Object> status() {
        ZoneId zone = config.window().zone();
        Instant now = clock.instant();
        ZonedDateTime z = now.atZone(zone);
        ZonedDateTime start = z.toLocalDate().atTime(settings.windowStart()).atZone(zone);
        ZonedDateTime end = z.toLocalDate().atTime(settings.windowEnd()).atZone(zone);
        boolean inHours = !z.isBefore(start) && z.isBefore(end);

        Optional<WindowRun> run = window.current();
        // two instances (SPEC 2.8): a follower answers from the ledger what the leader runs
        RunRecord leaders = run.isPresent() ? null : leaderRun().orElse(null);
        String phase;
        boolean maintenance;
        ZonedDateTime estimatedEnd = end;
        if (leaders != null) {
            maintenance = true;
            phase = "running";
        } else if (run.isPresent()) {
            maintenance = true;
            phase = "running";
            Duration eta = Views.eta(run.get(), now, window.retryable(run.get()).size());
            if (eta != null) {
                estimatedEnd = z.plus(eta);
            } else if (!inHours) {
                estimatedEnd = run.get().deadline().atZone(zone);
            }
        } else if (inHours) {
            if (!settings.enabled()) {
                maintenance = false;
                phase = "disabled";
            } else if (finishedSince(start.toInstant(), z)) {
                maintenance = false;
                phase = "completed";
            } else {
                maintenance = true;
                phase = "pending";
            }
        } else {
            maintenance = false;
            phase = "operational";
        }

        String endLabel = FluxionConfig.Window.clock12(estimatedEnd.toLocalTime());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("is_maintenance", maintenance);
        m.put("current_time", z.format(HMS));
        m.put("maintenance_window", settings.windowLabel());
        m.put("timezone", zone.getId() + " (" + utcOffset(zone.getRules().getOffset(now)) + ")");
        m.put("estimated_end_time", maintenance ? endLabel : FluxionConfig.Window.clock12(settings.windowEnd()));
        m.put("minutes_remaining", maintenance
                ? Math.max(0, (Duration.between(now, estimatedEnd.toInstant()).toSeconds() + 59) / 60) : 0);
        m.put("message", maintenance ? MESSAGE_MAINTENANCE + endLabel : MESSAGE_OPERATIONAL);
        m.put("phase", phase);
        m.put("business_date", z.toLocalDate().minusDays(1).toString());
        m.put("next_window_start", Views.ISO.format(settings.nextStart()));
        m.put("server_time", Views.ISO.format(z));
        if (run.isPresent()) {
            WindowRun r = run.get();
            Map<String, Object> p = new LinkedHashMap<>();
            int total = r.getWorkItems().size();
            long done = r.count(StoreProgress.Status.SUCCEEDED) + r.count(StoreProgress.Status.FAILED);
            p.put("run_id", r.getId());
            p.put("kind", r.getKind());
            p.put("stores_total", total);
            p.put("stores_done", done);
            p.put("rows", r.rows());
            p.put("percent", total == 0 ? 100.0 : Views.round1(100.0 * done / total));
            m.put("progress", p);
        } else if (leaders != null) {
            m.put("progress", progress(leaders));
        } else {
            m.put("progress", null);
        }
        return m;
    }

    /**
     * The window run the leader has open, as the ledger tells it, when this instance is a follower of a cluster
     * (empty otherwise: one instance knows its run from memory).
     */
    public Optional<RunRecord> leaderRun() {
        if (!window.leadership().enabled() || window.leadership().isLeader()) {
            return Optional.empty();
        }
        return ledger.recentRuns(5).stream().filter(r -> "RUNNING".equals(r.status()) && !r.kind().startsWith("klk"))
                .findFirst();
    }

    /** The progress block of a run another instance runs, from its ledger attempts. */
    private Map<String, Object> progress(RunRecord r) {
        List<AttemptRecord> attempts = ledger.attempts(r.id());
        int stores = r.storeIds() == null || r.storeIds().isBlank() ? 0 : r.storeIds().split(",").length;
        int total = stores * Math.max(1, r.businessDates().size());
        java.util.Set<String> done = new java.util.HashSet<>();
        long rows = 0;
        for (AttemptRecord a : attempts) {
            if ("SUCCEEDED".equals(a.status())) {
                done.add(a.storeId() + "|" + a.businessDate());
                rows += a.rows() == null ? 0 : a.rows();
            } else if ("FAILED".equals(a.status())) {
                done.add(a.storeId() + "|" + a.businessDate());
            }
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("run_id", r.id());
        p.put("kind", r.kind());
        p.put("stores_total", total);
        p.put("stores_done", Math.min(done.size(), total));
        p.put("rows", rows);
        p.put("percent", total == 0 ? 100.0 : Views.round1(100.0 * Math.min(done.size(), total) / total));
        return p;
    }

    /** Tonight's run has finished (or was skipped), or the business date is already completed. */
    private boolean finishedSince(Instant windowStart, ZonedDateTime now) {
        if (windowStart.equals(finishedFor)) {
            return true;
        }
        if (finishedSinceInLedger(windowStart, now)) {
            finishedFor = windowStart;
            return true;
        }
        return false;
    }

    private boolean finishedSinceInLedger(Instant windowStart, ZonedDateTime now) {
        if (ledger.isCompleted(now.toLocalDate().minusDays(1))) {
            return true;
        }
        for (RunRecord r : ledger.recentRuns(20)) {
            if (r.startedAt().isBefore(windowStart)) {
                break;
            }
            if (!"RUNNING".equals(r.status())) {
                return true;
            }
        }
        return false;
    }

    /** "UTC-4", "UTC+5:30", "UTC+0". */
    static String utcOffset(ZoneOffset o) {
        int secs = o.getTotalSeconds();
        int h = Math.abs(secs) / 3600;
        int min = Math.abs(secs) % 3600 / 60;
        return "UTC" + (secs < 0 ? "-" : "+") + h + (min == 0 ? "" : ":" + String.format("%02d", min));
    }
}
