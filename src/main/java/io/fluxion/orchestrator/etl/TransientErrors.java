package io.fluxion.orchestrator.etl;

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
 */
public final class TransientErrors {
    /** H2 error codes for a broken or refused connection (used by the demo and test stores). */
    private static final Set<Integer> H2_CONNECTION_CODES = Set.of(90067, 90028, 90098, 90121, 90135, 57014);

    private TransientErrors() {
    }

    public static boolean isTransient(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof LoadException || c instanceof StoreTimeoutException
                    || c instanceof io.fluxion.orchestrator.lifecycle.StopRequestedException) {
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
}
