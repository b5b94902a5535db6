package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.lifecycle.StopRequestedException;
import io.fluxion.orchestrator.lifecycle.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the {@code keyset-chunks} route ({@code routes/keyset-chunks.camel.yaml}), shared by the window's
 * store ETL and the KLK direct mode: the next chunk's query of the {@link KeysetPull} on the exchange, the chunk
 * appended to its load, and the rule of the {@code source-retry} route configuration (which source errors are
 * redelivered). The pull (camel-jdbc through {@link SourcePull}) and the load only meet here.
 */
public class KeysetChunks {
    /** Exchange property: the {@link KeysetPull} the route iterates. */
    public static final String PULL = "fluxionPull";
    /** Longest wait between two redeliveries (routes/keyset-chunks.camel.yaml, maximumRedeliveryDelay). */
    static final long MAX_REDELIVERY_DELAY_MILLIS = 120_000;

    private static final Logger LOG = LoggerFactory.getLogger(KeysetChunks.class);

    private final int redeliveries;
    private final Duration redeliveryDelay;
    private final Clock clock;
    private final StopSignal stop;

    /** {@code redeliveries} and {@code redeliveryDelay}: fluxion.etl.redeliveries and fluxion.etl.redelivery-delay. */
    public KeysetChunks(int redeliveries, Duration redeliveryDelay, Clock clock, StopSignal stop) {
        this.redeliveries = redeliveries;
        this.redeliveryDelay = redeliveryDelay;
        this.clock = clock;
        this.stop = stop;
    }

    /** Registry name of a store's source DataSource, used by the route's jdbc endpoint. */
    public static String dataSourceName(String storeId) {
        return "store-" + storeId;
    }

    /**
     * Body = the next chunk's query, headers = its parameters, and what {@link SourcePull} needs: the chunk's
     * deadline, what to say when it is reached, the store's data source. Fails the pull once the process is
     * stopping or past the deadline.
     */
    public void next(Exchange ex) {
        KeysetPull pull = pull(ex);
        long rows = pull.keyset().load().rows();
        if (stop.isRaised()) {
            throw new StopRequestedException(pull.label() + " stopped after " + rows + " rows: " + stop.reason());
        }
        if (!clock.instant().isBefore(pull.deadline())) {
            throw new StoreTimeoutException(pull.label() + " ran past " + pull.limit() + " after " + rows + " rows");
        }
        ex.setProperty(SourcePull.DEADLINE, pull.deadline());
        ex.setProperty(SourcePull.LIMIT, pull.label() + " reached " + pull.limit() + " after " + rows + " rows");
        ex.setProperty(SourcePull.DATA_SOURCE, pull.dataSource());
        ex.getIn().setBody(pull.keyset().query());
        ex.getIn().getHeaders().putAll(pull.keyset().parameters());
    }

    /** Appends the chunk camel-jdbc returned to the load; another chunk follows when the keyset says so. */
    @SuppressWarnings("unchecked")
    public void append(Exchange ex) {
        KeysetPull pull = pull(ex);
        List<Map<String, Object>> rows = ex.getIn().getBody(List.class);
        if (rows == null) {
            rows = List.of();
        }
        pull.setMore(pull.keyset().append(rows));
        pull.progress().chunkAppended(rows.size(), pull.keyset().load().rows());
        ex.getIn().setBody(null);
    }

    /**
     * retryWhile of the {@code source-retry} route configuration: redeliver transient source errors
     * ({@link TransientErrors}) up to {@code fluxion.etl.redeliveries}, never once the process is stopping, nor when
     * the redelivery would come after the chunk's deadline.
     */
    public boolean shouldRetry(Exchange ex) {
        Integer counter = ex.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        Throwable e = ex.getException() != null ? ex.getException() : ex.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        int n = counter == null ? 0 : counter;
        if (e == null || !TransientErrors.isTransient(e) || n > redeliveries || stop.isRaised()) {
            return false;
        }
        Instant deadline = ex.getProperty(SourcePull.DEADLINE, Instant.class);
        if (deadline != null && !clock.instant().plus(redeliveryDelay(n)).isBefore(deadline)) {
            LOG.warn("{}: not redelivered, the next try would come after the chunk's deadline {}",
                    ex.getProperty(PULL), deadline);
            return false;
        }
        return true;
    }

    /** The delay before redelivery n (1-based): fluxion.etl.redelivery-delay doubling, at most 120 s. */
    Duration redeliveryDelay(int n) {
        long millis = redeliveryDelay.toMillis() << Math.min(20, Math.max(0, n - 1));
        return Duration.ofMillis(Math.min(MAX_REDELIVERY_DELAY_MILLIS, millis < 0 ? Long.MAX_VALUE : millis));
    }

    private static KeysetPull pull(Exchange ex) {
        KeysetPull pull = ex.getProperty(PULL, KeysetPull.class);
        if (pull == null) {
            throw new IllegalStateException("no keyset pull on this exchange (property " + PULL + ")");
        }
        return pull;
    }
}
