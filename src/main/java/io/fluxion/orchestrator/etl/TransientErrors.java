package io.fluxion.orchestrator.etl;

import io.fluxion.orchestrator.lifecycle.StopRequestedException;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * Which source errors are worth a redelivery: connections refused, dropped or timed out, and query
 * timeouts. SQL mistakes, bad data and DuckDB errors are not: retrying them changes nothing.
 * Also how a failed load names its failure ({@link #reason}).
 */
public final class TransientErrors {
    /** H2 error codes for a broken or refused connection (used by the demo and test stores). */
    private static final Set<Integer> H2_CONNECTION_CODES = Set.of(90067, 90028, 90098, 90121, 90135, 57014);

    private TransientErrors() {
    }

    public static boolean isTransient(Throwable t) {
        // each cause once: a chain may loop (a.initCause(b), b.initCause(a))
        Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
            if (c instanceof LoadException || c instanceof StoreTimeoutException
                    || c instanceof StopRequestedException) {
                return false;
            }
            if (c instanceof SQLTransientException || c instanceof SQLRecoverableException
                    || c instanceof SQLNonTransientConnectionException || c instanceof SQLTimeoutException) {
                return true;
            }
            if (c instanceof SocketException || c instanceof SocketTimeoutException || c instanceof EOFException) {
                return true;
            }
            if (c instanceof SQLException s) {
                String state = s.getSQLState();
                if (state != null && (state.startsWith("08") || state.equals("HYT00") || state.equals("HYT01"))) {
                    return true;
                }
                if (H2_CONNECTION_CODES.contains(s.getErrorCode())) {
                    return true;
                }
            }
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The reason of a load that failed after its redeliveries, by kind: "timeout: ...", "stopped: ...",
     * "DuckDB: ...", "source unreachable after 3 redeliveries: ..." (a transient error that outlived them) or
     * "source error: ..."; the cause's message is added when the message does not hold it. Not yet scrubbed of
     * secrets (the caller knows them).
     */
    public static String reason(Throwable e, int redeliveries) {
        if (e == null) {
            return "unknown error";
        }
        String kind = e instanceof StoreTimeoutException ? "timeout"
                : e instanceof StopRequestedException ? "stopped"
                : e instanceof LoadException ? "DuckDB"
                : isTransient(e) ? "source unreachable after " + redeliveries + " redeliveries"
                : "source error";
        String msg = e.getMessage();
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null && (msg == null || !msg.contains(cause.getMessage()))) {
            msg = msg + " (" + cause.getMessage() + ")";
        }
        return kind + ": " + msg;
    }
}
