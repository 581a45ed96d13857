package dev.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.Fingerprint;
import dev.idem.Idempotency;
import dev.idem.Invocation;
import dev.idem.ManualClock;
import dev.idem.Outcome;
import dev.idem.ResultCodec;
import dev.idem.spi.RecordState;
import dev.idem.spi.StoreKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

  @ParameterizedTest
  @EnumSource(names = {"MARIADB"})
  @DisplayName(
      "a deadlock in the joined complete is not retried outside the rolled-back transaction"
          + " (regression: result stored without the payment)")
  void deadlockInJoinedCompleteIsNotRetried(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    String account = db.table + "_engine_account";
    String filler = db.table + "_engine_filler";
    TestDatabase.execute(db.dataSource, "CREATE TABLE " + account + " (id INT PRIMARY KEY, v INT)");
    TestDatabase.execute(db.dataSource, "CREATE TABLE " + filler + " (id INT PRIMARY KEY)");
    TestDatabase.execute(db.dataSource, "INSERT INTO " + account + " VALUES (1, 0)");
    ExecutorService other = Executors.newSingleThreadExecutor();
    try (JdbcIdempotencyStore store = db.store().build();
        Idempotency idempotency = Idempotency.builder().store(store).lease(LEASE).build();
        Connection tx = db.dataSource.getConnection()) {
      Invocation invocation = Invocation.of(UUID.randomUUID().toString(), fingerprint());
      String paymentId = UUID.randomUUID().toString();
      tx.setAutoCommit(false);
      assertThatThrownBy(
              () ->
                  JdbcTransactions.joining(
                      db.dataSource,
                      tx,
                      () ->
                          idempotency.execute(
                              invocation,
                              ResultCodec.utf8(),
                              ctx -> {
                                try (PreparedStatement ps =
                                    tx.prepareStatement(
                                        "INSERT INTO " + payments(db) + " (id) VALUES (?)")) {
                                  ps.setString(1, paymentId);
                                  ps.executeUpdate();
                                }
                                try (var s = tx.createStatement()) {
                                  s.executeUpdate(
                                      "UPDATE " + account + " SET v = v + 1 WHERE id = 1");
                                }
                                // Another transaction, heavier than ours so InnoDB picks ours as
                                // the victim, locks the record row and then waits for the account.
                                CountDownLatch locked = new CountDownLatch(1);
                                other.submit(
                                    () -> lockRecordThenAccount(db, account, filler, locked));
                                locked.await();
                                Thread.sleep(300);
                                return "paid";
                              })))
          .isInstanceOf(JoinedTransactionException.class);
      tx.rollback();
      other.shutdown();
      assertThat(other.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertThat(paymentCount(db, paymentId)).isZero();
      StoreKey key = idempotency.storeKey(invocation.scope(), invocation.key());
      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.IN_PROGRESS);
    } finally {
      other.shutdownNow();
      TestDatabase.execute(db.dataSource, "DROP TABLE " + account);
      TestDatabase.execute(db.dataSource, "DROP TABLE " + filler);
    }
  }

  private static Void lockRecordThenAccount(
      TestDatabase.Isolated db, String account, String filler, CountDownLatch locked)
      throws SQLException {
    try (Connection o = db.dataSource.getConnection()) {
      o.setAutoCommit(false);
      try (var s = o.createStatement()) {
        s.executeUpdate("UPDATE " + db.table + " SET created_at = created_at");
        for (int i = 0; i < 50; i++) {
          s.executeUpdate("INSERT INTO " + filler + " VALUES (" + i + ")");
        }
        locked.countDown();
        s.executeUpdate("UPDATE " + account + " SET v = v WHERE id = 1"); // waits for tx
      }
      o.commit();
    }
    return null;
  }

  private static long paymentCount(TestDatabase.Isolated db, String id) throws SQLException {
    try (Connection c = db.dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM " + payments(db) + " WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
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
