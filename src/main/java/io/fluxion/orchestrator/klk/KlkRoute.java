package io.fluxion.orchestrator.klk;

import io.fluxion.orchestrator.config.Durations;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.etl.DuckDbWriter;
import io.fluxion.orchestrator.etl.WriterBusyException;
import io.fluxion.orchestrator.ledger.KlkRunRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.schedule.SavedSettings;
import io.fluxion.orchestrator.schedule.ScheduledRoute;
import io.fluxion.orchestrator.schedule.WindowClock;
import io.fluxion.orchestrator.window.WindowRun;
import io.fluxion.orchestrator.window.WindowService;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.Exchange;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One of the two 30-minute KLK syncs (SPEC 2.3, seed 003), as {@code routes/klk.camel.yaml} calls it:
 * {@link #begin} (guard: disabled, too old, inside the window, a window run active, already running,
 * writer busy: each recorded), then the route's mode-specific steps, then {@link #finish} (ledger).
 * Also the {@link ScheduledRoute} the scheduler status and the control API see.
 */
public class KlkRoute implements ScheduledRoute {
    public static final String INVENTORY = "klk-inventory";
    public static final String SALES = "klk-sales";
    /** Route inventory-all (SPEC 2.7, seed 001): every enabled store's inventory snapshot, legacy and KLK alike. */
    public static final String INVENTORY_ALL = "inventory-all";
    /** Exchange property: the {@link KlkRun}. */
    public static final String RUN = "fluxionKlkRun";
    /** Exchange property: true when the trigger did not start a run. */
    public static final String SKIPPED = "fluxionKlkSkipped";
    /** Header camel-quartz sets: the trigger's scheduled fire time. Absent for a manual trigger. */
    public static final String SCHEDULED_FIRE_TIME = "scheduledFireTime";

    private static final Logger LOG = LoggerFactory.getLogger(KlkRoute.class);
    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_OFFSET_DATE_TIME;

    private final String name;
    private final FluxionConfig config;
    private final WindowClock clock;
    private final Ledger ledger;
    private final SavedSettings settings;
    private final DuckDbWriter writer;
    private final WindowService window;
    private final String cron;
    private final AtomicReference<KlkRun> running = new AtomicReference<>();
    /** Told the outcome of every trigger that was recorded (monitoring: metrics and alerts); never fails a run. */
    private volatile java.util.function.Consumer<Map<String, Object>> listener = m -> { };

    public KlkRoute(String name, FluxionConfig config, WindowClock clock, Ledger ledger, SavedSettings settings,
                    DuckDbWriter writer, WindowService window) {
        if (!INVENTORY.equals(name) && !SALES.equals(name) && !INVENTORY_ALL.equals(name)) {
            throw new IllegalArgumentException("unknown KLK route " + name);
        }
        this.name = name;
        this.config = config;
        this.clock = clock;
        this.ledger = ledger;
        this.settings = settings;
        this.writer = writer;
        this.window = window;
        this.cron = INVENTORY.equals(name) ? config.klk().inventoryCron() : SALES.equals(name) ? config.klk().salesCron()
                : config.inventory().cron();
    }

    @Override
    public String name() {
        return name;
    }

    /** Ledger setting {@code <name>.enabled} (changed through the API) over {@code fluxion.klk.enabled} ({@link SavedSettings}). */
    @Override
    public boolean isEnabled() {
        return settings.klkEnabled(name);
    }

    @Override
    public void setEnabled(boolean enabled) {
        settings.klkEnabled(name, enabled);
        LOG.info("KLK route {} {}", name, enabled ? "enabled" : "disabled");
    }

    /** Where to send a manual trigger (no scheduledFireTime header): {@code direct:klk-inventory} or {@code direct:klk-sales}. */
    public String endpoint() {
        return "direct:" + name;
    }

    public String mode() {
        return config.klk().mode();
    }

    /**
     * Sets who is told each recorded outcome: the summary map (route, id, status, reason, ...) of a run at its
     * end, or of a trigger that did not run. Called from the route's thread; exceptions are logged, not thrown.
     */
    public void listener(java.util.function.Consumer<Map<String, Object>> l) {
        listener = l == null ? m -> { } : l;
    }

