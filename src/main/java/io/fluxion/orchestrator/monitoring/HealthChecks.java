package io.fluxion.orchestrator.monitoring;

import io.fluxion.orchestrator.backend.BackendControl;
import io.fluxion.orchestrator.config.Secrets;
import io.fluxion.orchestrator.etl.SourceProbe;
import io.fluxion.orchestrator.ledger.Ledger;
import io.fluxion.orchestrator.window.WindowRun;
import io.fluxion.orchestrator.window.WindowService;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The product's named health checks at {@code /observe/health} (readiness unless said otherwise). Each
 * answers with a message an operator can act on; none puts a secret or a stack trace in its answer.
 */
public final class HealthChecks {
    public static final String GROUP = "fluxion";
    /** Longest a check that calls another system (ECS, the KLK backend) waits for it. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

    private HealthChecks() {
    }

    /** The run ledger answers a query. */
    public static final class LedgerCheck extends AbstractHealthCheck {
        private final Ledger ledger;
        private final List<String> secrets;

        public LedgerCheck(Ledger ledger, List<String> secrets) {
            super(GROUP, "ledger");
            this.ledger = ledger;
            this.secrets = secrets;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            try {
                ledger.ping();
                builder.message("the run ledger answers").up();
            } catch (RuntimeException e) {
                builder.message("the run ledger does not answer: " + Secrets.scrub(e.getMessage(), secrets)).down();
            }
        }
    }

    /** A file can be created (and removed) in {@code fluxion.data-dir}. */
    public static final class DataDirCheck extends AbstractHealthCheck {
        private final Path dir;

        public DataDirCheck(Path dir) {
            super(GROUP, "data-dir");
            this.dir = dir;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            try {
                Path probe = Files.createTempFile(dir, ".health-", ".tmp");
                Files.delete(probe);
                long free = Files.getFileStore(dir).getUsableSpace();
                builder.detail("usable.bytes", free);
                builder.message("data dir " + dir + " is writable (" + (free / (1024 * 1024)) + " MB free)").up();
            } catch (IOException | RuntimeException e) {
                builder.message("data dir " + dir + " is not writable: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage())).down();
            }
        }
    }

    /** The folder of the analytics DuckDB file exists (the file itself may not exist before the first load). */
    public static final class DuckDbFolderCheck extends AbstractHealthCheck {
        private final Path file;

        public DuckDbFolderCheck(Path file) {
            super(GROUP, "duckdb-folder");
            this.file = file;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            Path folder = file.toAbsolutePath().getParent();
            if (folder != null && Files.isDirectory(folder)) {
                builder.message("folder " + folder + " of the DuckDB file exists"
                        + (Files.exists(file) ? "" : " (the file is created by the first load)")).up();
            } else {
                builder.message("folder " + folder + " of the DuckDB file " + file + " does not exist"
                        + " (shared storage not mounted?)").down();
            }
        }
    }

    /**
     * {@code fluxion.backend.mode=ecs}: ECS answers {@code DescribeServices} for the backend's service. Reads
     * {@link BackendControl#state()}, the answer the scheduler status and the page use (cached a few seconds, one
     * call in flight, bounded): health probes, the page and the status never ask ECS more than once per period.
     */
    public static final class EcsCheck extends AbstractHealthCheck {
        private final BackendControl backend;
        private final List<String> secrets;

        public EcsCheck(BackendControl backend, List<String> secrets) {
            super(GROUP, "backend-ecs");
            this.backend = backend;
            this.secrets = secrets;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            BackendControl.BackendState s = backend.state();
            String detail = Secrets.scrub(String.valueOf(s.detail()), secrets);
            if ("unknown".equals(s.state()) || s.desired() == null) {
                builder.message(detail).down();
                return;
            }
            builder.detail("desired.count", s.desired());
            builder.detail("running.count", s.running());
            builder.detail("state", s.state());
            if (s.checkedAt() != null) {
                builder.detail("checked.at", s.checkedAt().toString());
            }
            builder.message("ECS answers: " + detail).up();
        }
    }

