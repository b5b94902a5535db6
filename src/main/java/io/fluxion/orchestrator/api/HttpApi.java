package io.fluxion.orchestrator.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.ledger.AttemptRecord;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.ledger.StepRecord;
import io.fluxion.orchestrator.schedule.ScheduledRoute;
import io.fluxion.orchestrator.window.RunSummary;
import io.fluxion.orchestrator.window.WindowRun;
import io.fluxion.orchestrator.window.WindowService;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API's handlers, called by {@code routes/http-api.camel.yaml}: the maintenance status, the
 * control API (seed 002 paths), run history, gaps and the operator page. Each handler validates its
 * whole input before it changes anything; a refusal is an {@link ApiException} rendered as
 * {@code {"error": ..., "field": ...}} by {@link #error(Exchange)}.
 */
public class HttpApi {
    /** Kinds a run of the ledger may have (for the history filter). */
    static final Set<String> KINDS = Set.of("scheduled", "manual", "cli", "recovery", "catch-up");
    static final int MAX_RANGE_DAYS = 366;
    private static final LocalDate OLDEST = LocalDate.of(2000, 1, 1);
    private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
    private static final Map<String, String> PAGE_FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "app.css", "text/css; charset=utf-8");

    private final FluxionConfig config;
    private final Clock clock;
    private final Ledger ledger;
    private final WindowService window;
    private final SchedulerSettings settings;
    private final MaintenanceStatus maintenance;
    private final ApiAuth auth;
    private final CamelContext context;
    private final ObjectMapper mapper = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private volatile ProducerTemplate producer;

    public HttpApi(FluxionConfig config, Clock clock, Ledger ledger, WindowService window, SchedulerSettings settings,
                   MaintenanceStatus maintenance, ApiAuth auth, CamelContext context) {
        this.config = config;
        this.clock = clock;
        this.ledger = ledger;
        this.window = window;
        this.settings = settings;
        this.maintenance = maintenance;
        this.auth = auth;
        this.context = context;
    }

    private ZoneId zone() {
        return config.window().zone();
    }

    private LocalDate yesterday() {
        return clock.instant().atZone(zone()).toLocalDate().minusDays(1);
    }

    // ---- cross-cutting: auth, errors, CORS -------------------------------------------------------

    /** First step of every route that changes something: 401 without or with a wrong token, 503 with none configured. */
    public void authorize(Exchange ex) {
        auth.check(ex.getIn().getHeader("Authorization", String.class));
    }

    /** onException of the API routes: the {@code {"error", "field"}} body; anything unexpected is a 500 without secrets. */
    public void error(Exchange ex) {
        Throwable t = ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        ApiException api = t instanceof ApiException a ? a : null;
        if (api == null) {
            String msg = t == null ? "unknown error" : Secrets.scrub(String.valueOf(t.getMessage()), config.secrets());
            // the message is scrubbed of secrets; the stack trace (whose messages may not be) only at debug
            LOG.error("HTTP API error on {} {}: {} ({})", ex.getIn().getHeader(Exchange.HTTP_METHOD),
                    ex.getIn().getHeader(Exchange.HTTP_PATH), msg, t == null ? "?" : t.getClass().getName());
            LOG.debug("HTTP API error", t);
            api = new ApiException(500, "internal error: " + msg, null);
        }
        respond(ex, api.status(), api.body());
        if (api.retryAfterSeconds() != null) {
            ex.getMessage().setHeader("Retry-After", String.valueOf(api.retryAfterSeconds()));
        }
        if (api.status() == 401) {
            ex.getMessage().setHeader("WWW-Authenticate", "Bearer");
        }
    }

    /** CORS preflight of any API path. */
    public void preflight(Exchange ex) {
        Message m = ex.getMessage();
        m.removeHeaders("*");
        cors(m);
        m.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS");
        m.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type");
        m.setHeader("Access-Control-Max-Age", "600");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
        m.setBody(null);
    }

    private void cors(Message m) {
        String origin = config.corsOrigin() == null || config.corsOrigin().isBlank() ? "*" : config.corsOrigin();
        m.setHeader("Access-Control-Allow-Origin", origin);
        if (!"*".equals(origin)) {
            m.setHeader("Vary", "Origin");
        }
    }

    void respond(Exchange ex, int status, Object body) {
        Message m = ex.getMessage();
        // never echo request headers (Authorization among them) into the response
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        m.setHeader(Exchange.CONTENT_TYPE, "application/json; charset=utf-8");
        m.setHeader("Cache-Control", "no-store");
        cors(m);
        try {
            m.setBody(mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- GET /maintenance-status -------------------------------------------------------------------

    public void maintenanceStatus(Exchange ex) {
        if ("OPTIONS".equals(ex.getIn().getHeader(Exchange.HTTP_METHOD, String.class))) {
            preflight(ex);
            return;
        }
        respond(ex, 200, maintenance.status());
    }

    // ---- scheduler ---------------------------------------------------------------------------------

    /** GET /api/etl/scheduler/status: the SPEC 7 contract plus config and one block per KLK route. */
    public void schedulerStatus(Exchange ex) {
        respond(ex, 200, schedulerStatusView());
    }

    Map<String, Object> schedulerStatusView() {
        Instant now = clock.instant();
        Map<String, Object> m = new LinkedHashMap<>();
        boolean enabled = settings.enabled();
        WindowRun run = window.current().orElse(null);
        m.put("enabled", enabled);
        // a follower of a cluster: the leader's run, from the ledger (SPEC 2.8)
        m.put("is_running", run != null || maintenance.leaderRun().isPresent());
        m.put("next_execution", enabled ? Views.ISO.format(settings.nextStart()) : null);
        List<RunRecord> recent = ledger.recentRuns(50);
        RunRecord lastRun = recent.stream().filter(r -> !"SKIPPED".equals(r.status())).findFirst().orElse(null);
        m.put("last_execution", lastRun == null ? null : Views.iso(lastRun.startedAt(), zone()));
        m.put("pending_retries", window.pendingRetries());
        m.put("current_run", run == null ? null : Views.currentRun(run, now, zone(), window.retryable(run).size()));
        RunRecord lastFinished = recent.stream().filter(r -> !"SKIPPED".equals(r.status()) && !"RUNNING".equals(r.status()))
                .findFirst().orElse(null);
        m.put("daily_summary", lastFinished == null ? null : dailySummary(lastFinished));
        m.put("config", settings.view());
        Map<String, Object> klk = new LinkedHashMap<>();
        for (ScheduledRoute r : context.getRegistry().findByType(ScheduledRoute.class)) {
            try {
                klk.put(r.name(), r.status());
            } catch (RuntimeException e) {
                klk.put(r.name(), Map.of("error", String.valueOf(e.getMessage())));
            }
        }
        m.put("klk_routes", klk);
        // SPEC 2.8: which instance answers and whether it leads
        m.put("cluster", window.leadership().view());
        return m;
    }

    private Map<String, Object> dailySummary(RunRecord r) {
        Map<String, Object> d = new LinkedHashMap<>();
        List<LocalDate> dates = r.businessDates();
        d.put("fecha", dates.isEmpty() ? null : dates.get(dates.size() - 1).toString());
        d.put("fechas", dates.stream().map(Object::toString).toList());
        d.put("total", r.storesTotal() == null ? 0 : r.storesTotal());
        d.put("exitosas", r.storesSucceeded() == null ? 0 : r.storesSucceeded());
        d.put("fallidas", r.storesFailed() == null ? 0 : r.storesFailed());
        d.put("rows", r.rowsLoaded() == null ? 0 : r.rowsLoaded());
        Long downtime = Views.downtimeSeconds(r);
        d.put("downtime_seconds", downtime == null ? 0 : downtime);
        d.put("run_id", r.id());
        d.put("kind", r.kind());
        d.put("status", r.status());
        d.put("reason", r.reason());
        d.put("ended_at", Views.iso(r.endedAt(), zone()));
        return d;
    }

    /** POST /api/etl/scheduler/enable. */
    public void enable(Exchange ex) {
        setEnabled(ex, true);
    }

    /** POST /api/etl/scheduler/disable. */
    public void disable(Exchange ex) {
        setEnabled(ex, false);
    }

    private void setEnabled(Exchange ex, boolean on) {
        optionalObject(ex);
        settings.enabled(on);
        LOG.info("Nightly window {} through the API", on ? "enabled" : "disabled");
        respond(ex, 200, Map.of("enabled", on, "message", on ? "Scheduler habilitado" : "Scheduler deshabilitado"));
    }

    /** POST /api/etl/scheduler/trigger: the window now for yesterday (every window store), as an operator's order. */
    public void schedulerTrigger(Exchange ex) {
        optionalObject(ex);
        startWindow(ex, List.of(yesterday()), null, "api POST /api/etl/scheduler/trigger");
    }

    /** PUT /api/etl/scheduler/config: hour, minute, max_retries, retry_interval_minutes, enabled. */
    public void schedulerConfig(Exchange ex) {
        JsonNode body = requiredObject(ex);
        Integer hour = null;
        Integer minute = null;
        Integer attempts = null;
        Integer interval = null;
        Boolean enabled = null;
        Iterator<Map.Entry<String, JsonNode>> it = body.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String k = e.getKey();
            JsonNode v = e.getValue();
            switch (k) {
                case "hour", "execution_hour" -> hour = integer(k, v, 0, 23);
                case "minute", "execution_minute" -> minute = integer(k, v, 0, 59);
                case "max_retries", "max_attempts" -> attempts = integer(k, v, 1, 20);
                case "retry_interval_minutes" -> interval = integer(k, v, 1, 1440);
                case "enabled" -> {
                    if (!v.isBoolean()) {
                        throw ApiException.badRequest(k, "must be true or false");
                    }
                    enabled = v.booleanValue();
                }
                default -> throw ApiException.badRequest(k, "unknown setting '" + k
                        + "' (hour, minute, max_retries, retry_interval_minutes, enabled)");
            }
        }
        if (hour == null && minute == null && attempts == null && interval == null && enabled == null) {
            throw ApiException.badRequest(null, "no setting given (hour, minute, max_retries, retry_interval_minutes, enabled)");
        }
        respond(ex, 200, settings.apply(new SchedulerSettings.Change(hour, minute, attempts, interval, enabled)));
    }

    /** POST /api/etl/klk/{name}/enable and /disable: a KLK route's own switch (kept in the ledger by the route). */
    public void klkEnable(Exchange ex) {
        klkSwitch(ex, true);
    }

    public void klkDisable(Exchange ex) {
        klkSwitch(ex, false);
    }

    private void klkSwitch(Exchange ex, boolean on) {
        optionalObject(ex);
        String name = ex.getIn().getHeader("name", String.class);
        ScheduledRoute route = context.getRegistry().findByType(ScheduledRoute.class).stream()
                .filter(r -> r.name().equals(name)).findFirst().orElse(null);
        if (route == null) {
            List<String> names = context.getRegistry().findByType(ScheduledRoute.class).stream()
                    .map(ScheduledRoute::name).sorted().toList();
            throw new ApiException(404, "no scheduled route '" + (name == null ? "" : name.length() > 40
                    ? name.substring(0, 40) + "..." : name) + "' (" + String.join(", ", names) + ")", "name");
        }
        route.setEnabled(on);
        LOG.info("Scheduled route {} {} through the API", route.name(), on ? "enabled" : "disabled");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", route.name());
        m.putAll(route.status());
        m.put("enabled", route.isEnabled());
        respond(ex, 200, m);
    }

    // ---- ad-hoc windows ----------------------------------------------------------------------------

    /** POST /api/etl/sync/ventas {"ubicacion_id": id|null, "fecha_inicio", "fecha_fin"}: an ad-hoc window. */
    public void syncVentas(Exchange ex) {
        JsonNode body = requiredObject(ex);
        List<String> storeList = null;
        LocalDate from = null;
        LocalDate to = null;
        Iterator<Map.Entry<String, JsonNode>> it = body.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "ubicacion_id" -> storeList = storeIds(e.getValue());
                case "fecha_inicio" -> from = date("fecha_inicio", e.getValue());
                case "fecha_fin" -> to = date("fecha_fin", e.getValue());
                default -> throw ApiException.badRequest(e.getKey(), "unknown field '" + e.getKey()
                        + "' (ubicacion_id, fecha_inicio, fecha_fin)");
            }
        }
        if (from == null) {
            throw ApiException.badRequest("fecha_inicio", "required (YYYY-MM-DD)");
        }
        if (to == null) {
            throw ApiException.badRequest("fecha_fin", "required (YYYY-MM-DD)");
        }
        if (to.isBefore(from)) {
            throw ApiException.badRequest("fecha_fin", "fecha_fin " + to + " is before fecha_inicio " + from);
        }
        long days = ChronoUnit.DAYS.between(from, to) + 1;
        if (days > MAX_RANGE_DAYS) {
            throw ApiException.badRequest("fecha_fin", "the range holds " + days + " days; at most " + MAX_RANGE_DAYS);
        }
        List<LocalDate> dates = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            dates.add(d);
        }
        startWindow(ex, dates, storeList, "api POST /api/etl/sync/ventas");
    }

    /** POST /trigger {"target_date": "YYYY-MM-DD"} (seed 004): the window for that date; default yesterday. */
    public void triggerDate(Exchange ex) {
        JsonNode body = optionalObject(ex);
        LocalDate d = yesterday();
        if (body != null) {
            Iterator<Map.Entry<String, JsonNode>> it = body.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!"target_date".equals(e.getKey())) {
                    throw ApiException.badRequest(e.getKey(), "unknown field '" + e.getKey() + "' (target_date)");
                }
                d = date("target_date", e.getValue());
            }
        }
        startWindow(ex, List.of(d), null, "api POST /trigger");
    }

    /**
     * Sends a window of kind {@code manual} through {@code direct:window} on another thread and answers
     * 202 with its run id once the guard has opened it; 409 with the active run's id when one is active;
     * 503 with {@code Retry-After} before the start-up decision is made or while the service stops.
     */
    synchronized void startWindow(Exchange ex, List<LocalDate> dates, List<String> stores, String by) {
        // right after a start, the start-up check decides first (it must not take this run for an interrupted one)
        if (window.isStopping()) {
            throw new ApiException(503, "the service is stopping", null).retryAfter(10);
        }
        // a follower never makes the start-up decision (the leader does): it names the leader first
        notLeader(window.leadership());
        if (!window.isStartupDecided()) {
            throw new ApiException(503, "the service is starting: the start-up check has not decided yet", null)
                    .retryAfter(1);
        }
        WindowRun active = window.current().orElse(null);
        if (active != null) {
            throw new ApiException(409, "a window run is active: run #" + active.getId(), null)
                    .with("run_id", active.getId());
        }
        if (producer == null) {
            producer = context.createProducerTemplate();
        }
        Exchange w = new DefaultExchange(context);
        w.getIn().setHeader(WindowService.KIND, "manual");
        w.getIn().setHeader(WindowService.REQUESTED_BY, by);
        w.getIn().setHeader(WindowService.DATES, dates);
        if (stores != null) {
            w.getIn().setHeader(WindowService.STORES, stores);
        }
        CompletableFuture<Exchange> done = producer.asyncSend("direct:window", w);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            WindowRun run = w.getProperty(WindowService.RUN, WindowRun.class);
            if (run != null) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("run_id", run.getId());
                m.put("status", "accepted");
                m.put("kind", run.getKind());
                m.put("business_dates", run.getDates().stream().map(Object::toString).toList());
                m.put("stores_total", run.getWorkItems().size());
                m.put("message", "Ventana iniciada: run #" + run.getId());
                respond(ex, 202, m);
                return;
            }
            if (done.isDone()) {
                Exchange r = done.join();
                RunSummary s = r.getMessage().getBody(RunSummary.class);
                if (s != null && "SKIPPED".equals(s.status())) {
                    WindowRun now = window.current().orElse(null);
                    ApiException conflict = new ApiException(409, "window not started: " + s.reason(), null)
                            .with("skipped_run_id", s.runId());
                    if (now != null) {
                        conflict.with("run_id", now.getId());
                    }
                    throw conflict;
                }
                Exception e = r.getException();
                throw new ApiException(500, "the window did not start: " + (e == null ? "unknown reason"
                        : Secrets.scrub(String.valueOf(e.getMessage()), config.secrets())), null);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new ApiException(504, "the window did not open within 30 s; see GET /api/etl/ventas/status", null);
    }

    /**
     * Two instances (SPEC 2.8): only the leader starts windows. A follower answers 503 with the leader's node
     * ({@code leader_node}) and {@code Retry-After}; nothing is recorded. Behind a load balancer the retry may
     * reach the leader; a client may also send the order to the leader itself.
     */
    static void notLeader(io.fluxion.orchestrator.cluster.Leadership leadership) {
        if (!leadership.isLeader()) {
            String leader = leadership.leaderNode().orElse(null);
            throw new ApiException(503, "this instance (" + leadership.node() + ") does not lead the cluster: send the"
                    + " order to the leader" + (leader == null ? "" : " (" + leader + ")"), null)
                    .with("node", leadership.node()).with("leader_node", leader).retryAfter(2);
        }
    }

    // ---- read-only views ---------------------------------------------------------------------------

    /** GET /api/etl/ventas/status: the run in progress (per-store progress) and the last finished run. */
    public void ventasStatus(Exchange ex) {
        Instant now = clock.instant();
        WindowRun run = window.current().orElse(null);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("is_running", run != null);
        m.put("current_run", run == null ? null : Views.currentRun(run, now, zone(), window.retryable(run).size()));
        RunRecord last = ledger.recentRuns(50).stream().filter(r -> !"RUNNING".equals(r.status())
                && !"SKIPPED".equals(r.status())).findFirst().orElse(null);
        m.put("last_run", last == null ? null : Views.run(last, zone()));
        m.put("pending_retries", window.pendingRetries());
        respond(ex, 200, m);
    }

    /** GET /api/etl/ventas/logs?run_id=&limit=: the run's steps and store attempts from the ledger, oldest first. */
    public void ventasLogs(Exchange ex) {
        Long runId = longParam(ex, "run_id", 1, Long.MAX_VALUE);
        int limit = longParam(ex, "limit", 1, 5000) == null ? 500 : longParam(ex, "limit", 1, 5000).intValue();
        if (runId == null) {
            runId = window.current().map(WindowRun::getId).orElse(null);
        }
        if (runId == null) {
            List<RunRecord> recent = ledger.recentRuns(50);
            runId = recent.stream().filter(r -> !"SKIPPED".equals(r.status())).map(RunRecord::id).findFirst()
                    .orElse(recent.isEmpty() ? null : recent.get(0).id());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run_id", runId);
        List<Map<String, Object>> logs = new ArrayList<>();
        if (runId != null) {
            RunRecord r = ledger.run(runId).orElseThrow(() -> new ApiException(404, "no such run", "run_id"));
            m.put("status", r.status());
            List<Object[]> entries = new ArrayList<>();
            entries.add(new Object[] {r.startedAt(), "info", "Run #" + r.id() + " (" + r.kind() + ") "
                    + io.fluxion.orchestrator.config.Texts.dates(r.businessDates()) + " requested by " + r.requestedBy()});
            for (StepRecord s : ledger.steps(runId)) {
                entries.add(new Object[] {s.startedAt(), "info", "[" + s.step() + "] started"});
                if (s.endedAt() != null) {
                    entries.add(new Object[] {s.endedAt(), "OK".equals(s.status()) ? "success" : "error",
                            "[" + s.step() + "] " + s.status() + (s.detail() == null ? "" : ": " + s.detail())});
                }
            }
            for (AttemptRecord a : ledger.attempts(runId)) {
                entries.add(new Object[] {a.startedAt(), "info", "Procesando ventas: " + a.storeId() + " " + a.businessDate()
                        + " (intento " + a.attempt() + ")"});
                if (a.endedAt() != null) {
                    boolean ok = "SUCCEEDED".equals(a.status());
                    entries.add(new Object[] {a.endedAt(), ok ? "success" : "error", a.storeId() + " " + a.businessDate()
                            + (ok ? ": " + a.rows() + " filas cargadas" + (a.note() == null ? "" : " (" + a.note() + ")")
                            : ": " + a.error())});
                }
            }
            if (r.endedAt() != null) {
                entries.add(new Object[] {r.endedAt(), "SUCCEEDED".equals(r.status()) ? "success"
                        : "SKIPPED".equals(r.status()) ? "info" : "error", "Run #" + r.id() + " " + r.status()
                        + (r.reason() == null ? "" : ": " + r.reason())});
            }
            entries.sort(Comparator.comparing(e -> (Instant) e[0]));
            for (Object[] e : entries) {
                Map<String, Object> l = new LinkedHashMap<>();
                l.put("timestamp", Views.iso((Instant) e[0], zone()));
                l.put("level", e[1]);
                l.put("message", e[2]);
                logs.add(l);
            }
            if (logs.size() > limit) {
                logs = new ArrayList<>(logs.subList(logs.size() - limit, logs.size()));
            }
        }
        m.put("logs", logs);
        respond(ex, 200, m);
    }

    /** GET /api/ventas/gaps?desde=YYYY-MM-DD: coverage per store, from the ledger only. */
    public void gaps(Exchange ex) {
        String desde = ex.getIn().getHeader("desde", String.class);
        LocalDate from = null;
        if (desde != null && !desde.isBlank()) {
            from = parseDate("desde", desde);
            if (from.isAfter(yesterday())) {
                throw ApiException.badRequest("desde", "must be on or before yesterday (" + yesterday() + ")");
            }
            if (ChronoUnit.DAYS.between(from, yesterday()) + 1 > 5 * MAX_RANGE_DAYS) {
                throw ApiException.badRequest("desde", "at most " + 5 * MAX_RANGE_DAYS + " days back");
            }
        }
        List<StoreConfig> stores = config.stores();
        respond(ex, 200, GapsReport.build(stores, ledger.storeDays(), from, yesterday()));
    }

    /** GET /api/etl/runs?limit=&kind=&status=: the newest runs first. */
    public void runs(Exchange ex) {
        Long limit = longParam(ex, "limit", 1, 500);
        String kind = ex.getIn().getHeader("kind", String.class);
        if (kind != null && !kind.isBlank() && !KINDS.contains(kind)) {
            throw ApiException.badRequest("kind", "unknown kind '" + kind + "' (" + String.join(", ", KINDS.stream().sorted().toList()) + ")");
        }
        String status = ex.getIn().getHeader("status", String.class);
        if (status != null && !status.isBlank() && !Set.of("RUNNING", "SUCCEEDED", "FAILED", "SKIPPED").contains(status)) {
            throw ApiException.badRequest("status", "unknown status '" + status + "' (RUNNING, SUCCEEDED, FAILED, SKIPPED)");
        }
        int n = limit == null ? 20 : limit.intValue();
        List<Map<String, Object>> out = new ArrayList<>();
        for (RunRecord r : ledger.recentRuns(2000)) {
            if ((kind == null || kind.isBlank() || kind.equals(r.kind()))
                    && (status == null || status.isBlank() || status.equals(r.status()))) {
                out.add(Views.run(r, zone()));
                if (out.size() >= n) {
                    break;
                }
            }
        }
        respond(ex, 200, Map.of("runs", out));
    }

    /** GET /api/etl/runs/{id}: the run with its steps and per-store attempts. */
    public void run(Exchange ex) {
        String raw = ex.getIn().getHeader("id", String.class);
        long id;
        try {
            id = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("id", "run id must be a number, got '" + raw + "'");
        }
        RunRecord r = ledger.run(id).orElseThrow(() -> new ApiException(404, "no run #" + id, "id"));
        Map<String, Object> m = Views.run(r, zone());
        m.put("steps", ledger.steps(id).stream().map(s -> Views.step(s, zone())).toList());
        m.put("attempts", ledger.attempts(id).stream().map(a -> Views.attempt(a, zone())).toList());
        WindowRun cur = window.current().filter(c -> c.getId() == id).orElse(null);
        m.put("progress", cur == null ? null : Views.currentRun(cur, clock.instant(), zone(), window.retryable(cur).size()));
        respond(ex, 200, m);
    }

    // ---- operator page -----------------------------------------------------------------------------

    /** GET / and GET /web/{file}: the static operator page from classpath {@code web/}. */
    public void page(Exchange ex) throws IOException {
        String file = ex.getIn().getHeader("file", String.class);
        if (file == null || file.isBlank()) {
            file = "index.html";
        }
        String type = PAGE_FILES.get(file);
        if (type == null) {
            throw new ApiException(404, "not found", "file");
        }
        byte[] bytes;
        try (InputStream in = HttpApi.class.getClassLoader().getResourceAsStream("web/" + file)) {
            if (in == null) {
                throw new ApiException(404, "not found", "file");
            }
            bytes = in.readAllBytes();
        }
        Message m = ex.getMessage();
        m.removeHeaders("*");
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        m.setHeader(Exchange.CONTENT_TYPE, type);
        m.setHeader("Cache-Control", "no-cache");
        m.setBody(bytes);
    }

    // ---- input parsing -----------------------------------------------------------------------------

    private JsonNode parse(Exchange ex) {
        String body = ex.getIn().getBody(String.class);
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("body", "malformed JSON: " + e.getOriginalMessage());
        }
    }

    private JsonNode requiredObject(Exchange ex) {
        JsonNode n = parse(ex);
        if (n == null) {
            throw ApiException.badRequest("body", "a JSON object is required");
        }
        if (!n.isObject()) {
            throw ApiException.badRequest("body", "the body must be a JSON object");
        }
        return n;
    }

    /** An empty body, or a JSON object. */
    private JsonNode optionalObject(Exchange ex) {
        JsonNode n = parse(ex);
        if (n != null && !n.isObject()) {
            throw ApiException.badRequest("body", "the body must be a JSON object");
        }
        return n;
    }

    private static Integer integer(String field, JsonNode v, int min, int max) {
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiException.badRequest(field, "must be an integer between " + min + " and " + max);
        }
        int i = v.intValue();
        if (i < min || i > max) {
            throw ApiException.badRequest(field, "must be between " + min + " and " + max + ", got " + i);
        }
        return i;
    }

    /** null (every window store), one store id, or a non-empty array of distinct store ids. */
    private List<String> storeIds(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isArray()) {
            if (v.isEmpty() || v.size() > 200) {
                throw ApiException.badRequest("ubicacion_id", "a list of stores must hold 1 to 200 store ids");
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode n : v) {
                String id = storeId(n == null || n.isNull() ? com.fasterxml.jackson.databind.node.IntNode.valueOf(0) : n);
                if (ids.contains(id)) {
                    throw ApiException.badRequest("ubicacion_id", "store '" + id + "' is listed twice");
                }
                ids.add(id);
            }
            return ids;
        }
        return List.of(storeId(v));
    }

    private String storeId(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiException.badRequest("ubicacion_id", "must be a store id (e.g. tienda_01) or null for every store");
        }
        String id = v.textValue();
        StoreConfig s = config.store(id);
        if (s == null || !s.enabled()) {
            String shown = id.length() > 64 ? id.substring(0, 64) + "..." : id;
            throw ApiException.badRequest("ubicacion_id", "unknown or disabled store '" + shown + "'");
        }
        return id;
    }

    private LocalDate date(String field, JsonNode v) {
        if (v == null || !v.isTextual()) {
            throw ApiException.badRequest(field, "must be a date YYYY-MM-DD");
        }
        LocalDate d = parseDate(field, v.textValue());
        if (d.isBefore(OLDEST)) {
            throw ApiException.badRequest(field, "must be on or after " + OLDEST);
        }
        LocalDate y = yesterday();
        if (d.isAfter(y)) {
            throw ApiException.badRequest(field, "must be on or before yesterday (" + y + ", " + zone().getId()
                    + "): a day is loaded once it is over");
        }
        return d;
    }

    private static LocalDate parseDate(String field, String s) {
        try {
            if (s.length() != 10) {
                throw new DateTimeParseException("length", s, 0);
            }
            return LocalDate.parse(s);
        } catch (DateTimeParseException e) {
            String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
            throw ApiException.badRequest(field, "'" + shown + "' is not a date YYYY-MM-DD");
        }
    }

    private static Long longParam(Exchange ex, String name, long min, long max) {
        String raw = ex.getIn().getHeader(name, String.class);
        if (raw == null || raw.isBlank()) {
            return null;
        }
        long v;
        try {
            v = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, "must be an integer between " + min + " and " + max);
        }
        if (v < min || v > max) {
            throw ApiException.badRequest(name, "must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

}
