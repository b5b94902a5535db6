package io.fluxion.orchestrator.backend;

/** Mode {@code none}: there is no backend to control (the embedded default); stop and start return at once. */
public class NoBackendControl implements BackendControl {
    @Override
    public String mode() {
        return "none";
    }

    @Override
    public void stop() {
        // nothing holds the DuckDB file but this process
    }

    @Override
    public void start() {
        // nothing to start
    }

    @Override
    public void requestStart() {
        // nothing to start
    }

    @Override
    public BackendState state() {
        return new BackendState(mode(), "none", null, null, null, null, null, null, null,
                "no backend is controlled (fluxion.backend.mode=none)", null);
    }
}
