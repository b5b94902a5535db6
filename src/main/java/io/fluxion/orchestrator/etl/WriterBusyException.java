package io.fluxion.orchestrator.etl;

/** Another writer of this process holds the DuckDB lease. */
public class WriterBusyException extends RuntimeException {
    private final String holder;

    public WriterBusyException(String holder) {
        super("DuckDB writer is busy: held by " + holder);
        this.holder = holder;
    }

    public String holder() {
        return holder;
    }
}