    private void tell(Map<String, Object> outcome) {
        try {
            listener.accept(outcome);
        } catch (RuntimeException e) {
            LOG.error("KLK {}: the outcome listener failed (the run is not affected): {}", name, e.toString());
        }
    }

    public String cron() {
        return cron;
    }

    public boolean isRunning() {
        return running.get() != null;
    }

    /** The next fire time of the cron, evaluated in the window zone, after the clock's now. */
    public Optional<Instant> nextExecution() {
        try {
            CronExpression c = new CronExpression(cron);
            c.setTimeZone(TimeZone.getTimeZone(config.window().zone()));
            Date next = c.getNextValidTimeAfter(Date.from(clock.now()));
            return Optional.ofNullable(next).map(Date::toInstant);
        } catch (ParseException e) {
            return Optional.empty();
        }
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean enabled = isEnabled();
        m.put("name", name);
        m.put("enabled", enabled);
        m.put("is_running", isRunning());
        m.put("mode", mode());
        m.put("cron", cron);
        m.put("timezone", config.window().zone().getId());
        m.put("next_execution", enabled ? nextExecution().map(this::iso).orElse(null) : null);
        Optional<KlkRunRecord> lastExec = ledger.lastKlkRun(name, "RUNNING", "SUCCEEDED", "FAILED");
        m.put("last_execution", lastExec.map(r -> iso(r.startedAt())).orElse(null));
        m.put("last_status", lastExec.map(KlkRunRecord::status).orElse(null));
        List<KlkRunRecord> recent = ledger.recentKlkRuns(name, 1);
        m.put("last_run", recent.isEmpty() ? null : view(recent.get(0)));
        return m;
    }

    /** A ledger record as the API shows it. */
    public Map<String, Object> view(KlkRunRecord r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("status", r.status());
        m.put("reason", r.reason());
        m.put("mode", r.mode());
        m.put("trigger", r.triggerKind());
        m.put("scheduled_at", r.scheduledAt() == null ? null : iso(r.scheduledAt()));
        m.put("started_at", iso(r.startedAt()));
        m.put("ended_at", r.endedAt() == null ? null : iso(r.endedAt()));
        m.put("http_status", r.httpStatus());
        m.put("response", r.response());
        m.put("stores_total", r.storesTotal());
        m.put("stores_failed", r.storesFailed());
        m.put("rows", r.rowsLoaded());
        m.put("detail", r.detail());
        return m;
    }

    private String iso(Instant t) {
        return t == null ? null : t.atZone(config.window().zone()).toOffsetDateTime().format(ISO);
    }

    // ---- route steps ------------------------------------------------------------------------------

    /**
     * Guard of one trigger. Sets {@link #RUN} and {@link #SKIPPED}=false when the run starts; otherwise
     * {@link #SKIPPED}=true and the body says why. Recorded: DROPPED (the trigger's fire time is older
     * than {@code fluxion.klk.max-age}), SKIPPED (inside the window hours, a window run active, this
     * route still running, the DuckDB writer held). Not recorded: a scheduled trigger of a disabled route.
     */
    public void begin(Exchange ex) {
        begin(ex, null, null);
    }

    /**
     * Guard of an operator's inventory of one store (route inventory-all only, {@code POST /api/inventory/{id}/trigger}):
     * the same guard as {@link #begin(Exchange)}, sharing its running flag (so it is refused while inventory-all runs,
     * and inventory-all while it runs), and a run that loads only {@code storeId}'s snapshot. The ledger's record says
     * which store and who asked (klk_run.detail). The caller checked that the store exists and is enabled.
     */
    public void beginStore(Exchange ex, String storeId, String requestedBy) {
        if (!INVENTORY_ALL.equals(name) || storeId == null) {
            throw new IllegalStateException("only " + INVENTORY_ALL + " loads one store's inventory by request");
        }
        begin(ex, storeId, requestedBy);
    }

