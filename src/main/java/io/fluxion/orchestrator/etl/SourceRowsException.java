package io.fluxion.orchestrator.etl;

/**
 * The source query returned rows the keyset cannot page (out of key order, or a full chunk that does not move
 * the key on): loading on would skip or repeat rows, so the load stops and rolls back. Not transient: the SQL
 * file (or the source) must change.
 */
public class SourceRowsException extends RuntimeException {
    public SourceRowsException(String message) {
        super(message);
    }
}
