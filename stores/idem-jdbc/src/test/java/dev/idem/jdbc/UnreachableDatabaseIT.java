package dev.idem.jdbc;

import static dev.idem.jdbc.TransactionalCompletionIT.fingerprint;
import static dev.idem.jdbc.TransactionalCompletionIT.freshKey;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A database that does not answer is reported as unavailable by every operation, never taken for an
 * absent record. Real drivers against a local port nothing listens on.
 */
@DisplayName("An unreachable database")
class UnreachableDatabaseIT {

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  @DisplayName("makes every operation throw StoreUnavailableException naming store and operation")
  void everyOperationIsUnavailable(TestDatabase database) throws Exception {
    int port = closedPort();
    DataSource ds =
        new UrlDataSource(
            switch (database) {
              case POSTGRESQL ->
                  "jdbc:postgresql://127.0.0.1:" + port + "/test?user=postgres&connectTimeout=2";
              case MARIADB ->
                  "jdbc:mariadb://127.0.0.1:" + port + "/test?user=root&connectTimeout=2000";
              case H2 -> "jdbc:h2:tcp://127.0.0.1:" + port + "/mem:nothing";
            });
    assertAllUnavailable(ds, database.dialect);
  }

  @Test
  @DisplayName("a pool that times out waiting for a connection counts as unavailable too")
  void poolTimeoutIsUnavailable() {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + closedPort() + "/test?connectTimeout=1");
    config.setUsername("postgres");
    config.setInitializationFailTimeout(-1);
    config.setConnectionTimeout(250);
    config.setMaximumPoolSize(1);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      assertAllUnavailable(pool, JdbcDialect.POSTGRESQL);
    }
  }

  private static void assertAllUnavailable(DataSource ds, JdbcDialect dialect) {
    assertThatThrownBy(() -> JdbcIdempotencyStore.builder().dataSource(ds).build())
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("detect the database dialect");
    try (JdbcIdempotencyStore store =
        JdbcIdempotencyStore.builder().dataSource(ds).dialect(dialect).build()) {
      StoreKey key = freshKey();
      LeaseToken token = LeaseToken.random();
      Duration d = Duration.ofSeconds(5);
      unavailable(() -> store.acquire(key, fingerprint(), d), "acquire");
      unavailable(() -> store.complete(key, token, new byte[1], d), "complete");
      unavailable(() -> store.renew(key, token, d), "renew");
      unavailable(() -> store.release(key, token), "release");
      unavailable(() -> store.find(key), "find");
      unavailable(store::sweep, "sweep");
    }
  }

  private static void unavailable(ThrowingCallable call, String operation) {
    assertThatThrownBy(call)
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("JdbcIdempotencyStore")
        .hasMessageContaining("could not " + operation);
  }

  /** A local port nothing listens on (bound, then released). */
  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