    private void begin(Exchange ex, String storeId, String requestedBy) {
        String scope = storeId == null ? null : "store " + storeId + ", asked by " + requestedBy;
        Instant now = clock.now();
        Date fire = ex.getIn().getHeader(SCHEDULED_FIRE_TIME, Date.class);
        Instant scheduled = fire == null ? null : fire.toInstant();
        String trigger = scheduled == null ? "manual" : "scheduled";
        String mode = mode();
        ex.setProperty(SKIPPED, true);
        if (scheduled != null && !isEnabled()) {
            LOG.debug("KLK {}: trigger of {} ignored, the route is disabled", name, scheduled);
            ex.getIn().setBody(Map.of("route", name, "status", "DISABLED"));
            return;
        }
        if (window.isStopping()) {
            notStarted(ex, scope, trigger, scheduled, "SKIPPED", "the process is stopping", now);
            return;
        }
        Duration maxAge = config.klk().maxAge();
        if (scheduled != null && Duration.between(scheduled, now).compareTo(maxAge) > 0) {
            notStarted(ex, scope, trigger, scheduled, "DROPPED", "trigger scheduled at " + iso(scheduled) + " is "
                    + Durations.format(Duration.between(scheduled, now)) + " old, more than fluxion.klk.max-age "
                    + Durations.format(maxAge) + ": dropped, not fired late", now);
            return;
        }
        // strategy stop-first keeps the backend down for the whole window run, so the window hours are skipped as a
        // whole; strategy staged stops it only to merge: a KLK sync skips only while a run has it down
        boolean staged = config.window().staged();
        if (!staged && clock.inWindowHours(now)) {
            notStarted(ex, scope, trigger, scheduled, "SKIPPED", "inside the maintenance window ("
                    + config.window().label() + " " + config.window().zone().getId() + ")", now);
            return;
        }
        Optional<WindowRun> active = window.current();
        if (active.isPresent() && (!active.get().isStaged() || active.get().backendDown())) {
            notStarted(ex, scope, trigger, scheduled, "SKIPPED", "window run #" + active.get().getId() + (active.get().isStaged()
                    ? " has the backend down (merge of the staged rows)" : " is active"), now);
            return;
        }
        // two instances (SPEC 2.8): the KLK syncs write DuckDB too, so they run on the leader only
        String notLeader = window.leadership().refusal();
        if (notLeader != null) {
            notStarted(ex, scope, trigger, scheduled, "SKIPPED", notLeader, now);
            return;
        }
        boolean direct = !"backend".equals(mode);
        KlkRun run = new KlkRun(name, mode, trigger, scheduled, now, now.plus(timeout()),
                LocalDateTime.ofInstant(now, config.window().zone()), direct
                ? (storeId == null ? items() : List.of(new KlkItem(storeId, null))) : List.of());
        run.scope(storeId, scope);
        run.timeoutSetting(timeoutSetting());
        if (!running.compareAndSet(null, run)) {
            KlkRun other = running.get();
            notStarted(ex, scope, trigger, scheduled, "SKIPPED", "the previous " + name + " run"
                    + (other == null ? "" : " #" + other.getId()) + " is still running", now);
            return;
        }
        if (direct) {
            try {
                run.lease(writer.acquireBrief(name));
            } catch (WriterBusyException e) {
                running.compareAndSet(run, null);
                notStarted(ex, scope, trigger, scheduled, "SKIPPED", "the DuckDB writer is held by " + e.holder(), now);
                return;
            } catch (RuntimeException e) {
                // DuckDB held by another process (the backend?): a failed run, with the lock's reason
                running.compareAndSet(run, null);
                long id = ledger.klkRunStarted(name, mode, trigger, scheduled, scope, now);
                String reason = Secrets.scrub(e.getMessage(), config.secrets());
                ledger.klkRunFinished(id, "FAILED", reason, null, null, 0, 0, 0L, scope, clock.now());
                LOG.error("KLK {} run #{} failed: {}", name, id, reason);
                ex.getIn().setBody(Map.of("route", name, "id", id, "status", "FAILED", "reason", reason));
                tell(ex.getIn().getBody(Map.class));
                return;
            }
        }
        try {
            run.id(ledger.klkRunStarted(name, mode, trigger, scheduled, scope, now));
        } catch (RuntimeException e) {
            release(run);
            throw e;
        }
        LOG.info("KLK {} run #{} started ({} mode{}{}{})", name, run.getId(), mode, scope == null ? "" : ", " + scope,
                scheduled == null ? ", manual" : ", scheduled at " + iso(scheduled),
                direct ? ", " + run.getItems().size() + " loads: " + run.getItems() : "");
        ex.setProperty(RUN, run);
        ex.setProperty(SKIPPED, false);
    }