    /**
     * {@code fluxion.klk.mode=backend}: the backend answers HTTP at {@code fluxion.klk.backend-url} (any
     * answer below 500). While a window run has stopped the backend, that is expected and reported as such.
     */
    public static final class KlkBackendCheck extends AbstractHealthCheck {
        private final URI url;
        private final WindowService window;
        private final List<String> secrets;
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(CALL_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER).build();

        public KlkBackendCheck(URI url, WindowService window, List<String> secrets) {
            super(GROUP, "klk-backend");
            this.url = url;
            this.window = window;
            this.secrets = secrets;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            String where = Secrets.redactUrl(url.toString());
            Optional<WindowRun> run = window.current().filter(WindowRun::backendTouched);
            if (run.isPresent()) {
                builder.message("the backend " + where + " is stopped by window run #" + run.get().getId()
                        + " (expected until the run starts it)").up();
                return;
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url).timeout(CALL_TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() >= 500) {
                    builder.message("the backend " + where + " answers HTTP " + r.statusCode()).down();
                } else {
                    builder.message("the backend " + where + " answers (HTTP " + r.statusCode() + ")").up();
                }
            } catch (IOException e) {
                builder.message("the backend " + where + " does not answer: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + Secrets.scrub(e.getMessage(), secrets))).down();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                builder.message("interrupted").down();
            }
        }
    }

    /**
     * The stores' sources answer (connect and a trivial query). Reported, never a reason to be unready:
     * neither a readiness nor a liveness check, so only {@code /observe/health} runs it; a store that
     * cannot be reached turns it UNKNOWN (not DOWN), with the store named.
     */
    public static final class StoreSourcesCheck extends AbstractHealthCheck {
        private final StoreProbe probe;

        public StoreSourcesCheck(StoreProbe probe) {
            super(GROUP, "store-sources");
            this.probe = probe;
        }

        @Override
        public boolean isReadiness() {
            return false;
        }

        @Override
        public boolean isLiveness() {
            return false;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            SourceProbe.Round round = probe.latest();
            round.results().forEach((id, r) -> builder.detail("store." + id, r.reachable() ? "reachable" : "unreachable"));
            List<SourceProbe.Result> down = round.unreachable();
            if (round.results().isEmpty()) {
                builder.message("no store configured").up();
            } else if (down.isEmpty()) {
                builder.message("all " + round.results().size() + " store sources answer").up();
            } else {
                StringBuilder sb = new StringBuilder();
                sb.append(down.size()).append(" of ").append(round.results().size()).append(" store sources unreachable: ");
                for (int i = 0; i < Math.min(down.size(), 10); i++) {
                    SourceProbe.Result r = down.get(i);
                    sb.append(i == 0 ? "" : "; ").append(r.storeId()).append(" (").append(r.error()).append(')');
                }
                if (down.size() > 10) {
                    sb.append("; and ").append(down.size() - 10).append(" more");
                }
                builder.message(sb.toString()).unknown();
            }
        }
    }

    /**
     * Two instances (SPEC 2.8): which node this is and whether it leads, as details. Never DOWN: a follower is as
     * ready as the leader (both serve the status, the API and the page).
     */
    public static final class ClusterCheck extends AbstractHealthCheck {
        private final io.fluxion.orchestrator.cluster.Leadership leadership;

        public ClusterCheck(io.fluxion.orchestrator.cluster.Leadership leadership) {
            super(GROUP, "cluster");
            this.leadership = leadership;
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            boolean leads = leadership.isLeader();
            String leader = leadership.leaderNode().orElse(null);
            builder.detail("node", leadership.node());
            builder.detail("leader", leads);
            if (leader != null) {
                builder.detail("leader.node", leader);
            }
            builder.message(!leadership.enabled() ? "one instance (fluxion.cluster.enabled=false): node "
                    + leadership.node() + " leads" : "node " + leadership.node() + (leads ? " leads '" : " follows in '")
                    + leadership.namespace() + "'" + (leads ? "" : "; the leader is " + (leader == null ? "not known yet"
                    : leader))).up();
        }
    }
}
