package io.fluxion.orchestrator.api;

import io.fluxion.orchestrator.backend.BackendControl;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.config.Texts;
import io.fluxion.orchestrator.etl.SourceProbe;
import io.fluxion.orchestrator.klk.KlkRoute;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.ledger.StepRecord;
import io.fluxion.orchestrator.monitoring.Alerts;
import io.fluxion.orchestrator.monitoring.StoreProbe;
import io.fluxion.orchestrator.schedule.ScheduledRoute;
import io.fluxion.orchestrator.window.WindowRun;
import io.fluxion.orchestrator.window.WindowService;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's handlers, one per verb of the rest block in routes/http-api.camel.yaml (the window orders are
 * {@link WindowOrders}'): each receives its typed request and returns its typed answer; a refusal is an
 * {@link ApiException}. Only this product's logic lives here; JSON, auth, CORS and error bodies are the REST DSL's,
 * {@link ApiGuard}'s and {@link ApiErrors}'.
 */
public class HttpApi {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);

    private final FluxionConfig config;
    private final Clock clock;
    private final Ledger ledger;
    private final WindowService window;
    private final SchedulerSettings settings;
    private final CamelContext context;
    private final BackendControl backend;

    public HttpApi(FluxionConfig config, Clock clock, Ledger ledger, WindowService window, SchedulerSettings settings,
                   BackendControl backend, CamelContext context) {
        this.backend = backend;
        this.config = config;
        this.clock = clock;
        this.ledger = ledger;
        this.window = window;
        this.settings = settings;
        this.context = context;
    }

    private ZoneId zone() {
        return config.window().zone();
    }

    private LocalDate yesterday() {
        return clock.instant().atZone(zone()).toLocalDate().minusDays(1);
    }

    // ---- scheduler ---------------------------------------------------------------------------------

    public Answers.SchedulerStatus schedulerStatus() {
        WindowRun run = window.current().orElse(null);
        List<RunRecord> recent = ledger.recentRuns(50);
        RunRecord last = recent.stream().filter(r -> !"SKIPPED".equals(r.status())).findFirst().orElse(null);
        RunRecord done = recent.stream().filter(r -> !"SKIPPED".equals(r.status()) && !"RUNNING".equals(r.status()))
                .findFirst().orElse(null);
        Map<String, Object> klk = new LinkedHashMap<>();
        for (ScheduledRoute r : context.getRegistry().findByType(ScheduledRoute.class)) {
            try {
                klk.put(r.name(), r.status());
            } catch (RuntimeException e) {
                klk.put(r.name(), Map.of("error", String.valueOf(e.getMessage())));
            }
        }
        boolean enabled = settings.enabled();
        // a follower of a cluster: the leader's run, from the ledger; and which instance answers (SPEC 2.8)
        RunRecord leaders = run != null ? null : MaintenanceStatus.leaderRun(window, ledger).orElse(null);
        boolean running = run != null || leaders != null;
        Answers.CurrentRun current = leaders == null ? currentRun(run) : Views.leaderRun(leaders,
                ledger.attempts(leaders.id()), clock.instant(), zone(), this::storeName);
        return new Answers.SchedulerStatus(enabled, running, enabled ? Views.ISO.format(settings.nextStart()) : null,
                last == null ? null : Views.iso(last.startedAt(), zone()), window.pendingRetries(), current,
                done == null ? null : dailySummary(done), settings.view(), klk, backend(run), connectivity(),
                window.leadership().view());
    }

    /** The backend's state as its control knows it (cached, never failing), and the run that has it stopped. */
    private Answers.BackendView backend(WindowRun run) {
        BackendControl.BackendState st;
        try {
            st = backend.state();
        } catch (RuntimeException e) {
            st = new BackendControl.BackendState(backend.mode(), "unknown", null, null, null, null, null, null, null,
                    "the backend's state could not be read: " + e.getClass().getSimpleName(), null);
        }
        Long stoppedBy = run != null && run.backendTouched() && run.backendStartedAt() == null ? run.getId() : null;
        return new Answers.BackendView(st.mode(), st.state(), st.service(), st.cluster(), st.desired(), st.running(),
                st.pending(), st.rollout(), Secrets.scrub(st.rolloutReason(), config.secrets()),
                Secrets.scrub(st.detail(), config.secrets()), Views.iso(st.checkedAt(), zone()), stoppedBy);
    }

    /**
     * Each enabled store's newest probe, never waiting for one: a missing or stale answer (older than
     * fluxion.monitoring.probe-max-age) starts a probe in the background, which the next poll shows.
     */
    private Answers.Connectivity connectivity() {
        StoreProbe probe = context.getRegistry().lookupByNameAndType("storeProbe", StoreProbe.class);
        if (probe == null) {
            return null;
        }
        Map<String, SourceProbe.Result> known = probe.knownAndRefresh().results();
        List<Answers.StoreReach> rows = new ArrayList<>();
        int ok = 0;
        int down = 0;
        for (StoreConfig s : probe.stores()) {
            SourceProbe.Result r = known.get(s.id());
            if (r == null) {
                rows.add(new Answers.StoreReach(s.id(), s.name(), null, null, null, null, null));
                continue;
            }
            if (r.reachable()) {
                ok++;
            } else {
                down++;
            }
            rows.add(new Answers.StoreReach(s.id(), s.name(), r.reachable(), r.error(), r.millis(),
                    Views.iso(r.at(), zone()), r.by()));
        }
        return new Answers.Connectivity(rows.size(), ok, down, rows.size() - ok - down, rows);
    }

    /** The newest alerts of the ledger (table alert_event), newest first. */
    public Answers.Alerts alerts(@Header("limit") String rawLimit) {
        Integer limit = Requests.integer("limit", rawLimit, 1, 500);
        Alerts alerts = context.getRegistry().lookupByNameAndType("alerts", Alerts.class);
        if (alerts == null) {
            return new Answers.Alerts(List.of());
        }
        return new Answers.Alerts(alerts.recent(limit == null ? 50 : limit).stream()
                .map(a -> new Answers.AlertView(a.id(), a.kind(), a.severity(), a.text(), a.runId(), a.webhookStatus(),
                        a.webhookAttempts(), a.webhookError(), Views.iso(a.createdAt(), zone()),
                        Views.iso(a.sentAt(), zone())))
                .toList());
    }

    private Answers.DailySummary dailySummary(RunRecord r) {
        List<LocalDate> dates = r.businessDates();
        Long downtime = Views.downtimeSeconds(r);
        return new Answers.DailySummary(dates.isEmpty() ? null : dates.get(dates.size() - 1), dates,
                r.storesTotal() == null ? 0 : r.storesTotal(), r.storesSucceeded() == null ? 0 : r.storesSucceeded(),
                r.storesFailed() == null ? 0 : r.storesFailed(), r.rowsLoaded() == null ? 0 : r.rowsLoaded(),
                downtime == null ? 0 : downtime, r.id(), r.kind(), r.status(), r.reason(), Views.iso(r.endedAt(), zone()),
                r.strategy() == null ? "stop-first" : r.strategy(), r.stagingMs() == null ? 0 : r.stagingMs() / 1000);
    }

    public Answers.Switched enable(@Body Requests.NoFields none, @Header(ApiGuard.CLIENT) String client) {
        return switched(true, client);
    }

    public Answers.Switched disable(@Body Requests.NoFields none, @Header(ApiGuard.CLIENT) String client) {
        return switched(false, client);
    }

    private Answers.Switched switched(boolean on, String client) {
        settings.enabled(on);
        LOG.info("Nightly window {} through the API by {}", on ? "enabled" : "disabled", client);
        return new Answers.Switched(on, on ? "Scheduler habilitado" : "Scheduler deshabilitado");
    }

    public Map<String, Object> schedulerConfig(@Body Requests.SchedulerConfig body, @Header(ApiGuard.CLIENT) String client) {
        SchedulerSettings.Change change = Requests.change(body);
        Map<String, Object> view = settings.apply(change);
        LOG.info("Scheduler settings changed through the API by {}: {}", client, change);
        return view;
    }

    public Map<String, Object> klkEnable(@Body Requests.NoFields none, @Header("name") String name,
                                         @Header(ApiGuard.CLIENT) String client) {
        return klkSwitch(name, true, client);
    }

    public Map<String, Object> klkDisable(@Body Requests.NoFields none, @Header("name") String name,
                                          @Header(ApiGuard.CLIENT) String client) {
        return klkSwitch(name, false, client);
    }

    /** A KLK route's own switch, kept in the ledger by the route. */
    private Map<String, Object> klkSwitch(String name, boolean on, String client) {
        List<ScheduledRoute> routes = List.copyOf(context.getRegistry().findByType(ScheduledRoute.class));
        ScheduledRoute route = routes.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() ->
                new ApiException(404, "no scheduled route '" + Requests.shown(name, 40) + "' ("
                        + String.join(", ", routes.stream().map(ScheduledRoute::name).sorted().toList()) + ")", "name"));
        route.setEnabled(on);
        LOG.info("Scheduled route {} {} through the API by {}", route.name(), on ? "enabled" : "disabled", client);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", route.name());
        m.putAll(route.status());
        m.put("enabled", route.isEnabled());
        return m;
    }

    /**
     * {@code POST /api/etl/klk/{name}/trigger}: the route's own guard runs now, on this request (recorded like a
     * scheduled trigger's, as "manual"); a skip is a 409 with its reason and {@code skipped_id}. A run that passed
     * the guard is handed to the route (the api-klk-trigger route's wireTap) and answered 202 at once.
     */
    public void klkTrigger(@Header("name") String name, Exchange ex) {
        ScheduledRoute route = scheduledRoute(name);
        if (!(route instanceof KlkRoute klk)) {
            throw new ApiException(404, "route '" + Requests.shown(name, 40) + "' cannot be triggered", "name");
        }
        String client = ex.getIn().getHeader(ApiGuard.CLIENT, String.class);
        ex.getIn().removeHeaders("*");
        klk.begin(ex);
        if (Boolean.TRUE.equals(ex.getProperty(KlkRoute.SKIPPED, Boolean.class))) {
            Map<?, ?> why = ex.getIn().getBody(Map.class);
            throw new ApiException(409, klk.name() + " not started: " + why.get("reason"), null)
                    .with("skipped_id", why.get("id")).with("status", why.get("status"));
        }
        LOG.info("{} triggered through the API by {}", klk.name(), client);
        ex.setProperty(KLK_ENDPOINT, klk.endpoint());
        ex.getIn().setBody(null);
    }

    /**
     * {@code POST /api/inventory/{id}/trigger}: the inventory of one store now (route inventory-all's run, one store).
     * An unknown store is a 404 and a disabled one a 409, before anything is recorded; then inventory-all's own guard
     * runs on this request, as for {@link #klkTrigger} (a skip is a 409 with its reason and {@code skipped_id}: while
     * inventory-all or another store's sync runs, inside stop-first's window hours, while a window has the backend
     * down), recorded with the store and who asked; a run that passed is handed to the route and answered 202 at once.
     */
    public void inventoryTrigger(@Header("id") String id, Exchange ex) {
        StoreConfig s = id == null ? null : config.store(id);
        if (s == null) {
            throw new ApiException(404, "unknown store '" + Requests.shown(id, 64) + "'", "id");
        }
        if (!settings.storeRules().enabled(s)) {
            throw new ApiException(409, "store " + s.id() + " is disabled: its inventory is not loaded until it is"
                    + " enabled again (POST /api/stores/" + s.id() + "/enable)", "id");
        }
        KlkRoute route = context.getRegistry().lookupByNameAndType("inventoryAll", KlkRoute.class);
        if (route == null) {
            throw new ApiException(404, "route " + KlkRoute.INVENTORY_ALL + " is not loaded in this process", null);
        }
        String client = ex.getIn().getHeader(ApiGuard.CLIENT, String.class);
        String by = "api POST /api/inventory/" + s.id() + "/trigger from " + client;
        ex.getIn().removeHeaders("*");
        route.beginStore(ex, s.id(), by);
        if (Boolean.TRUE.equals(ex.getProperty(KlkRoute.SKIPPED, Boolean.class))) {
            Map<?, ?> why = ex.getIn().getBody(Map.class);
            throw new ApiException(409, "inventory of " + s.id() + " not started: " + why.get("reason"), null)
                    .with("skipped_id", why.get("id")).with("status", why.get("status"));
        }
        LOG.info("Inventory of store {} triggered through the API by {}", s.id(), client);
        ex.setProperty(KLK_ENDPOINT, route.endpoint());
        ex.getIn().setBody(null);
    }

    /** The run a KLK trigger started: 202 with its id; it goes on in the background. */
    public Map<String, Object> klkStarted(Exchange ex) {
        io.fluxion.orchestrator.klk.KlkRun run = ex.getProperty(KlkRoute.RUN, io.fluxion.orchestrator.klk.KlkRun.class);
        ApiGuard.answerHeaders(ex.getMessage());
        ex.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", run.getRoute());
        m.put("id", run.getId());
        m.put("status", "accepted");
        m.put("mode", run.getMode());
        m.put("loads", run.getItems().size());
        if (run.storeId() != null) {
            m.put("store", run.storeId());
            m.put("message", "Inventario de " + run.storeId() + " iniciado: run #" + run.getId());
        } else {
            m.put("message", run.getRoute() + " iniciado: run #" + run.getId());
        }
        return m;
    }

    /** Exchange property: where api-klk-trigger hands the opened KLK run. */
    public static final String KLK_ENDPOINT = "fluxionKlkEndpoint";

    private ScheduledRoute scheduledRoute(String name) {
        List<ScheduledRoute> routes = List.copyOf(context.getRegistry().findByType(ScheduledRoute.class));
        return routes.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() ->
                new ApiException(404, "no scheduled route '" + Requests.shown(name, 40) + "' ("
                        + String.join(", ", routes.stream().map(ScheduledRoute::name).sorted().toList()) + ")", "name"));
    }

    // ---- read-only views ---------------------------------------------------------------------------

    private String storeName(String id) {
        StoreConfig s = config.store(id);
        return s == null ? id : s.name();
    }

    private Answers.CurrentRun currentRun(WindowRun run) {
        return run == null ? null : Views.currentRun(run, clock.instant(), zone(), window.retryable(run).size());
    }

    public Answers.VentasStatus ventasStatus() {
        WindowRun run = window.current().orElse(null);
        RunRecord last = ledger.recentRuns(50).stream().filter(r -> !"RUNNING".equals(r.status())
                && !"SKIPPED".equals(r.status())).findFirst().orElse(null);
        return new Answers.VentasStatus(run != null, currentRun(run), last == null ? null : Views.run(last, zone()),
                window.pendingRetries());
    }

    /** A run's steps and store attempts from the ledger, oldest first (the active run, else the latest). */
    public Answers.Logs ventasLogs(@Header("run_id") String rawRunId, @Header("limit") String rawLimit) {
        Long runId = rawRunId == null || rawRunId.isBlank() ? null : Requests.runId("run_id", rawRunId);
        Integer limit = Requests.integer("limit", rawLimit, 1, 5000);
        if (runId == null) {
            List<RunRecord> recent = ledger.recentRuns(50);
            runId = window.current().map(WindowRun::getId).orElse(recent.stream().filter(r -> !"SKIPPED".equals(r.status()))
                    .map(RunRecord::id).findFirst().orElse(recent.isEmpty() ? null : recent.get(0).id()));
        }
        if (runId == null) {
            return new Answers.Logs(null, null, List.of());
        }
        long id = runId;
        RunRecord r = ledger.run(id).orElseThrow(() -> new ApiException(404, "no such run", "run_id"));
        List<Object[]> lines = new ArrayList<>();
        lines.add(new Object[] {r.startedAt(), "info", "Run #" + r.id() + " (" + r.kind() + ") "
                + Texts.dates(r.businessDates()) + " requested by " + r.requestedBy()});
        for (StepRecord s : ledger.steps(id)) {
            lines.add(new Object[] {s.startedAt(), "info", "[" + s.step() + "] started"});
            if (s.endedAt() != null) {
                lines.add(new Object[] {s.endedAt(), "OK".equals(s.status()) ? "success" : "error",
                        "[" + s.step() + "] " + s.status() + (s.detail() == null ? "" : ": " + s.detail())});
            }
        }
        for (AttemptRecord a : ledger.attempts(id)) {
            lines.add(new Object[] {a.startedAt(), "info", "Procesando ventas: " + a.storeId() + " " + a.businessDate()
                    + " (intento " + a.attempt() + ")"});
            if (a.endedAt() != null) {
                boolean ok = "SUCCEEDED".equals(a.status());
                lines.add(new Object[] {a.endedAt(), ok ? "success" : "error", a.storeId() + " " + a.businessDate()
                        + (ok ? ": " + a.rows() + " filas cargadas" + (a.note() == null ? "" : " (" + a.note() + ")")
                        : ": " + a.error())});
            }
        }
        if (r.endedAt() != null) {
            lines.add(new Object[] {r.endedAt(), "SUCCEEDED".equals(r.status()) ? "success" : "SKIPPED".equals(r.status())
                    ? "info" : "error", "Run #" + r.id() + " " + r.status() + (r.reason() == null ? "" : ": " + r.reason())});
        }
        lines.sort(Comparator.comparing(e -> (Instant) e[0]));
        List<Answers.LogLine> logs = lines.subList(Math.max(0, lines.size() - (limit == null ? 500 : limit)), lines.size())
                .stream().map(e -> new Answers.LogLine(Views.iso((Instant) e[0], zone()), (String) e[1], (String) e[2]))
                .toList();
        return new Answers.Logs(id, r.status(), logs);
    }

    /** Coverage per store, from the ledger only (DuckDB may be held by the backend). */
    public GapsReport.Gaps gaps(@Header("desde") String desde) {
        io.fluxion.orchestrator.schedule.StoreRules rules = settings.storeRules();
        List<io.fluxion.orchestrator.config.StoreConfig> stores = config.stores().stream()
                .map(s -> new io.fluxion.orchestrator.config.StoreConfig(s.id(), s.name(), s.system(), s.url(), s.user(),
                        s.password(), rules.enabled(s))).toList();
        return GapsReport.build(stores, ledger.storeDays(), Requests.gapsFrom(desde, yesterday()), yesterday(),
                config.gaps().historyStart());
    }

    /** {@code GET /api/ventas/gaps.csv}: the same table as a spreadsheet file ({@link GapsCsv}). */
    public GapsCsv.Csv gapsCsv(@Header("desde") String desde, Exchange ex) {
        GapsReport.Gaps g = gaps(desde);
        ApiGuard.answerHeaders(ex.getMessage());
        ex.getMessage().setHeader("Content-Disposition", "attachment; filename=\"gaps-" + g.periodEnd() + ".csv\"");
        return GapsCsv.of(g);
    }

    /**
     * {@code GET /api/inventory}: route inventory-all's state (cron, next and last run), its recent runs, and per store
     * the snapshot inventario_raw holds (when, rows, by which route) and the outcome of the last attempt to replace it.
     */
    public Answers.Inventory inventory() {
        KlkRoute route = context.getRegistry().lookupByNameAndType("inventoryAll", KlkRoute.class);
        io.fluxion.orchestrator.schedule.StoreRules rules = settings.storeRules();
        Map<String, io.fluxion.orchestrator.ledger.InventoryStoreRecord> held = ledger.inventoryStores();
        List<Answers.InventoryStore> stores = new ArrayList<>();
        for (io.fluxion.orchestrator.config.StoreConfig s : config.stores()) {
            io.fluxion.orchestrator.ledger.InventoryStoreRecord r = held.get(s.id());
            stores.add(new Answers.InventoryStore(s.id(), s.name(), s.system(), rules.enabled(s),
                    r == null ? null : Views.iso(r.snapshotAt(), zone()), r == null ? null : r.snapshotRows(),
                    r == null ? null : r.snapshotRoute(), r == null ? null : r.lastStatus(),
                    r == null ? null : r.lastError(), r == null ? null : Views.iso(r.lastAt(), zone()),
                    r == null ? null : r.lastRun()));
        }
        List<Map<String, Object>> runs = route == null ? List.of()
                : ledger.recentKlkRuns(KlkRoute.INVENTORY_ALL, 10).stream().map(route::view).toList();
        return new Answers.Inventory(route == null ? null : route.status(), runs, stores);
    }

    /** {@code GET /api/etl/history?nights=}: the charts' data ({@link History}), the last 1-90 nights (default 30). */
    public History.Answer history(@Header("nights") String rawNights) {
        Integer n = Requests.integer("nights", rawNights, 1, 90);
        int nights = n == null ? 30 : n;
        java.time.Instant since = clock.instant().minus(java.time.Duration.ofDays(nights + 2L));
        History.Answer h = History.build(ledger.recentRuns(2000), ledger.succeededAttemptsSince(since, 20000),
                config.stores(), zone(), nights);
        io.fluxion.orchestrator.schedule.StoreRules rules = settings.storeRules();
        LocalDate to = yesterday();
        return h.with(GapsOverTime.build(clock, zone(), config.window().start(), config.gaps().historyStart(), nights,
                config.stores(), rules::enabled, ledger.storeDays(to.minusDays(nights - 1L), to),
                ledger.storeSwitches(5000)));
    }

    public Answers.Runs runs(@Header("limit") String rawLimit, @Header("kind") String rawKind,
                             @Header("status") String rawStatus) {
        Integer limit = Requests.integer("limit", rawLimit, 1, 500);
        String kind = Requests.oneOf("kind", rawKind, Requests.KINDS);
        String status = Requests.oneOf("status", rawStatus, Requests.STATUSES);
        return new Answers.Runs(ledger.recentRuns(2000).stream()
                .filter(r -> (kind == null || kind.equals(r.kind())) && (status == null || status.equals(r.status())))
                .limit(limit == null ? 20 : limit).map(r -> Views.run(r, zone())).toList());
    }

    public Answers.RunDetail run(@Header("id") String rawId) {
        long id = Requests.runId("id", rawId);
        RunRecord r = ledger.run(id).orElseThrow(() -> new ApiException(404, "no run #" + id, "id"));
        return new Answers.RunDetail(Views.run(r, zone()), ledger.steps(id).stream().map(s -> Views.step(s, zone())).toList(),
                ledger.attempts(id).stream().map(a -> Views.attempt(a, zone())).toList(),
                ledger.storeProbes(id).stream().map(p -> new Answers.ProbeView(p.storeId(), p.reachable(), p.millis(),
                        p.error(), Views.iso(p.probedAt(), zone()))).toList(),
                currentRun(window.current().filter(c -> c.getId() == id).orElse(null)));
    }
}