    /** How long a run may take: {@code fluxion.klk.timeout}, or {@code fluxion.inventory.timeout} for inventory-all. */
    public Duration timeout() {
        return INVENTORY_ALL.equals(name) ? config.inventory().timeout() : config.klk().timeout();
    }

    /** The setting {@link #timeout()} comes from, as messages name it. */
    public String timeoutSetting() {
        return (INVENTORY_ALL.equals(name) ? "fluxion.inventory.timeout of " : "fluxion.klk.timeout of ")
                + Durations.format(timeout());
    }

    /**
     * The direct run's loads: every enabled KLK store (inventory), each one's yesterday and today (sales), or every
     * enabled store of any system (inventory-all); the operators' flags over the configuration, highest priority first.
     */
    List<KlkItem> items() {
        List<KlkItem> out = new ArrayList<>();
        LocalDate today = clock.today();
        io.fluxion.orchestrator.schedule.StoreRules rules = settings.storeRules();
        if (INVENTORY_ALL.equals(name)) {
            for (StoreConfig s : rules.enabledInOrder(config.stores())) {
                out.add(new KlkItem(s.id(), null));
            }
            return out;
        }
        for (StoreConfig s : rules.enabledInOrder(config.stores().stream().filter(StoreConfig::isKlk).toList())) {
            if (INVENTORY.equals(name)) {
                out.add(new KlkItem(s.id(), null));
            } else {
                out.add(new KlkItem(s.id(), today.minusDays(1)));
                out.add(new KlkItem(s.id(), today));
            }
        }
        return out;
    }

    /** doCatch of the route: anything that ended the run early. */
    public void failed(Exchange ex) {
        KlkRun run = ex.getProperty(RUN, KlkRun.class);
        Exception e = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (run != null) {
            run.fail(e == null ? "unknown error" : Secrets.scrub(String.valueOf(e.getMessage()), config.secrets()));
        }
    }

    /** doFinally: gives the DuckDB writer back, records the outcome; body = a short summary. */
    public Map<String, Object> finish(Exchange ex) {
        KlkRun run = ex.getProperty(RUN, KlkRun.class);
        if (run == null) {
            return null;
        }
        release(run);
        Instant now = clock.now();
        String reason = run.failure();
        if (reason == null && run.failedItems() > 0) {
            reason = run.failedItems() + " of " + run.getItems().size() + " loads failed";
        }
        String status = reason == null ? "SUCCEEDED" : "FAILED";
        Integer stores = run.isBackendMode() ? null : (int) run.getItems().stream().map(KlkItem::storeId).distinct().count();
        ledger.klkRunFinished(run.getId(), status, reason, run.httpStatus(), run.response(), stores,
                run.isBackendMode() ? null : run.failedItems(), run.isBackendMode() ? null : run.rows(), run.detail(), now);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("route", name);
        body.put("id", run.getId());
        body.put("status", status);
        body.put("reason", reason);
        body.put("http_status", run.httpStatus());
        body.put("rows", run.rows());
        body.put("duration", Durations.format(Duration.between(run.startedAt(), now)));
        if ("SUCCEEDED".equals(status)) {
            LOG.info("KLK {} run #{} succeeded in {}{}", name, run.getId(), body.get("duration"),
                    run.isBackendMode() ? ": HTTP " + run.httpStatus() : ": " + run.rows() + " rows (" + run.detail() + ")");
        } else {
            LOG.warn("KLK {} run #{} failed: {}", name, run.getId(), reason);
        }
        ex.getIn().setBody(body);
        tell(body);
        return body;
    }

    private void release(KlkRun run) {
        try {
            if (run.lease() != null) {
                run.lease().close();
                run.lease(null);
            }
        } finally {
            running.compareAndSet(run, null);
        }
    }

    private void notStarted(Exchange ex, String scope, String trigger, Instant scheduled, String status, String reason,
                            Instant now) {
        long id = ledger.klkRunNotStarted(name, mode(), trigger, scheduled, status, reason, scope, now);
        LOG.info("KLK {} trigger {} (#{}{}): {}", name, status.toLowerCase(), id, scope == null ? "" : ", " + scope, reason);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("route", name);
        body.put("id", id);
        body.put("status", status);
        body.put("reason", reason);
        ex.getIn().setBody(body);
        tell(body);
    }
}
