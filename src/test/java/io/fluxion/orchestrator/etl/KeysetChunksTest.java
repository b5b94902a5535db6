package io.fluxion.orchestrator.etl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fluxion.orchestrator.lifecycle.StopRequestedException;
import io.fluxion.orchestrator.lifecycle.StopSignal;
import java.net.ConnectException;
import java.sql.SQLSyntaxErrorException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The steps of the shared keyset-chunks route on their own: a keyset and a load kept in memory, a fixed clock,
 * the exchange the route would carry.
 */
class KeysetChunksTest {
    static final Instant NOW = Instant.parse("2026-11-21T06:00:00Z");

    final DefaultCamelContext context = new DefaultCamelContext();
    final StopSignal stop = new StopSignal();
    final MemoryLoad load = new MemoryLoad();
    final PagedKeyset keyset = new PagedKeyset(load, 3);
    final List<long[]> progress = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    /** A load that keeps its rows in memory. */
    static final class MemoryLoad implements Load {
        final List<Map<String, Object>> rows = new ArrayList<>();

        @Override
        public int append(List<Map<String, Object>> chunk) {
            rows.addAll(chunk);
            return chunk.size();
        }

        @Override
        public long rows() {
            return rows.size();
        }

        @Override
        public void commit() {
        }

        @Override
        public void rollback() {
            rows.clear();
        }
    }

    /** Pages of at most {@code size} rows keyed on "id". */
    static final class PagedKeyset implements Keyset {
        final MemoryLoad load;
        final int size;

        PagedKeyset(MemoryLoad load, int size) {
            this.load = load;
            this.size = size;
        }

        @Override
        public String query() {
            return "SELECT id FROM t WHERE id > :?ultimo_id ORDER BY id FETCH FIRST :?filas ROWS ONLY";
        }

        @Override
        public Map<String, Object> parameters() {
            return Map.of("ultimo_id", load.rows(), "filas", size);
        }

        @Override
        public boolean append(List<Map<String, Object>> rows) {
            return load.append(rows) == size;
        }

        @Override
        public Load load() {
            return load;
        }
    }

    KeysetChunks chunks(Instant now) {
        return new KeysetChunks(3, Duration.ofSeconds(2), Clock.fixed(now, ZoneOffset.UTC), stop);
    }

    Exchange exchange(Instant deadline) {
        Exchange ex = new DefaultExchange(context);
        ex.setProperty(KeysetChunks.PULL, new KeysetPull("store tienda_01 2026-11-20", "store-tienda_01", keyset, deadline,
                "its timeout of 10m00s", (n, loaded) -> progress.add(new long[] {n, loaded})));
        return ex;
    }

    static List<Map<String, Object>> rows(int from, int n) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = from; i < from + n; i++) {
            out.add(Map.of("id", (long) i));
        }
        return out;
    }

    @Test
    void eachChunkIsTheKeysetsQueryWithItsKeyAndTheDeadlineSourcePullWaitsFor() {
        Exchange ex = exchange(NOW.plusSeconds(600));
        KeysetChunks chunks = chunks(NOW);
        KeysetPull pull = ex.getProperty(KeysetChunks.PULL, KeysetPull.class);
        assertThat(pull.isMore()).isTrue();

        chunks.next(ex);
        assertThat(ex.getIn().getBody()).isEqualTo(keyset.query());
        assertThat(ex.getIn().getHeaders()).containsEntry("ultimo_id", 0L).containsEntry("filas", 3);
        assertThat(ex.getProperty(SourcePull.DEADLINE)).isEqualTo(NOW.plusSeconds(600));
        assertThat(ex.getProperty(SourcePull.DATA_SOURCE)).isEqualTo("store-tienda_01");
        assertThat(ex.getProperty(SourcePull.LIMIT))
                .isEqualTo("store tienda_01 2026-11-20 reached its timeout of 10m00s after 0 rows");

        // a full chunk: another follows, from the key the load reached
        ex.getIn().setBody(rows(1, 3));
        chunks.append(ex);
        assertThat(pull.isMore()).isTrue();
        assertThat(ex.getIn().getBody()).as("the rows are not kept on the exchange").isNull();
        chunks.next(ex);
        assertThat(ex.getIn().getHeaders()).containsEntry("ultimo_id", 3L);
        assertThat(ex.getProperty(SourcePull.LIMIT, String.class)).endsWith("after 3 rows");

        // a short chunk ends the pull
        ex.getIn().setBody(rows(4, 2));
        chunks.append(ex);
        assertThat(pull.isMore()).isFalse();
        assertThat(load.rows()).isEqualTo(5);
        assertThat(progress).containsExactly(new long[] {3, 3}, new long[] {2, 5});
    }

    @Test
    void noChunkStartsAtOrPastTheDeadlineNorOnceTheProcessStops() {
        Exchange ex = exchange(NOW);
        assertThatThrownBy(() -> chunks(NOW).next(ex)).isInstanceOf(StoreTimeoutException.class)
                .hasMessage("store tienda_01 2026-11-20 ran past its timeout of 10m00s after 0 rows");

        Exchange other = exchange(NOW.plusSeconds(600));
        stop.raise("SIGTERM");
        assertThatThrownBy(() -> chunks(NOW).next(other)).isInstanceOf(StopRequestedException.class)
                .hasMessageStartingWith("store tienda_01 2026-11-20 stopped after 0 rows: ");
    }

    @Test
    void aTransientErrorIsRedeliveredUpToTheRedeliveriesAndNeverPastTheChunksDeadline() {
        Exchange ex = exchange(NOW.plusSeconds(600));
        chunks(NOW).next(ex);
        ex.setException(new ConnectException("Connection refused"));
        KeysetChunks chunks = chunks(NOW);
        for (int counter : new int[] {0, 1, 2, 3}) {
            ex.getIn().setHeader(Exchange.REDELIVERY_COUNTER, counter);
            assertThat(chunks.shouldRetry(ex)).as("redelivery " + counter).isTrue();
        }
        ex.getIn().setHeader(Exchange.REDELIVERY_COUNTER, 4);
        assertThat(chunks.shouldRetry(ex)).as("fluxion.etl.redeliveries is 3").isFalse();

        // the 3rd redelivery waits 2 s x 2 x 2 = 8 s: not when the deadline is 8 s away
        ex.getIn().setHeader(Exchange.REDELIVERY_COUNTER, 3);
        assertThat(chunks(NOW.plusSeconds(592)).shouldRetry(ex)).isFalse();
        assertThat(chunks(NOW.plusSeconds(591)).shouldRetry(ex)).isTrue();

        ex.setException(new SQLSyntaxErrorException("Table VENTAS not found"));
        assertThat(chunks.shouldRetry(ex)).as("a SQL mistake is not retried").isFalse();

        ex.setException(new ConnectException("Connection refused"));
        stop.raise("SIGTERM");
        assertThat(chunks.shouldRetry(ex)).as("never once the process is stopping").isFalse();
    }

    @Test
    void theRedeliveryDelayDoublesUpToTwoMinutes() {
        KeysetChunks chunks = chunks(NOW);
        assertThat(chunks.redeliveryDelay(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(chunks.redeliveryDelay(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(chunks.redeliveryDelay(6)).isEqualTo(Duration.ofSeconds(64));
        assertThat(chunks.redeliveryDelay(7)).isEqualTo(Duration.ofMinutes(2));
        assertThat(chunks.redeliveryDelay(500)).isEqualTo(Duration.ofMinutes(2));
    }
}
