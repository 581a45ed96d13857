package dev.idem.jdbc;

import dev.idem.ManualClock;
import dev.idem.spi.IdempotencyStore;
import dev.idem.tck.IdempotencyStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("JdbcIdempotencyStore on POSTGRESQL passes the store contract")
class PostgresStoreContractIT extends IdempotencyStoreContract {
  private static TestDatabase.Isolated db;

  @BeforeAll
  static void isolate() {
    db = TestDatabase.POSTGRESQL.isolate();
  }

  @AfterAll
  static void dropTable() {
    if (db != null) { // null when the server lookup failed; that failure is the one to read
      db.close();
    }
  }

  @Override
  protected IdempotencyStore newStore(ManualClock clock) {
    return db.store().clock(clock).build();
  }
}
