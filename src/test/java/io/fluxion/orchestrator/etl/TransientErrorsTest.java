package io.fluxion.orchestrator.etl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.fluxion.orchestrator.lifecycle.StopRequestedException;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.stream.Stream;
import org.apache.camel.CamelExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which failures of a chunk are worth a redelivery, and how a failed load names its failure. */
class TransientErrorsTest {

    static Stream<Arguments> transientErrors() {
        return Stream.of(
                Arguments.of("connection refused", new ConnectException("Connection refused")),
                Arguments.of("connection reset", new SocketException("Connection reset")),
                Arguments.of("read timed out", new SocketTimeoutException("Read timed out")),
                Arguments.of("stream ended", new EOFException()),
                Arguments.of("other I/O", new IOException("Broken pipe")),
                Arguments.of("JDBC transient", new SQLTransientConnectionException("pool")),
                Arguments.of("JDBC recoverable", new SQLRecoverableException("gone")),
                Arguments.of("JDBC connection", new SQLNonTransientConnectionException("refused")),
                Arguments.of("JDBC timeout", new SQLTimeoutException("query timeout")),
                Arguments.of("SQL state 08 (SQL Server: connection broken)", new SQLException("TCP/IP", "08S01")),
                Arguments.of("SQL state HYT00 (timeout)", new SQLException("timeout", "HYT00")),
                Arguments.of("H2 connection broken", new SQLException("Connection is broken", "90067", 90067)),
                Arguments.of("H2 statement canceled", new SQLException("canceled", "57014", 57014)),
                Arguments.of("wrapped by Camel", new CamelExecutionException("failed", null,
                        new SQLException("TCP/IP", "08S01"))),
                Arguments.of("deep in the chain", new RuntimeException(new IllegalStateException(new EOFException()))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transientErrors")
    void aBrokenConnectionOrATimeoutIsRedelivered(String what, Throwable e) {
        assertThat(TransientErrors.isTransient(e)).isTrue();
    }

    static Stream<Arguments> permanentErrors() {
        return Stream.of(
                Arguments.of("SQL mistake", new SQLSyntaxErrorException("Table VENTAS not found", "42S02", 42102)),
                Arguments.of("constraint", new SQLException("duplicate key", "23505")),
                Arguments.of("no SQL state", new SQLException("something")),
                Arguments.of("rows out of order", new SourceRowsException("ids out of order")),
                Arguments.of("a bug", new IllegalStateException("null")),
                // DuckDB's own errors are never the source's, whatever their cause says
                Arguments.of("DuckDB, caused by I/O", new LoadException("append failed", new IOException("disk"))),
                // the chunk's deadline and the process's stop end the attempt, even over a socket timeout
                Arguments.of("deadline", new StoreTimeoutException("ran past its timeout")),
                Arguments.of("stop", new StopRequestedException("stopping")),
                Arguments.of("deadline over a timeout", new RuntimeException(withCause(
                        new StoreTimeoutException("given up"), new SocketTimeoutException()))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("permanentErrors")
    void whatARetryCannotChangeIsNotRedelivered(String what, Throwable e) {
        assertThat(TransientErrors.isTransient(e)).isFalse();
    }

    @Test
    void aCauseChainThatLoopsEnds() {
        SQLException a = new SQLException("a");
        SQLException b = new SQLException("b");
        a.initCause(b);
        b.initCause(a);
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThat(TransientErrors.isTransient(a)).isFalse());
        assertThat(TransientErrors.isTransient(null)).isFalse();
    }

    @Test
    void aFailedLoadIsNamedByTheKindOfItsFailure() {
        assertThat(TransientErrors.reason(new StoreTimeoutException("store s d ran past its timeout of 2s after 0 rows"), 3))
                .isEqualTo("timeout: store s d ran past its timeout of 2s after 0 rows");
        assertThat(TransientErrors.reason(new StopRequestedException("chunk query given up"), 3))
                .isEqualTo("stopped: chunk query given up");
        assertThat(TransientErrors.reason(new LoadException("DuckDB append failed for s d: disk full", null), 3))
                .isEqualTo("DuckDB: DuckDB append failed for s d: disk full");
        assertThat(TransientErrors.reason(new SQLException("Connection refused", "08001"), 3))
                .isEqualTo("source unreachable after 3 redeliveries: Connection refused");
        assertThat(TransientErrors.reason(new SQLSyntaxErrorException("Table VENTAS not found"), 0))
                .isEqualTo("source error: Table VENTAS not found");
        // the cause's message is added when the message does not hold it, once
        assertThat(TransientErrors.reason(new RuntimeException("query failed", new SQLException("Column X not found")), 3))
                .isEqualTo("source error: query failed (Column X not found)");
        assertThat(TransientErrors.reason(new RuntimeException(new SQLException("Column X not found")), 3))
                .isEqualTo("source error: java.sql.SQLException: Column X not found");
        assertThat(TransientErrors.reason(null, 3)).isEqualTo("unknown error");
    }

    private static <T extends Throwable> T withCause(T e, Throwable cause) {
        e.initCause(cause);
        return e;
    }
}
