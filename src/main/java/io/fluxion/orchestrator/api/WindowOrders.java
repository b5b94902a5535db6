package io.fluxion.orchestrator.api;

import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.Texts;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.ledger.RunRecord;
import io.fluxion.orchestrator.window.RunSummary;
import io.fluxion.orchestrator.schedule.WindowClock;
import io.fluxion.orchestrator.window.WindowRun;
import io.fluxion.orchestrator.window.WindowService;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An operator's window orders (POST /api/etl/scheduler/trigger, /trigger, /api/etl/sync/ventas), steps of the routes
 * api-*-order and api-window: the order is validated and checked against the service's state here, opened by the
 * window's own guard, answered at once (202 with the run id, or 409 with the guard's reason), and run in the
 * background. Nothing is recorded for a refusal here.
 */
public class WindowOrders {
    private static final Logger LOG = LoggerFactory.getLogger(WindowOrders.class);

    private final FluxionConfig config;
    private final Clock clock;
    private final Ledger ledger;
    private final WindowService window;
    private final WindowClock windowClock;
    private final java.util.function.Supplier<io.fluxion.orchestrator.schedule.StoreRules> rules;

    public WindowOrders(FluxionConfig config, Clock clock, Ledger ledger, WindowService window, WindowClock windowClock) {
        this(config, clock, ledger, window, windowClock, () -> io.fluxion.orchestrator.schedule.StoreRules.NONE);
    }

    /** @param rules the operators' store controls now (a disabled store cannot be ordered; the cap counts enabled ones) */
    public WindowOrders(FluxionConfig config, Clock clock, Ledger ledger, WindowService window, WindowClock windowClock,
                        java.util.function.Supplier<io.fluxion.orchestrator.schedule.StoreRules> rules) {
        this.rules = rules;
        this.config = config;
        this.clock = clock;
        this.ledger = ledger;
        this.window = window;
        this.windowClock = windowClock;
    }

    private LocalDate yesterday() {
        return clock.instant().atZone(config.window().zone()).toLocalDate().minusDays(1);
    }

    public void schedulerTrigger(@Body Requests.Confirm body, Exchange ex) {
        order(ex, Requests.order(body, yesterday()));
    }

    public void triggerDate(@Body Requests.TriggerDate body, Exchange ex) {
        order(ex, Requests.order(body, yesterday()));
    }

    public void syncVentas(@Body Requests.SyncVentas body, Exchange ex) {
        order(ex, Requests.order(body, config, rules.get(), yesterday()));
    }

    /**
     * The order as the window's guard reads it (kind manual: every requested (store, date) is loaded); 503 with
     * Retry-After before the start-up decision and while the service stops, 409 while a run is active, the store-days
     * cap, and in ecs mode outside the window hours the operator's confirmation. Nothing is recorded on a refusal.
     */
    void order(Exchange ex, Requests.WindowOrder order) {
        if (window.isStopping()) {
            throw new ApiException(503, "the service is stopping", null).retryAfter(10);
        }
        // two instances (SPEC 2.8): a follower never makes the start-up decision (the leader does): it names the leader
        notLeader(window.leadership());
        if (!window.isStartupDecided()) {
            throw new ApiException(503, "the service is starting: the start-up check has not decided yet", null)
                    .retryAfter(1);
        }
        WindowRun active = window.current().orElse(null);
        if (active != null) {
            throw new ApiException(409, "a window run is active: run #" + active.getId(), null).with("run_id", active.getId());
        }
        io.fluxion.orchestrator.schedule.StoreRules now = rules.get();
        int windowStores = (int) config.stores().stream().filter(s -> config.window().systems().contains(s.system()))
                .filter(now::enabled).count();
        Requests.cap(order, windowStores, config.api().maxStoreDays());
        if (FluxionConfig.Backend.ECS.equals(config.backend().mode()) && !windowClock.inWindowHours() && !order.confirmed()) {
            long minutes = Math.max(1, estimate(order.storeDays(windowStores)).toMinutes());
            // staged: the pull runs while the backend serves; it is stopped only for the merge (drain + merge + start)
            String how = config.window().staged()
                    ? ") only to merge what it staged while the backend served (the pull takes about " + minutes
                            + " minutes by the recent runs' pace; the stop lasts the drain, the merge and the start)"
                    : ") until it ends, about " + minutes + " minutes by the recent runs' pace";
            throw ApiException.badRequest("confirm", "outside the window hours this run stops the backend (ECS service "
                    + config.backend().service() + how + "; send \"confirm\": true to go ahead")
                    .with("would_stop", config.backend().service()).with("strategy", config.window().strategy())
                    .with("estimated_minutes", minutes).with("store_loads", order.storeDays(windowStores));
        }
        String client = ex.getIn().getHeader(ApiGuard.CLIENT, String.class);
        String by = "api " + ex.getIn().getHeader(Exchange.HTTP_METHOD) + " " + ex.getIn().getHeader(Exchange.HTTP_PATH)
                + " from " + client;
        LOG.info("Window ordered through the API by {}: dates {}, stores {}", client, Texts.dates(order.dates()),
                order.stores() == null ? "every window store" : Texts.list(order.stores(), 20));
        ex.getIn().removeHeaders("*", "Fluxion*");
        ex.getIn().setHeader(WindowService.KIND, "manual");
        ex.getIn().setHeader(WindowService.REQUESTED_BY, by);
        ex.getIn().setHeader(WindowService.DATES, order.dates());
        if (order.stores() != null) {
            ex.getIn().setHeader(WindowService.STORES, order.stores());
        }
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

    /** Expected run time of this many store loads: the recent runs' time per store load (1 minute without history). */
    Duration estimate(int storeLoads) {
        long secs = 0;
        long loads = 0;
        for (RunRecord r : ledger.recentRuns(50)) {
            if (r.endedAt() != null && r.storesTotal() != null && r.storesTotal() > 0 && !"SKIPPED".equals(r.status())) {
                secs += Duration.between(r.startedAt(), r.endedAt()).toSeconds();
                loads += r.storesTotal();
            }
        }
        return Duration.ofSeconds(loads == 0 ? 60L * storeLoads : secs * storeLoads / loads);
    }

    /** The guard opened the run: 202 with its id, while the rest of it goes on asynchronously. */
    public Answers.WindowStarted started(Exchange ex) {
        WindowRun run = ex.getProperty(WindowService.RUN, WindowRun.class);
        ApiGuard.answerHeaders(ex.getMessage());
        ex.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        return new Answers.WindowStarted(run.getId(), "accepted", run.getKind(), run.getDates(), run.getWorkItems().size(),
                "Ventana iniciada: run #" + run.getId());
    }

    /** The guard skipped the run (recorded): 409 with its reason, and the active run's id when one took its place. */
    public void notStarted(@Body RunSummary s) {
        ApiException conflict = new ApiException(409, "window not started: " + s.reason(), null)
                .with("skipped_run_id", s.runId());
        window.current().ifPresent(now -> conflict.with("run_id", now.getId()));
        throw conflict;
    }
}
