package dev.idem.jdbc;

import dev.idem.ManualClock;
import dev.idem.spi.IdempotencyStore;
import dev.idem.tck.IdempotencyStoreModelProperties;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

class PostgresStoreModelPropertiesIT extends IdempotencyStoreModelProperties {
  private static TestDatabase.Isolated db;

  @BeforeContainer
  static void isolate() {
    db = TestDatabase.POSTGRESQL.isolate();
  }

  @AfterContainer
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
