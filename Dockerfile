# Fluxion orchestrator image: docs/OPERATIONS.md ("Container") says how to run it on ECS.
#
#   docker build -t fluxion-orchestrator .
#   docker run -v /srv/fluxion:/data -p 8080:8080 -e FLUXION_CONFIG=/data/production.properties ... fluxion-orchestrator
#
# ---- Build: the same Maven build as CI, without tests (CI runs them) -------------------------------------
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies and plugins first, in their own layer: a code change does not download Maven again
# (go-offline, then a package of the bare pom fetches what go-offline misses, e.g. the shade plugin's own).
COPY pom.xml ./
RUN mvn -B -q -Plinux-natives -Dmaven.test.skip=true dependency:go-offline package && rm -rf target
COPY application.properties ./
COPY routes routes
COPY src/main src/main
# linux-natives: the jar keeps only DuckDB's linux natives (amd64, arm64), ~38 MB instead of ~119 MB
RUN mvn -B -q -Plinux-natives -Dmaven.test.skip=true package

# ---- Run: the jar on a JRE, as a non-root user ---------------------------------------------------------
FROM eclipse-temurin:17-jre
# curl: the HEALTHCHECK below
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 fluxion \
 && useradd --system --uid 10001 --gid fluxion --home-dir /app --no-create-home --shell /usr/sbin/nologin fluxion \
 && mkdir -p /app /data \
 && chown fluxion:fluxion /data \
 && chmod 700 /data
WORKDIR /app
COPY --from=build /src/target/fluxion-orchestrator.jar /app/fluxion-orchestrator.jar
# The image's defaults as an operator file (data dir /data, no demo): below the environment and -D, and
# replaced by the operator's own file when FLUXION_CONFIG names one.
COPY docker/container.properties /app/container.properties
# Ledger, lock and logs live under /data (mount an EFS access point there, owned by uid 10001); logs go to
# /data/logs (they follow fluxion.data-dir unless fluxion.log-dir says otherwise). The DuckDB file is
# fluxion.duckdb.path, by default /data/fluxion.duckdb.
# Heap: half of the container's memory (not the host's); the other half is for DuckDB, which allocates
# outside the Java heap, metaspace and threads. On OutOfMemoryError the JVM exits at once (ECS starts a
# new task, whose start-up recovery finishes the window and starts the backend) instead of limping on.
ENV FLUXION_CONFIG=/app/container.properties \
    JAVA_OPTS="-XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"
USER fluxion
VOLUME /data
EXPOSE 8080
# /maintenance-status: public (no credentials needed when the management server requires them), answered by
# the HTTP routes with the ledger behind them. The named checks (ledger, data dir, DuckDB folder, ECS) are on
# the management port: /observe/health/ready (docs/MONITORING.md), for the monitoring system.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${CAMEL_SERVER_PORT:-8080}/maintenance-status" || exit 1
# umask 077: whatever the JVM or a library creates (DuckDB's WAL, H2's temp files) is the owner's only.
# exec: java replaces the shell as PID 1, so it receives the SIGTERM of `docker stop` / ECS itself.
ENTRYPOINT ["sh", "-c", "umask 077 && exec java $JAVA_OPTS -jar /app/fluxion-orchestrator.jar \"$@\"", "--"]
