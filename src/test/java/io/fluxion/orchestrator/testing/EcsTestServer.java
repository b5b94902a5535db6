package io.fluxion.orchestrator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * An ECS endpoint for tests: speaks the JSON 1.1 protocol the AWS SDK {@link EcsClient} uses
 * ({@code X-Amz-Target: AmazonEC2ContainerServiceV20141113.UpdateService / DescribeServices}) on
 * 127.0.0.1, port 0. It keeps one service's state: {@code UpdateService} sets the desired count, and
 * each {@code DescribeServices} (every {@link #convergeEvery(int)} polls) moves the running count one
 * task towards it, as ECS drains and starts tasks. Every call is recorded in order, and faults are
 * injected on demand: throttling or 5xx for the next N calls, a service that never drains, one that
 * never comes back.
 */
public final class EcsTestServer implements AutoCloseable {
    public static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    public static final String REGION = "us-east-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One call as the server saw it: action, desiredCount sent (UpdateService), HTTP status, counts answered. */
    public record Call(String action, Integer desiredCount, int status, String error, int desired, int running,
                       Instant at) {
        /** {@code UpdateService(0)}, {@code DescribeServices->1}, {@code DescribeServices!ThrottlingException}. */
        public String brief() {
            if (status != 200) {
                return action + "!" + error;
            }
            return "UpdateService".equals(action) ? "UpdateService(" + desiredCount + ")" : action + "->" + running;
        }
    }

    private final HttpServer server;
    private final String cluster;
    private final String service;
    private final List<Call> calls = new ArrayList<>();
    private int desired;
    private int running;
    private int convergeEvery = 1;
    private int pollsSinceStep;
    private int throttleNext;
    private int failNext;
    private int failStatus = 500;
    private String faultAction;
    private Integer faultDesired;
    private boolean neverDrain;
    private boolean neverComeBack;
    private String rolloutState;
    private String rolloutReason;

    private EcsTestServer(String cluster, String service, int running) throws IOException {
        this.cluster = cluster;
        this.service = service;
        this.desired = running;
        this.running = running;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** A server whose service runs {@code running} tasks (desired = running). */
    public static EcsTestServer start(String cluster, String service, int running) {
        try {
            return new EcsTestServer(cluster, service, running);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String cluster() {
        return cluster;
    }

    public String service() {
        return service;
    }

    /** Properties for {@code fluxion.backend.mode=ecs} against this server. */
    public Map<String, String> properties() {
        Map<String, String> p = new HashMap<>();
        p.put("fluxion.backend.mode", "ecs");
        p.put("fluxion.backend.ecs.endpoint", endpoint());
        p.put("fluxion.backend.ecs.region", REGION);
        p.put("fluxion.backend.ecs.cluster", cluster);
        p.put("fluxion.backend.ecs.service", service);
        return p;
    }

    /**
     * A real {@link EcsClient} pointed at this server with dummy static credentials. With
     * {@code sdkRetries=false} the SDK does not retry on its own, so every call the code makes is one
     * call here (exact sequences); with {@code true} it keeps the SDK's standard retry strategy.
     */
    public EcsClient client(boolean sdkRetries) {
        var b = EcsClient.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.of(REGION))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test-key", "test-secret")));
        if (!sdkRetries) {
            b.overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        }
        return b.build();
    }

    /** Running moves one task towards desired every {@code n} DescribeServices calls. */
    public synchronized EcsTestServer convergeEvery(int n) {
        convergeEvery = Math.max(1, n);
        return this;
    }

    /** The next {@code n} calls (of any action) answer 400 ThrottlingException. */
    public synchronized void throttleNext(int n) {
        throttleNext(null, n);
    }

    /** The next {@code n} calls of {@code action} (null: any) answer 400 ThrottlingException. */
    public synchronized void throttleNext(String action, int n) {
        throttleNext = n;
        faultAction = action;
    }

    /** The next {@code n} calls answer {@code status} (5xx) ServerException. */
    public synchronized void failNext(int n, int status) {
        failNext(null, n, status);
    }

    /** The next {@code n} calls of {@code action} (null: any) answer {@code status} (5xx) ServerException. */
    public synchronized void failNext(String action, int n, int status) {
        failNext = n;
        failStatus = status;
        faultAction = action;
        faultDesired = null;
    }

    /** The next {@code n} UpdateService calls that set {@code desiredCount} answer {@code status}; others pass. */
    public synchronized void failUpdatesTo(int desiredCount, int n, int status) {
        failNext("UpdateService", n, status);
        faultDesired = desiredCount;
    }

    /** Tasks never stop: after a scale-down the running count stays above zero. */
    public synchronized void neverDrain(boolean on) {
        neverDrain = on;
    }

    /** Tasks never start: after a scale-up the running count stays at zero. */
    public synchronized void neverComeBack(boolean on) {
        neverComeBack = on;
    }

    /** The primary deployment's rollout state and reason from now on (null: as the counts say). */
    public synchronized void rollout(String state, String reason) {
        rolloutState = state;
        rolloutReason = reason;
    }

    /** How many DescribeServices calls the server answered (any answer). */
    public synchronized long describeCalls() {
        return calls.stream().filter(c -> "DescribeServices".equals(c.action())).count();
    }

    public synchronized int desired() {
        return desired;
    }

    public synchronized int running() {
        return running;
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The recorded calls in their brief form, e.g. {@code [UpdateService(0), DescribeServices->0, ...]}. */
    public synchronized List<String> briefs() {
        return calls.stream().map(Call::brief).toList();
    }

    /**
     * The calls as one line with repeated polls folded: {@code UpdateService(0) DescribeServices->1..0}
     * lists each answered running count once, in order.
     */
    public synchronized String sequence() {
        List<String> out = new ArrayList<>();
        for (String s : calls.stream().map(Call::brief).collect(Collectors.toList())) {
            if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) {
                out.add(s);
            }
        }
        return String.join(" ", out);
    }

    public synchronized void clearCalls() {
        calls.clear();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            byte[] in = ex.getRequestBody().readAllBytes();
            String action = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length())
                    : String.valueOf(target);
            JsonNode req = in.length == 0 ? JSON.createObjectNode() : JSON.readTree(in);
            int status;
            ObjectNode body;
            synchronized (this) {
                Integer sentDesired = req.has("desiredCount") ? req.get("desiredCount").asInt() : null;
                String error = null;
                if (!"POST".equals(ex.getRequestMethod())
                        || !String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")).startsWith("application/x-amz-json-1.1")
                        || ex.getRequestHeaders().getFirst("Authorization") == null) {
                    status = 400;
                    error = "InvalidRequest";
                    body = error(error, "expected a signed POST of application/x-amz-json-1.1");
                } else if (throttleNext > 0 && (faultAction == null || faultAction.equals(action))) {
                    throttleNext--;
                    status = 400;
                    error = "ThrottlingException";
                    body = error(error, "Rate exceeded");
                } else if (failNext > 0 && (faultAction == null || faultAction.equals(action))
                        && (faultDesired == null || faultDesired.equals(sentDesired))) {
                    failNext--;
                    status = failStatus;
                    error = "ServerException";
                    body = error(error, "Service unavailable (injected " + failStatus + ")");
                } else {
                    status = 200;
                    body = switch (action) {
                        case "UpdateService" -> update(req, sentDesired);
                        case "DescribeServices" -> describe(req);
                        default -> null;
                    };
                    if (body == null) {
                        status = 400;
                        error = "UnknownOperationException";
                        body = error(error, "unsupported action " + action);
                    } else if (body.has("__type")) {
                        status = 400;
                        error = body.get("__type").asText();
                    }
                }
                calls.add(new Call(action, sentDesired, status, error, desired, running, Instant.now()));
            }
            byte[] out = JSON.writeValueAsBytes(body);
            ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
            if (status != 200) {
                ex.getResponseHeaders().set("x-amzn-ErrorType", body.get("__type").asText());
            }
            ex.sendResponseHeaders(status, out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        }
    }

    private ObjectNode update(JsonNode req, Integer sentDesired) {
        if (!cluster.equals(text(req, "cluster"))) {
            return error("ClusterNotFoundException", "Cluster not found.");
        }
        if (!service.equals(text(req, "service"))) {
            return error("ServiceNotFoundException", "Service not found.");
        }
        if (sentDesired != null) {
            desired = sentDesired;
            pollsSinceStep = 0;
        }
        ObjectNode r = JSON.createObjectNode();
        r.set("service", serviceJson());
        return r;
    }

    private ObjectNode describe(JsonNode req) {
        if (!cluster.equals(text(req, "cluster"))) {
            return error("ClusterNotFoundException", "Cluster not found.");
        }
        if (++pollsSinceStep >= convergeEvery) {
            pollsSinceStep = 0;
            if (running > desired && !(neverDrain && running == 1)) {
                running--;
            } else if (running < desired && !neverComeBack) {
                running++;
            }
        }
        ObjectNode r = JSON.createObjectNode();
        ArrayNode services = r.putArray("services");
        ArrayNode failures = r.putArray("failures");
        for (JsonNode s : req.path("services")) {
            if (service.equals(s.asText())) {
                services.add(serviceJson());
            } else {
                ObjectNode f = failures.addObject();
                f.put("arn", "arn:aws:ecs:" + REGION + ":000000000000:service/" + cluster + "/" + s.asText());
                f.put("reason", "MISSING");
            }
        }
        return r;
    }

    private ObjectNode serviceJson() {
        ObjectNode s = JSON.createObjectNode();
        s.put("serviceArn", "arn:aws:ecs:" + REGION + ":000000000000:service/" + cluster + "/" + service);
        s.put("serviceName", service);
        s.put("clusterArn", "arn:aws:ecs:" + REGION + ":000000000000:cluster/" + cluster);
        s.put("status", "ACTIVE");
        s.put("desiredCount", desired);
        s.put("runningCount", running);
        s.put("pendingCount", running < desired && !neverComeBack ? desired - running : 0);
        s.put("launchType", "FARGATE");
        // the primary deployment, as ECS shows a service's rollout: COMPLETED once the counts meet, else IN_PROGRESS
        ObjectNode d = s.putArray("deployments").addObject();
        d.put("id", "ecs-svc/0000000000000000001");
        d.put("status", "PRIMARY");
        d.put("desiredCount", desired);
        d.put("runningCount", running);
        d.put("pendingCount", running < desired && !neverComeBack ? desired - running : 0);
        d.put("rolloutState", rolloutState != null ? rolloutState : running == desired ? "COMPLETED" : "IN_PROGRESS");
        d.put("rolloutStateReason", rolloutState != null ? rolloutReason : running == desired
                ? "ECS deployment ecs-svc/0000000000000000001 completed." : "ECS deployment in progress.");
        return s;
    }

    private static String text(JsonNode n, String field) {
        return n.path(field).asText(null);
    }

    private static ObjectNode error(String type, String message) {
        ObjectNode e = JSON.createObjectNode();
        e.put("__type", type);
        e.put("message", message);
        return e;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
