package io.fluxion.orchestrator.window;

import io.fluxion.orchestrator.config.FluxionConfig;
import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.schedule.StoreRules;
import io.fluxion.orchestrator.schedule.WindowClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The plan of a window run: which (store, date) pairs it loads, in which order, until when, whether it may
 * start at all, and which failed pairs it loads again when. Pure: the configuration, the window's calendar ({@link WindowClock}) and what the ledger knows (a
 * {@link Coverage}) in, a {@link Run} out; no Camel, no database, no clock of its own (the caller says "now").
 * {@link WindowService} opens the run it describes; {@link StartupRecovery} asks it whether a missed night has work.
 */
public final class WindowPlan {
    /** What the ledger knows, as far as a plan needs it. */
    public interface Coverage {
        /** The status the ledger holds for each business date from {@code from} to {@code to} (COMPLETED, ...). */
        Map<LocalDate, String> businessDays(LocalDate from, LocalDate to);

        /** The (store, date) pairs DuckDB holds (LOADED in the ledger). */
        Set<WorkItem> loaded();

        /** The operators' store controls (enabled, priority); none by default. */
        default StoreRules rules() {
            return StoreRules.NONE;
        }
    }

    /**
     * What a run was asked for.
     *
     * @param kind    scheduled | catch-up | recovery (the window's own plan) | manual | cli (an operator's order)
     * @param dates   an operator's business dates; empty: the business date of now
     * @param stores  store ids; empty: every window store
     * @param resume  pairs an interrupted run had not loaded (a recovery run loads them first)
     * @param enabled the scheduled window's flag ({@code SavedSettings})
     * @param due     when the trigger was due (Quartz's scheduledFireTime), null for others
     */
    public record Request(String kind, List<LocalDate> dates, List<String> stores, List<WorkItem> resume,
                          boolean enabled, Instant due) {
        public Request {
            dates = dates == null ? List.of() : List.copyOf(dates);
            stores = stores == null ? List.of() : List.copyOf(stores);
            resume = resume == null ? List.of() : List.copyOf(resume);
        }
    }

    /**
     * A run's plan.
     *
     * @param dates    its business dates, oldest first
     * @param items    its (store, date) loads in order: by date, then the stores' priority (highest first, saved
     *                 through {@code PUT /api/stores/{id}}), then the configuration's store order (an operator's
     *                 order of named stores: by date, then in the order asked)
     * @param deadline no store attempt starts after it
     * @param refusal  why the run may not start, or null
     */
    public record Run(List<LocalDate> dates, List<WorkItem> items, Instant deadline, String refusal) {
        public boolean refused() {
            return refusal != null;
        }
    }

    private final FluxionConfig config;
    private final WindowClock clock;

