package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.lifecycle.StopRequestedException;
import io.fluxion.orchestrator.lifecycle.StopSignal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the {@code keyset-chunks} route ({@code routes/keyset-chunks.camel.yaml}), shared by the window's
 * store ETL and the KLK direct mode: the next chunk's query of the {@link KeysetPull} on the exchange, the chunk
 * handed to its load's writer thread (appended while the next chunk is pulled), the wait for the last append, and
 * the rule of the {@code source-retry} route configuration (which source errors are
 * redelivered). The pull (camel-jdbc through {@link SourcePull}) and the load only meet here.
 */
public class KeysetChunks {
    /** Exchange property: the {@link KeysetPull} the route iterates. */
    public static final String PULL = "fluxionPull";
    /** Longest wait between two redeliveries (routes/keyset-chunks.camel.yaml, maximumRedeliveryDelay). */
    static final long MAX_REDELIVERY_DELAY_MILLIS = 120_000;

    private static final long POLL_MILLIS = 50;
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

    /**
     * Hands the chunk camel-jdbc returned to the load's writer thread, after the previous chunk's append has ended
     * (its error fails the pull here): one chunk is appended while the next one is pulled, never more, so at most two
     * chunks of a load are in memory. The keyset takes the chunk first (the next key, from its last row), so the next
     * chunk can start at once; another chunk follows when the keyset says so.
     */
    @SuppressWarnings("unchecked")
    public void append(Exchange ex) throws Exception {
        KeysetPull pull = pull(ex);
        List<Map<String, Object>> body = ex.getIn().getBody(List.class);
        List<Map<String, Object>> rows = body == null ? List.of() : body;
        awaitAppend(pull);
        Keyset keyset = pull.keyset();
        boolean more = keyset.advance(rows);
        pull.appending(pull.writer().submit(() -> {
            keyset.appendChunk(rows);
            pull.progress().chunkAppended(rows.size(), keyset.load().rows());
            return null;
        }));
        pull.setMore(more);
        ex.getIn().setBody(null);
    }

    /**
     * The end of the pull: waits for the last chunk's append (its error fails the pull), so the caller commits a load
     * that holds every chunk.
     */
    public void awaitAppends(Exchange ex) throws Exception {
        awaitAppend(pull(ex));
    }

    /**
     * Waits for the chunk the writer is appending, if any, and throws its error; gives up at once (the append goes on
     * until its chunk ends, and the load's rollback waits for it) when the process stops or the pull's deadline
     * passes.
     */
    private void awaitAppend(KeysetPull pull) throws Exception {
        Future<?> f = pull.appending();
        if (f == null) {
            return;
        }
        while (true) {
            try {
                f.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                long rows = pull.keyset().load().rows();
                if (stop.isRaised()) {
                    throw new StopRequestedException(pull.label() + " stopped after " + rows + " rows while a chunk was"
                            + " appended: " + stop.reason());
                }
                if (!clock.instant().isBefore(pull.deadline())) {
                    throw new StoreTimeoutException(pull.label() + " ran past " + pull.limit() + " after " + rows
                            + " rows, while a chunk was appended");
                }
            } catch (ExecutionException e) {
                // left in place: a redelivery of this step fails the same way, and never appends a chunk twice
                throw e.getCause() instanceof Exception x ? x : e;
            }
        }
        pull.appending(null);
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
