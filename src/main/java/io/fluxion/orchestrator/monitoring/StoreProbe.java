package io.fluxion.orchestrator.monitoring;

import io.fluxion.orchestrator.config.StoreConfig;
import io.fluxion.orchestrator.etl.SourceProbe;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The health check's and the status API's view of the stores' sources, over the probe of {@code etl}
 * ({@link SourceProbe}, which the window also calls at its start). The newest answer of each store is reused for
 * {@code maxAge}, whoever asked for it, so neither a health poller nor the page reaches over the VPN on every
 * request.
 */
public class StoreProbe {
    private final List<StoreConfig> stores;
    private final SourceProbe probe;
    private final Clock clock;
    private final Duration maxAge;
    private final Executor background;
    private final AtomicBoolean refreshing = new AtomicBoolean();

    public StoreProbe(List<StoreConfig> stores, SourceProbe probe, Clock clock, Duration maxAge, Executor background) {
        this.stores = List.copyOf(stores);
        this.probe = probe;
        this.clock = clock;
        this.maxAge = maxAge;
        this.background = background;
    }

    /** Every store's answer younger than {@code maxAge}; else a new round over every store (blocks, bounded). */
    public SourceProbe.Round latest() {
        SourceProbe.Round known = known();
        return isFresh(known) ? known : probe.probe(stores, "health");
    }

    /**
     * What is known now, without waiting: each store's newest answer (null results are left out). When any is
     * older than {@code maxAge} or missing, a new round starts in the background (one at a time), for the next ask.
     */
    public SourceProbe.Round knownAndRefresh() {
        SourceProbe.Round known = known();
        if (!isFresh(known) && refreshing.compareAndSet(false, true)) {
            try {
                background.execute(() -> {
                    try {
                        probe.probe(stores, "status");
                    } finally {
                        refreshing.set(false);
                    }
                });
            } catch (RuntimeException e) {
                refreshing.set(false);
            }
        }
        return known;
    }

    /** Probes every store now. */
    public SourceProbe.Round probeNow() {
        return probe.probe(stores, "health");
    }

    public List<StoreConfig> stores() {
        return stores;
    }

    private SourceProbe.Round known() {
        Map<String, SourceProbe.Result> newest = probe.newest();
        Map<String, SourceProbe.Result> out = new LinkedHashMap<>();
        Instant oldest = null;
        for (StoreConfig s : stores) {
            SourceProbe.Result r = newest.get(s.id());
            if (r != null) {
                out.put(s.id(), r);
                oldest = oldest == null || r.at().isBefore(oldest) ? r.at() : oldest;
            }
        }
        return new SourceProbe.Round(out, oldest, "known");
    }

    private boolean isFresh(SourceProbe.Round r) {
        return r.results().size() == stores.size() && (stores.isEmpty()
                || Duration.between(r.at(), clock.instant()).compareTo(maxAge) < 0);
    }
}