    public WindowPlan(FluxionConfig config, WindowClock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** Kinds that follow the window's own plan (skip what is loaded) rather than an operator's explicit order. */
    public static boolean isPlanned(String kind) {
        return "scheduled".equals(kind) || "catch-up".equals(kind) || "recovery".equals(kind);
    }

    /** Kinds that fire on their own (the trigger, the start-up's late night): only inside the window hours. */
    static boolean isTimed(String kind) {
        return "scheduled".equals(kind) || "catch-up".equals(kind);
    }

    /**
     * The plan of a run asked for now.
     *
     * @throws IllegalArgumentException when a requested store is unknown or disabled
     */
    public Run plan(Request request, Coverage coverage, Instant now) {
        String kind = request.kind();
        StoreRules rules = coverage.rules();
        List<StoreConfig> stores = request.stores().isEmpty() ? windowStores(rules)
                : request.stores().stream().map(id -> knownStore(id, rules)).toList();
        List<LocalDate> dates;
        List<WorkItem> items;
        if (isPlanned(kind)) {
            // the window's own plan: recovery dates and yesterday, only the stores not loaded yet;
            // a recovery run first of all resumes what the interrupted run had not loaded
            Set<WorkItem> all = new LinkedHashSet<>(request.resume());
            if (request.enabled()) {
                all.addAll(pending(dates(coverage, now), stores, coverage));
            }
            items = all.stream().sorted(Comparator.comparing(WorkItem::date)
                    .thenComparing(w -> -rules.priority(w.storeId())).thenComparing(w -> storeOrder(w.storeId()))).toList();
            dates = items.stream().map(WorkItem::date).distinct().sorted().toList();
        } else {
            // an operator's explicit order: every requested (store, date) is (re)loaded
            dates = request.dates().isEmpty() ? List.of(businessDate(now))
                    : request.dates().stream().distinct().sorted().toList();
            items = new ArrayList<>();
            for (LocalDate d : dates) {
                for (StoreConfig st : stores) {
                    items.add(new WorkItem(st.id(), d));
                }
            }
        }
        Instant deadline = deadline(kind, now);
        return new Run(dates, List.copyOf(items), deadline, refusal(request, stores, items, deadline, now));
    }

    /** Why the run may not start, from the plan alone (the caller adds the process's and the writer's reasons). */
    private String refusal(Request request, List<StoreConfig> stores, List<WorkItem> items, Instant deadline,
                           Instant now) {
        String kind = request.kind();
        if (isPlanned(kind) && !request.enabled() && !"recovery".equals(kind)) {
            return "window disabled";
        }
        if (isTimed(kind) && !clock.inWindowHours(now)) {
            // a misfire delivered late (a long pause, a clock jump) must never stop the backend in the day
            FluxionConfig.Window w = clock.window();
            return kind + " run outside the window hours (" + w.start() + "-" + w.end() + " " + w.zone().getId()
                    + ", now " + now.atZone(w.zone()).toLocalTime().withNano(0) + ")" + firedFor(request)
                    + ": never started outside them";
        }
        if (isTimed(kind) && !now.isBefore(deadline)) {
            return kind + " run after the run deadline " + deadline + " (window end minus the backend's start time)"
                    + firedFor(request) + ": no store could start before the window ends";
        }
        if (stores.isEmpty()) {
            return "no enabled store to load";
        }
        if (items.isEmpty()) {
            return "business date " + businessDate(now) + " already completed";
        }
        return null;
    }

    /** ", scheduled for <time>" when the trigger says when it was due. */
    private String firedFor(Request request) {
        return request.due() == null ? "" : ", scheduled for " + request.due().atZone(clock.window().zone()).toOffsetDateTime();
    }

    /**
     * Business dates the window's own plan loads, oldest first: the dates of the last
     * {@code fluxion.window.recovery-days} before yesterday that are not completed, then yesterday.
     */
    public List<LocalDate> dates(Coverage coverage, Instant now) {
        LocalDate yesterday = businessDate(now);
        LocalDate from = yesterday.minusDays(config.window().recoveryDays());
        Map<LocalDate, String> known = coverage.businessDays(from, yesterday);
        List<LocalDate> out = new ArrayList<>();
        for (LocalDate d = from; d.isBefore(yesterday); d = d.plusDays(1)) {
            if (!"COMPLETED".equals(known.get(d))) {
                out.add(d);
            }
        }
        if (!"COMPLETED".equals(known.get(yesterday))) {
            out.add(yesterday);
        }
        return out;
    }

    /** (store, date) pairs of these dates whose store does not have the date loaded, by date, then store. */
    public List<WorkItem> pending(List<LocalDate> dates, List<StoreConfig> stores, Coverage coverage) {
        Set<WorkItem> loaded = coverage.loaded();
        List<WorkItem> items = new ArrayList<>();
        for (LocalDate d : dates) {
            for (StoreConfig st : stores) {
                WorkItem w = new WorkItem(st.id(), d);
                if (!loaded.contains(w)) {
                    items.add(w);
                }
            }
        }
        return items;
    }

    /** (store, date) pairs the window's own plan would load now: not-completed dates, window stores not loaded. */
    public List<WorkItem> pending(Coverage coverage, Instant now) {
        return pending(dates(coverage, now), windowStores(coverage.rules()), coverage);
    }

    /** The stores the window loads: enabled (the operators' flag over the configuration), highest priority first. */
    public List<StoreConfig> windowStores(StoreRules rules) {
        return rules.enabledInOrder(config.stores().stream().filter(s -> config.window().systems().contains(s.system()))
                .toList());
    }

    /**
     * No store attempt starts after: the ETL maximum ({@code fluxion.etl.max-duration}) and, for the
     * window's own runs inside the window, the window end minus the time the backend needs to start.
     */
    public Instant deadline(String kind, Instant now) {
        Instant max = now.plus(config.etl().maxDuration());
        if (!isPlanned(kind) || !clock.inWindowHours(now)) {
            return max;
        }
        ZonedDateTime zoned = now.atZone(clock.window().zone());
        Instant windowEnd = clock.windowEnd(zoned.toLocalDate()).toInstant().minus(config.backend().startTimeout());
        return windowEnd.isBefore(max) ? windowEnd : max;
    }

    // ---- retries: which failed pairs a run loads again, and when -------------------------------------

    /** The failed (store, date) loads that may be tried again (attempts left), in the run's order. */
    public static List<StoreProgress> retryable(Collection<StoreProgress> progress, int maxAttempts) {
        return retryable(progress, maxAttempts, StoreRules.NONE);
    }

    /** Same, each store with its own attempts when an operator set them ({@link StoreRules#maxAttempts}). */
    public static List<StoreProgress> retryable(Collection<StoreProgress> progress, int maxAttempts, StoreRules rules) {
        return progress.stream().filter(p -> p.status() == StoreProgress.Status.FAILED
                && p.attempts() < rules.maxAttempts(p.storeId(), maxAttempts)).toList();
    }

    /** When the first of them is due again: {@code interval} after the earliest failure (empty when none is). */
    public static Optional<Instant> nextRetry(List<StoreProgress> retryable, Duration interval) {
        return nextRetry(retryable, interval, StoreRules.NONE);
    }

    /** Same, each store with its own interval when an operator set one ({@link StoreRules#retryInterval}). */
    public static Optional<Instant> nextRetry(List<StoreProgress> retryable, Duration interval, StoreRules rules) {
        return retryable.stream().map(p -> p.endedAt().plus(rules.retryInterval(p.storeId(), interval)))
                .min(Instant::compareTo);
    }

    /** The loads due again at {@code now}: those that failed at least {@code interval} ago. */
    public static List<WorkItem> dueRetries(List<StoreProgress> retryable, Duration interval, Instant now) {
        return dueRetries(retryable, interval, StoreRules.NONE, now);
    }

    /** Same, each store with its own interval when an operator set one. */
    public static List<WorkItem> dueRetries(List<StoreProgress> retryable, Duration interval, StoreRules rules,
                                            Instant now) {
        return retryable.stream().filter(p -> !p.endedAt().plus(rules.retryInterval(p.storeId(), interval)).isAfter(now))
                .map(p -> new WorkItem(p.storeId(), p.date())).toList();
    }

    /** The business date a run opened at {@code now} loads: the day before, in the window zone. */
    private LocalDate businessDate(Instant now) {
        return now.atZone(clock.window().zone()).toLocalDate().minusDays(1);
    }

    /** Position of a store in the configuration, so work items keep the configured store order. */
    private int storeOrder(String storeId) {
        List<StoreConfig> all = config.stores();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).id().equals(storeId)) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    private StoreConfig knownStore(String id, StoreRules rules) {
        StoreConfig s = config.store(id);
        if (s == null || !rules.enabled(s)) {
            throw new IllegalArgumentException("unknown or disabled store: " + id);
        }
        return s;
    }
}
