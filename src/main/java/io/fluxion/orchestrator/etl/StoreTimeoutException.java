package io.fluxion.orchestrator.etl;

/** A store attempt ran past {@code fluxion.etl.store-timeout}; the attempt fails without redelivery. */
public class StoreTimeoutException extends RuntimeException {
    public StoreTimeoutException(String message) {
        super(message);
    }
}
