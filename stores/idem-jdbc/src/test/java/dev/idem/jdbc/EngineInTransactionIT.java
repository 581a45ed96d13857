package dev.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Fingerprint;
import dev.idem.Idempotency;
import dev.idem.Invocation;
import dev.idem.ManualClock;
import dev.idem.Outcome;
import dev.idem.ResultCodec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The README's example, through the public engine: what a payments service would write. */
@DisplayName("The engine inside a caller's JDBC transaction")
class EngineInTransactionIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Map<TestDatabase, TestDatabase.Isolated> DATABASES =
      new EnumMap<>(TestDatabase.class);

  private static synchronized TestDatabase.Isolated db(TestDatabase database) {
    return DATABASES.computeIfAbsent(
        database,
        d -> {
          TestDatabase.Isolated isolated = d.isolate();
          TestDatabase.execute(
              isolated.dataSource,
              "CREATE TABLE " + payments(isolated) + " (id VARCHAR(64) PRIMARY KEY)");
          return isolated;
        });
  }

  @AfterAll
  static void dropTables() {
    for (TestDatabase.Isolated isolated : DATABASES.values()) {
      TestDatabase.execute(isolated.dataSource, "DROP TABLE " + payments(isolated));
      isolated.close();
    }
  }

  private static String payments(TestDatabase.Isolated db) {
    return db.table + "_engine_payments";
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MARIADB"})
  @DisplayName("committed: the retry replays; rolled back: the retry runs again after the lease")
  void commitThenRollback(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    ManualClock clock = ManualClock.ofDefaults();
    AtomicInteger runs = new AtomicInteger();
    try (JdbcIdempotencyStore store = db.store().clock(clock).build();
        Idempotency idempotency = Idempotency.builder().store(store).lease(LEASE).build()) {
      Invocation committed = Invocation.of(UUID.randomUUID().toString(), fingerprint());
      assertThat(pay(db, idempotency, committed, runs, true)).isInstanceOf(Outcome.Executed.class);
      assertThat(pay(db, idempotency, committed, runs, true)).isInstanceOf(Outcome.Replayed.class);
      assertThat(runs.get()).isEqualTo(1);

      Invocation rolledBack = Invocation.of(UUID.randomUUID().toString(), fingerprint());
      assertThat(pay(db, idempotency, rolledBack, runs, false))
          .isInstanceOf(Outcome.Executed.class);
      assertThat(pay(db, idempotency, rolledBack, runs, true))
          .isInstanceOf(Outcome.InProgress.class);
      clock.advance(LEASE);
      assertThat(pay(db, idempotency, rolledBack, runs, true)).isInstanceOf(Outcome.Executed.class);
      assertThat(runs.get()).isEqualTo(3);
      assertThat(paymentCount(db)).isEqualTo(2);
    }
  }

  private static Outcome<String> pay(
      TestDatabase.Isolated db,
      Idempotency idempotency,
      Invocation invocation,
      AtomicInteger runs,
      boolean commit)
      throws Exception {
    try (Connection tx = db.dataSource.getConnection()) {
      tx.setAutoCommit(false);
      Outcome<String> outcome =
          JdbcTransactions.joining(
              db.dataSource,
              tx,
              () ->
                  idempotency.execute(
                      invocation,
                      ResultCodec.utf8(),
                      ctx -> {
                        runs.incrementAndGet();
                        String id = UUID.randomUUID().toString();
                        try (PreparedStatement ps =
                            tx.prepareStatement(
                                "INSERT INTO " + payments(db) + " (id) VALUES (?)")) {
                          ps.setString(1, id);
                          ps.executeUpdate();
                        }
                        return "payment " + id;
                      }));
      if (commit) {
        tx.commit();
      } else {
        tx.rollback();
      }
      return outcome;
    }
  }

  private static long paymentCount(TestDatabase.Isolated db) throws SQLException {
    try (Connection c = db.dataSource.getConnection();
        var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + payments(db))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static Fingerprint fingerprint() {
    return TransactionalCompletionIT.fingerprint();
  }
}
