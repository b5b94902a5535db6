package io.fluxion.orchestrator.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import io.fluxion.orchestrator.config.ConfigException;
import io.fluxion.orchestrator.testing.LedgerDatabases;
import io.fluxion.orchestrator.testing.LogCapture;
import io.fluxion.orchestrator.testing.PostgresServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ledger's pool: PostgreSQL with a password, errors that never show it, the embedded H2 default. */
class LedgerDataSourceTest {
    @TempDir
    Path tmp;

    @Test
    void postgresWithItsPasswordAndAWrongOneRefusedWithoutShowingIt() throws Exception {
        LedgerDatabases.Database db = PostgresServer.newDatabase();
        try (HikariDataSource ds = LedgerDatabases.open(db); Connection c = ds.getConnection()) {
            assertThat(c.getMetaData().getDatabaseProductName()).isEqualTo("PostgreSQL");
            assertThat(c.getMetaData().getUserName()).isEqualTo(PostgresServer.USER);
        }
        String wrong = "wrong-" + PostgresServer.PASSWORD;
        try (LogCapture log = new LogCapture()) {
            assertThatThrownBy(() -> LedgerDataSource.open(LedgerDataSource.settings(db.url(), db.user(), wrong, null)))
                    .isInstanceOf(LedgerException.class)
                    .hasMessageContaining("cannot open the ledger " + db.url() + " as user 'fluxion'")
                    .hasMessageContaining("password authentication failed")
                    .hasMessageNotContaining(wrong);
            assertThat(String.join("\n", log.lines())).doesNotContain(wrong);
        }
        // a password written into the URL is not shown either
        String inUrl = db.url() + "?user=fluxion&password=" + wrong;
        assertThatThrownBy(() -> LedgerDataSource.open(LedgerDataSource.settings(inUrl, null, null, null)))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("password=***")
                .hasMessageNotContaining(wrong);
        assertThat(LedgerDataSource.settings(db.url(), db.user(), wrong, "5").toString())
                .doesNotContain(wrong).contains("password=***");
    }

    @Test
    void aServerThatIsNotThereStopsTheStartAtOnceWithAClearError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/fluxion";
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> LedgerDataSource.open(LedgerDataSource.settings(url, "fluxion", "pw-123456", null)))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("cannot open the ledger " + url)
                .hasMessageContaining("Connection to 127.0.0.1:" + port + " refused");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void theEmbeddedDefaultIsClosedByThisProcessNotByH2sShutdownHook() {
        String url = LedgerDatabases.h2Url(tmp);
        LedgerDataSource.Settings s = LedgerDataSource.settings(url, null, null, null);
        assertThat(s.url()).isEqualTo(url + ";DB_CLOSE_ON_EXIT=FALSE");
        assertThat(s.user()).isEqualTo("sa");
        assertThat(s.poolSize()).isEqualTo(LedgerDataSource.DEFAULT_POOL_SIZE);
        assertThat(LedgerDataSource.settings(url + ";DB_CLOSE_ON_EXIT=TRUE", null, null, null).url())
                .isEqualTo(url + ";DB_CLOSE_ON_EXIT=TRUE");
        try (HikariDataSource ds = LedgerDataSource.open(s)) {
            assertThat(ds.getMaximumPoolSize()).isEqualTo(LedgerDataSource.DEFAULT_POOL_SIZE);
            assertThat(ds.getMaxLifetime()).isZero();
        }
    }

    @Test
    void aBadPoolSizeNamesItsKey() {
        for (String bad : new String[] {"0", "1", "101", "ten"}) {
            assertThatThrownBy(() -> LedgerDataSource.settings("jdbc:h2:mem:x", null, null, bad))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("fluxion.ledger.pool-size");
        }
        assertThat(LedgerDataSource.settings("jdbc:h2:mem:x", null, null, " 20 ").poolSize()).isEqualTo(20);
    }
}
