package io.fluxion.orchestrator.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies.SnakeCaseStrategy;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.window.StoreProgress;
import io.fluxion.orchestrator.window.WindowRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
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
    /** The ledger's backend states of a run while the backend serves (before its first stop, after its start). */
    private static final java.util.Set<String> BACKEND_SERVING = java.util.Set.of("UNTOUCHED", "STARTED");
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    /** The seed's fields first, in the seed's formats, then what this service adds. */
    @JsonNaming(SnakeCaseStrategy.class)
    public record Answer(boolean isMaintenance, String currentTime, String maintenanceWindow, String timezone,
                         String estimatedEndTime, long minutesRemaining, String message, String phase,
                         LocalDate businessDate, String nextWindowStart, String serverTime, Progress progress) {
    }

    @JsonNaming(SnakeCaseStrategy.class)
    public record Progress(long runId, String kind, int storesTotal, long storesDone, long rows, double percent) {
    }

    private final FluxionConfig config;
    private final Clock clock;
    private final Ledger ledger;
    private final Runs runs;
    private final SchedulerSettings settings;
    /**
     * The window start for which {@link #finishedSince} already answered true. That answer cannot turn
     * false again for the same night (a finished run never goes back to RUNNING, a completed date stays
     * completed), so the rest of the night's requests skip the two ledger queries.
     */
    private volatile Instant finishedFor;

    /** The active window run, and how many of its store loads wait for a retry (the window's state). */
    public interface Runs {
        Optional<WindowRun> current();

        int awaitingRetry(WindowRun run);

        /** This instance follows in a cluster (SPEC 2.8): the window run, if any, is the leader's, in the ledger. */
        default boolean follower() {
            return false;
        }
    }

    public MaintenanceStatus(FluxionConfig config, Clock clock, Ledger ledger, Runs runs, SchedulerSettings settings) {
        this.config = config;
        this.clock = clock;
        this.ledger = ledger;
        this.runs = runs;
        this.settings = settings;
    }

    public Answer status() {
        ZoneId zone = config.window().zone();
        Instant now = clock.instant();
        ZonedDateTime z = now.atZone(zone);
        ZonedDateTime start = z.toLocalDate().atTime(settings.windowStart()).atZone(zone);
        ZonedDateTime end = z.toLocalDate().atTime(settings.windowEnd()).atZone(zone);
        boolean inHours = !z.isBefore(start) && z.isBefore(end);

        Optional<WindowRun> run = runs.current();
        // two instances (SPEC 2.8): a follower answers from the ledger what the leader runs
        RunRecord leaders = run.isPresent() || !runs.follower() ? null : leaderRun(ledger).orElse(null);
        String phase;
        boolean maintenance;
        ZonedDateTime estimatedEnd = end;
        boolean staged = config.window().staged();
        if (leaders != null) {
            // a follower (SPEC 2.8): the leader's run as the ledger has it; staged, the backend is down from the
            // stop the leader recorded until it recorded the start
            boolean leaderStaged = "staged".equals(leaders.strategy());
            maintenance = !leaderStaged || (leaders.backendState() == null
                    || !BACKEND_SERVING.contains(leaders.backendState()));
            phase = !leaderStaged ? "running" : maintenance ? "merging" : "staging";
        } else if (run.isPresent()) {
            // strategy staged: maintenance only from the backend's stop to its start (the merge); the backend serves
            // while the run stages
            maintenance = !run.get().isStaged() || run.get().backendDown();
            phase = !run.get().isStaged() ? "running" : maintenance ? "merging" : "staging";
            Duration eta = Views.eta(run.get(), now, runs.awaitingRetry(run.get()));
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
                // staged: the backend serves until tonight's run stops it to merge
                maintenance = !staged;
                phase = "pending";
            }
        } else {
            maintenance = false;
            phase = "operational";
        }

        String endLabel = FluxionConfig.Window.clock12(estimatedEnd.toLocalTime());
        Progress progress = null;
        if (run.isPresent()) {
            WindowRun r = run.get();
            int total = r.getWorkItems().size();
            long done = r.count(StoreProgress.Status.SUCCEEDED) + r.count(StoreProgress.Status.FAILED);
            progress = new Progress(r.getId(), r.getKind(), total, done, r.rows(),
                    total == 0 ? 100.0 : Views.round1(100.0 * done / total));
        } else if (leaders != null) {
            progress = progress(leaders);
        }
        return new Answer(maintenance, z.format(HMS), settings.windowLabel(),
                zone.getId() + " (" + utcOffset(zone.getRules().getOffset(now)) + ")",
                maintenance ? endLabel : FluxionConfig.Window.clock12(settings.windowEnd()),
                maintenance ? Math.max(0, (Duration.between(now, estimatedEnd.toInstant()).toSeconds() + 59) / 60) : 0,
                maintenance ? MESSAGE_MAINTENANCE + endLabel : MESSAGE_OPERATIONAL, phase, z.toLocalDate().minusDays(1),
                Views.ISO.format(settings.nextStart()), Views.ISO.format(z), progress);
    }

    /**
     * The window run the leader has open, as the ledger tells it, when this instance is a follower of a cluster
     * (empty otherwise: one instance knows its run from memory).
     */
    static Optional<RunRecord> leaderRun(io.fluxion.orchestrator.window.WindowService window, Ledger ledger) {
        if (!window.leadership().enabled() || window.leadership().isLeader()) {
            return Optional.empty();
        }
        return leaderRun(ledger);
    }

    private static Optional<RunRecord> leaderRun(Ledger ledger) {
        return ledger.recentRuns(5).stream().filter(r -> "RUNNING".equals(r.status()) && !r.kind().startsWith("klk"))
                .findFirst();
    }

    /** The progress block of a run another instance runs, from its ledger attempts. */
    private Progress progress(RunRecord r) {
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
        int finished = Math.min(done.size(), total);
        return new Progress(r.id(), r.kind(), total, finished, rows,
                total == 0 ? 100.0 : Views.round1(100.0 * finished / total));
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
