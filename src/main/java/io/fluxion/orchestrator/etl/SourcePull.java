package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.lifecycle.StopRequestedException;
import io.fluxion.orchestrator.lifecycle.StopSignal;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;

/**
 * Runs one chunk query (the camel-jdbc endpoint the store route names in {@link #ENDPOINT}, on the store's
 * {@link SourceDataSource}) on a thread of its own and waits for it only until the chunk's deadline, until
 * the process stops, or until the previous chunk's append (which runs meanwhile, see {@link KeysetChunks}) fails.
 * A query timeout bounds the chunk only when the driver enforces it and the network answers; this bound
 * holds whatever the driver does: past the deadline the route gives the chunk up (statement cancelled,
 * connection aborted, see {@link SourceChunk#giveUp}) and goes on with a {@link StoreTimeoutException}.
 * The query runs on an exchange of its own, outside any route, so a chunk given up never touches the route's
 * exchange again and never holds up Camel's graceful shutdown (which waits for the exchanges of routes); its
 * thread is a daemon, left behind when the context stops.
 */
public class SourcePull {
    /** Exchange property: the chunk's deadline ({@link Instant}). */
    public static final String DEADLINE = "fluxionChunkDeadline";
    /** Exchange property: the reason when the deadline is reached ("store s d reached its timeout of 10m after n rows"). */
    public static final String LIMIT = "fluxionChunkLimit";
    /** Exchange property: the camel-jdbc endpoint URI of the chunk query. */
    public static final String ENDPOINT = "fluxionChunkEndpoint";
    /** Exchange property: the registry name of the store's DataSource (the endpoint's, named in the logs). */
    public static final String DATA_SOURCE = "fluxionDataSource";
    private static final long POLL_MILLIS = 50;

    private final CamelContext context;
    private final Clock clock;
    private final StopSignal stop;
    private final ExecutorService pool;
    private volatile ProducerTemplate producer;

    public SourcePull(CamelContext context, Clock clock, StopSignal stop) {
        this.context = context;
        this.clock = clock;
        this.stop = stop;
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        this.pool = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "source-pull-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** When the context stops: no new chunk; a chunk still blocked in its driver is left to die with the process. */
    public void close() {
        pool.shutdownNow();
    }

    public void pull(Exchange ex) throws Exception {
        Instant deadline = ex.getProperty(DEADLINE, Instant.class);
        String endpoint = ex.getProperty(ENDPOINT, String.class);
        String limit = ex.getProperty(LIMIT, "the chunk reached its deadline", String.class);
        Object after = ex.getIn().getHeader("ultimo_id") != null ? ex.getIn().getHeader("ultimo_id")
                : ex.getIn().getHeader("ultimo_codigo");
        String label = ex.getProperty(DATA_SOURCE, String.class) + " after " + after;
        SourceChunk chunk = new SourceChunk(label, deadline, clock);
        // the keyset pull whose previous chunk is being appended meanwhile (KeysetChunks), if any
        KeysetPull pull = ex.getProperty(KeysetChunks.PULL, KeysetPull.class);
        // a fresh exchange (not ex.copy(), which shares the route's unit-of-work state): body = the query,
        // headers = its parameters, the store's data source; a chunk given up can never touch ex again
        Exchange copy = new DefaultExchange(context);
        copy.getIn().setBody(ex.getIn().getBody());
        copy.getIn().setHeaders(new java.util.HashMap<>(ex.getIn().getHeaders()));
        copy.setProperty(DATA_SOURCE, ex.getProperty(DATA_SOURCE));
        Future<Exchange> f = pool.submit(() -> {
            chunk.bind();
            try {
                return producer().send(endpoint, copy);
            } finally {
                SourceChunk.unbind();
            }
        });
        while (true) {
            try {
                f.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                Throwable appendFailed = pull == null ? null : pull.appendFailure();
                if (appendFailed != null) {
                    // the previous chunk could not be appended: the pull fails now, as it would after this chunk
                    chunk.giveUp("the previous chunk's append failed");
                    throw appendFailed instanceof Exception x ? x : new LoadException(appendFailed.toString(), appendFailed);
                }
                if (stop.isRaised()) {
                    chunk.giveUp("the process is stopping");
                    throw new StopRequestedException("chunk query given up: " + stop.reason());
                }
                if (!clock.instant().isBefore(deadline)) {
                    chunk.giveUp("deadline " + deadline + " reached");
                    throw new StoreTimeoutException(limit + " (" + deadline + "): the chunk query in flight was given up");
                }
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception x ? x : e;
            }
        }
        if (copy.getException() != null) {
            throw copy.getException();
        }
        ex.getIn().setBody(copy.getMessage().getBody());
    }

    private ProducerTemplate producer() {
        ProducerTemplate p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = context.createProducerTemplate();
                }
                p = producer;
            }
        }
        return p;
    }
}
