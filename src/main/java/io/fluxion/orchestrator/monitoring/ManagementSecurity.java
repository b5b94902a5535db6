package io.fluxion.orchestrator.monitoring;

import io.fluxion.orchestrator.config.ConfigException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.AuthenticationProvider;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.UsernamePasswordCredentials;
import io.vertx.ext.web.handler.BasicAuthHandler;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Function;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.platform.http.vertx.auth.AuthenticationConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards Camel's management server (Jolokia, health, metrics). On a host other than loopback,
 * {@code camel.management.authenticationEnabled=true} is required; with it, HTTP Basic credentials come
 * from {@code fluxion.management.user} / {@code fluxion.management.password} (set them in the environment:
 * FLUXION_MANAGEMENT_USER, FLUXION_MANAGEMENT_PASSWORD), kept in memory only. Camel's own
 * {@code camel.management.basicPropertiesFile} (a Vert.x users file) is honoured instead when set.
 * The management port may not be the API port (the two servers would merge into one).
 */
public final class ManagementSecurity {
    public static final String USER = "fluxion.management.user";
    public static final String PASSWORD = "fluxion.management.password";
    public static final String REALM = "fluxion-management";
    private static final Logger LOG = LoggerFactory.getLogger(ManagementSecurity.class);

    private ManagementSecurity() {
    }

    /** Validates the settings and installs the authentication on the (not yet started) server. */
    public static void apply(ManagementHttpServer server, Function<String, String> props) {
        String host = server.getHost() == null ? "0.0.0.0" : server.getHost();
        boolean auth = "true".equalsIgnoreCase(trim(props.apply("camel.management.authenticationEnabled")));
        boolean loopback = isLoopback(host);
        if (!loopback && !auth) {
            throw new ConfigException("camel.management.authenticationEnabled", "must be true when camel.management.host ("
                    + host + ") is not a loopback address: Jolokia, health and metrics would be open to the network."
                    + " Set CAMEL_MANAGEMENT_AUTHENTICATIONENABLED=true with FLUXION_MANAGEMENT_USER and"
                    + " FLUXION_MANAGEMENT_PASSWORD, or bind camel.management.host to 127.0.0.1");
        }
        String serverEnabled = trim(props.apply("camel.server.enabled"));
        String apiPort = trim(props.apply("camel.server.port"));
        if (!"false".equalsIgnoreCase(serverEnabled) && apiPort != null && apiPort.equals(String.valueOf(server.getPort()))) {
            throw new ConfigException("camel.management.port", "is " + apiPort + ", the same as camel.server.port:"
                    + " the management server (Jolokia, health, metrics) needs a port of its own");
        }
        if (!auth) {
            LOG.info("Management server on {}:{} (loopback, no authentication)", host, server.getPort());
            return;
        }
        AuthenticationConfig config = server.getConfiguration().getAuthenticationConfig();
        if (config.isEnabled()) {
            // Camel configured camel.management.basicPropertiesFile (or JWT) itself
            LOG.info("Management server on {}:{} with Camel's configured authentication", host, server.getPort());
            return;
        }
        String user = trim(props.apply(USER));
        String password = props.apply(PASSWORD);
        if (user == null || user.isEmpty()) {
            throw new ConfigException(USER, "is required with camel.management.authenticationEnabled=true:"
                    + " set FLUXION_MANAGEMENT_USER (and FLUXION_MANAGEMENT_PASSWORD) in the environment");
        }
        if (password == null || password.length() < 12) {
            throw new ConfigException(PASSWORD, "is required with camel.management.authenticationEnabled=true, at least"
                    + " 12 characters: set FLUXION_MANAGEMENT_PASSWORD in the environment");
        }
        String path = trim(props.apply("camel.management.authenticationPath"));
        AuthenticationConfig.AuthenticationConfigEntry entry = new AuthenticationConfig.AuthenticationConfigEntry();
        entry.setPath(path == null || path.isEmpty() || "/".equals(path) ? "/*" : path);
        AuthenticationProvider provider = new FixedUserProvider(user, password);
        entry.setAuthenticationProviderFactory(vertx -> provider);
        entry.setAuthenticationHandlerFactory(new AuthenticationConfig.AuthenticationHandlerFactory() {
            @Override
            public <T extends AuthenticationProvider> io.vertx.ext.web.handler.AuthenticationHandler createAuthenticationHandler(
                    T p) {
                return BasicAuthHandler.create(p, REALM);
            }
        });
        config.getEntries().add(entry);
        config.setEnabled(true);
        LOG.info("Management server on {}:{} with HTTP Basic authentication on {} (user from {})", host,
                server.getPort(), entry.getPath(), USER);
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    /** One user whose credentials live in memory only; compares in constant time. */
    static final class FixedUserProvider implements AuthenticationProvider {
        private final byte[] user;
        private final byte[] password;

        FixedUserProvider(String user, String password) {
            this.user = user.getBytes(StandardCharsets.UTF_8);
            this.password = password.getBytes(StandardCharsets.UTF_8);
        }

        boolean matches(String u, String p) {
            if (u == null || p == null) {
                return false;
            }
            boolean a = MessageDigest.isEqual(user, u.getBytes(StandardCharsets.UTF_8));
            boolean b = MessageDigest.isEqual(password, p.getBytes(StandardCharsets.UTF_8));
            return a & b;
        }

        @Override
        public Future<User> authenticate(Credentials credentials) {
            if (credentials instanceof UsernamePasswordCredentials c && matches(c.getUsername(), c.getPassword())) {
                return Future.succeededFuture(User.fromName(c.getUsername()));
            }
            return Future.failedFuture("invalid credentials");
        }

        @Override
        public void authenticate(Credentials credentials, Handler<AsyncResult<User>> handler) {
            authenticate(credentials).onComplete(handler);
        }

        @Override
        public void authenticate(JsonObject json, Handler<AsyncResult<User>> handler) {
            authenticate(new UsernamePasswordCredentials(json.getString("username"), json.getString("password")))
                    .onComplete(handler);
        }
    }
}
