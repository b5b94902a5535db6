# Build: the same Maven build as CI, without tests (CI runs them).
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml application.properties ./
COPY routes routes
COPY src src
RUN mvn -B -q package -DskipTests

# Run: the jar on a JRE. DuckDB file, ledger and logs live under /data (mount the EFS volume there).
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/fluxion-orchestrator.jar /app/fluxion-orchestrator.jar
ENV FLUXION_DATA_DIR=/data \
    FLUXION_LOG_DIR=/data/logs \
    FLUXION_DEMO_ENABLED=false \
    JAVA_OPTS="-Xmx512m"
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /app/fluxion-orchestrator.jar \"$@\"", "--"]
