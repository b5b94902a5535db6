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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** A load that keeps its rows in memory; an append may be held (by {@link #gate}) or fail ({@link #failOn}). */
    static final class MemoryLoad implements Load {
        final List<Map<String, Object>> rows = java.util.Collections.synchronizedList(new ArrayList<>());
        final List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch gate = new CountDownLatch(0);
        final AtomicInteger inAppend = new AtomicInteger();
        volatile int mostAtOnce;
        volatile long failOn = -1;

        @Override
        public int append(List<Map<String, Object>> chunk) {
            int now = inAppend.incrementAndGet();
            mostAtOnce = Math.max(mostAtOnce, now);
            threads.add(Thread.currentThread().getName());
            try {
                if (!gate.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
                if (!chunk.isEmpty() && chunk.get(0).get("id").equals(failOn)) {
                    throw new LoadException("DuckDB append failed for tienda_01 2026-11-20: disk full", null);
                }
                rows.addAll(chunk);
                return chunk.size();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                inAppend.decrementAndGet();
            }
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

    /** Pages of at most {@code size} rows keyed on "id": the key is the last id of the chunk taken. */
    static final class PagedKeyset implements Keyset {
        final MemoryLoad load;
        final int size;
        long key;

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
            return Map.of("ultimo_id", key, "filas", size);
        }

        @Override
        public boolean advance(List<Map<String, Object>> rows) {
            if (!rows.isEmpty()) {
                key = (Long) rows.get(rows.size() - 1).get("id");
            }
            return rows.size() == size;
        }

        @Override
        public void appendChunk(List<Map<String, Object>> rows) {
            load.append(rows);
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
    void eachChunkIsTheKeysetsQueryWithItsKeyAndTheDeadlineSourcePullWaitsFor() throws Exception {
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

        // a short chunk ends the pull, and its end waits for the last append
        ex.getIn().setBody(rows(4, 2));
        chunks.append(ex);
        assertThat(pull.isMore()).isFalse();
        chunks.awaitAppends(ex);
        assertThat(load.rows()).isEqualTo(5);
        assertThat(progress).containsExactly(new long[] {3, 3}, new long[] {2, 5});
    }

    @Test
    void theNextChunkIsAskedForWhileTheLastOneIsAppendedOnTheLoadsWriterOneChunkAtATime() throws Exception {
        Exchange ex = exchange(NOW.plusSeconds(600));
        KeysetChunks chunks = chunks(NOW);
        load.gate = new CountDownLatch(1);
        chunks.next(ex);
        ex.getIn().setBody(rows(1, 3));
        chunks.append(ex);

        // the append of chunk 1 is held: the query of chunk 2 is ready all the same, from chunk 1's last row
        chunks.next(ex);
        assertThat(ex.getIn().getHeaders()).containsEntry("ultimo_id", 3L);
        assertThat(load.rows()).isZero();

        // chunk 2 is handed over only once chunk 1 is appended: never two appends at once, two chunks in flight
        ex.getIn().setBody(rows(4, 3));
        java.util.concurrent.CompletableFuture<Void> second = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try {
                chunks.append(ex);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThatThrownBy(() -> second.get(200, TimeUnit.MILLISECONDS)).as("waits for the previous append")
                .isInstanceOf(java.util.concurrent.TimeoutException.class);
        load.gate.countDown();
        second.get(10, TimeUnit.SECONDS);
        chunks.next(ex);
        ex.getIn().setBody(rows(7, 1));
        chunks.append(ex);
        chunks.awaitAppends(ex);

        assertThat(load.rows()).isEqualTo(7);
        assertThat(load.rows).extracting(r -> r.get("id")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(load.mostAtOnce).isEqualTo(1);
        assertThat(load.threads).allMatch(t -> t.startsWith("chunk-append store tienda_01 2026-11-20"))
                .noneMatch(t -> t.equals(Thread.currentThread().getName()));
        assertThat(progress).containsExactly(new long[] {3, 3}, new long[] {3, 6}, new long[] {1, 7});
    }

    @Test
    void anAppendErrorFailsThePullAtTheNextStepAndNoChunkIsAppendedTwice() throws Exception {
        Exchange ex = exchange(NOW.plusSeconds(600));
        KeysetChunks chunks = chunks(NOW);
        load.failOn = 1L;
        chunks.next(ex);
        ex.getIn().setBody(rows(1, 3));
        chunks.append(ex);
        chunks.next(ex);
        ex.getIn().setBody(rows(4, 3));
        assertThatThrownBy(() -> chunks.append(ex)).isInstanceOf(LoadException.class).hasMessageContaining("disk full");
        // a redelivery of the step fails the same way: chunk 2 is never handed over after a failed chunk
        assertThatThrownBy(() -> chunks.append(ex)).isInstanceOf(LoadException.class);
        assertThatThrownBy(() -> chunks.awaitAppends(ex)).isInstanceOf(LoadException.class);
        KeysetPull pull = ex.getProperty(KeysetChunks.PULL, KeysetPull.class);
        assertThat(pull.appendFailure()).isInstanceOf(LoadException.class);
        assertThat(load.threads).hasSize(1);
        assertThat(load.rows()).isZero();

        // the last chunk's error fails the end of the pull
        Exchange last = exchange(NOW.plusSeconds(600));
        MemoryLoad other = new MemoryLoad();
        other.failOn = 9L;
        last.setProperty(KeysetChunks.PULL, new KeysetPull("store tienda_02 2026-11-20", "store-tienda_02",
                new PagedKeyset(other, 3), NOW.plusSeconds(600), "its timeout of 10m00s", null));
        last.getIn().setBody(rows(9, 1));
        chunks.append(last);
        assertThatThrownBy(() -> chunks.awaitAppends(last)).isInstanceOf(LoadException.class);
    }

    @Test
    void aStopOrTheDeadlineGivesUpTheWaitForAnAppendAtOnce() throws Exception {
        Exchange ex = exchange(NOW.plusSeconds(600));
        load.gate = new CountDownLatch(1);
        chunks(NOW).next(ex);
        ex.getIn().setBody(rows(1, 3));
        chunks(NOW).append(ex);
        assertThatThrownBy(() -> chunks(NOW.plusSeconds(600)).awaitAppends(ex)).isInstanceOf(StoreTimeoutException.class)
                .hasMessageContaining("ran past its timeout of 10m00s");
        stop.raise("SIGTERM");
        ex.getIn().setBody(rows(4, 1));
        assertThatThrownBy(() -> chunks(NOW).append(ex)).isInstanceOf(StopRequestedException.class)
                .hasMessageContaining("SIGTERM");
        load.gate.countDown();
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
