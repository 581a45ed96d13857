package dev.idem.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.Fingerprint;
import dev.idem.ManualClock;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Completion joins the caller's transaction: the business row and the stored result commit
 * together, or neither does and the key becomes claimable again once its lease ends.
 */
@DisplayName("Transactional completion")
class TransactionalCompletionIT {
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final Duration RETENTION = Duration.ofHours(1);
  private static final Map<TestDatabase, TestDatabase.Isolated> DATABASES =
      new EnumMap<>(TestDatabase.class);

  private static synchronized TestDatabase.Isolated db(TestDatabase database) {
    return DATABASES.computeIfAbsent(
        database,
        d -> {
          TestDatabase.Isolated isolated = d.isolate();
          TestDatabase.execute(
              isolated.dataSource,
              "CREATE TABLE "
                  + payments(isolated)
                  + " (id VARCHAR(64) PRIMARY KEY, amount BIGINT NOT NULL)");
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
    return db.table + "_payments";
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MARIADB"})
  @DisplayName("commit: the business row and the COMPLETED record become visible together")
  void commitKeepsBoth(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    ManualClock clock = ManualClock.ofDefaults();
    try (JdbcIdempotencyStore store = db.store().clock(clock).build();
        Connection tx = db.dataSource.getConnection()) {
      StoreKey key = freshKey();
      LeaseToken token = acquire(store, key);
      String paymentId = UUID.randomUUID().toString();

      tx.setAutoCommit(false);
      WriteResult written =
          JdbcTransactions.joining(
              db.dataSource,
              tx,
              () -> {
                insertPayment(tx, db, paymentId);
                return store.complete(key, token, receipt(), RETENTION);
              });
      assertThat(written).isEqualTo(WriteResult.APPLIED);
      // Not committed yet: other connections still see the claim, not the result.
      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.IN_PROGRESS);
      assertThat(paymentExists(db, paymentId)).isFalse();

      tx.commit();

      assertThat(paymentExists(db, paymentId)).isTrue();
      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.COMPLETED);
      assertThat(store.acquire(key, fingerprint(), LEASE))
          .isInstanceOf(AcquireResult.Completed.class);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MARIADB"})
  @DisplayName("rollback: neither is kept, and the key is claimable once the lease ends")
  void rollbackKeepsNeither(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    ManualClock clock = ManualClock.ofDefaults();
    try (JdbcIdempotencyStore store = db.store().clock(clock).build()) {
      StoreKey key = freshKey();
      LeaseToken token = acquire(store, key);
      String paymentId = UUID.randomUUID().toString();
      try (Connection tx = db.dataSource.getConnection()) {
        tx.setAutoCommit(false);
        JdbcTransactions.joining(
            db.dataSource,
            tx,
            () -> {
              insertPayment(tx, db, paymentId);
              return store.complete(key, token, receipt(), RETENTION);
            });
        tx.rollback();
      }
      assertRolledBack(store, clock, db, key, paymentId);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MARIADB"})
  @DisplayName("killed transaction: the server ends the session before commit, neither is kept")
  void killedTransactionKeepsNeither(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    ManualClock clock = ManualClock.ofDefaults();
    try (JdbcIdempotencyStore store = db.store().clock(clock).build()) {
      StoreKey key = freshKey();
      LeaseToken token = acquire(store, key);
      String paymentId = UUID.randomUUID().toString();
      Connection tx = db.dataSource.getConnection();
      try {
        tx.setAutoCommit(false);
        long sessionId = sessionId(tx, database);
        JdbcTransactions.joining(
            db.dataSource,
            tx,
            () -> {
              insertPayment(tx, db, paymentId);
              return store.complete(key, token, receipt(), RETENTION);
            });

        kill(db, database, sessionId);

        assertThatThrownBy(tx::commit).isInstanceOf(SQLException.class);
      } finally {
        try {
          tx.close(); // the pool evicts the dead connection
        } catch (SQLException ignored) {
          // already gone
        }
      }
      assertRolledBack(store, clock, db, key, paymentId);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MARIADB"})
  @DisplayName("after a rollback the caller may release the key at once instead of waiting")
  void releaseAfterRollbackFreesTheKeyAtOnce(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    ManualClock clock = ManualClock.ofDefaults();
    try (JdbcIdempotencyStore store = db.store().clock(clock).build()) {
      StoreKey key = freshKey();
      LeaseToken token = acquire(store, key);
      try (Connection tx = db.dataSource.getConnection()) {
        tx.setAutoCommit(false);
        JdbcTransactions.joining(
            db.dataSource, tx, () -> store.complete(key, token, receipt(), RETENTION));
        tx.rollback();
      }
      assertThat(store.release(key, token)).isEqualTo(WriteResult.APPLIED);
      assertThat(store.acquire(key, fingerprint(), LEASE))
          .isInstanceOf(AcquireResult.Acquired.class);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL", "MARIADB"})
  @DisplayName("outside joining, complete commits on its own connection")
  void withoutJoiningCompleteCommitsAlone(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    try (JdbcIdempotencyStore store = db.store().clock(ManualClock.ofDefaults()).build();
        Connection tx = db.dataSource.getConnection()) {
      StoreKey key = freshKey();
      LeaseToken token = acquire(store, key);
      tx.setAutoCommit(false);
      assertThat(store.complete(key, token, receipt(), RETENTION)).isEqualTo(WriteResult.APPLIED);
      tx.rollback();
      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.COMPLETED);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"POSTGRESQL"})
  @DisplayName("a REPEATABLE READ transaction on PostgreSQL is refused, not silently lease-lost")
  void snapshotIsolationIsRefusedOnPostgres(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    try (JdbcIdempotencyStore store = db.store().clock(ManualClock.ofDefaults()).build();
        Connection tx = db.dataSource.getConnection()) {
      tx.setAutoCommit(false);
      tx.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement s = tx.createStatement()) {
        s.execute("SELECT 1"); // takes the snapshot before the claim commits
      }
      StoreKey key = freshKey();
      LeaseToken token = acquire(store, key);
      assertThatThrownBy(
              () ->
                  JdbcTransactions.joining(
                      db.dataSource, tx, () -> store.complete(key, token, receipt(), RETENTION)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("READ COMMITTED");
      tx.rollback();
      tx.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.IN_PROGRESS);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"MARIADB"})
  @DisplayName("MariaDB's default REPEATABLE READ works: InnoDB updates the latest committed row")
  void repeatableReadWorksOnMariaDb(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    try (JdbcIdempotencyStore store = db.store().clock(ManualClock.ofDefaults()).build();
        Connection tx = db.dataSource.getConnection()) {
      tx.setAutoCommit(false);
      tx.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try (Statement s = tx.createStatement()) {
        s.execute("SELECT COUNT(*) FROM " + payments(db)); // takes the snapshot before the claim
      }
      StoreKey key = freshKey();
      LeaseToken token = acquire(store, key);
      assertThat(
              JdbcTransactions.joining(
                  db.dataSource, tx, () -> store.complete(key, token, receipt(), RETENTION)))
          .isEqualTo(WriteResult.APPLIED);
      tx.commit();
      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.COMPLETED);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  @DisplayName(
      "a failure inside the joined transaction is never reported as retryable: the caller must"
          + " roll back")
  void failureInJoinedTransactionIsNotRetryable(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    try (JdbcIdempotencyStore store = db.store().clock(ManualClock.ofDefaults()).build();
        Connection holder = db.dataSource.getConnection();
        Connection tx = db.dataSource.getConnection()) {
      StoreKey key = freshKey();
      LeaseToken token = acquire(store, key);
      // Another transaction holds the record's row lock, and the joined transaction gives up
      // waiting for it: on MariaDB that is the same kind of failure as a deadlock, which rolls
      // the caller's transaction back.
      holder.setAutoCommit(false);
      try (PreparedStatement ps =
          holder.prepareStatement(
              "UPDATE " + db.table + " SET created_at = created_at WHERE idem_key = ?")) {
        ps.setString(1, key.hex());
        assertThat(ps.executeUpdate()).isEqualTo(1);
      }
      tx.setAutoCommit(false);
      try (Statement s = tx.createStatement()) {
        s.execute(
            switch (database) {
              case POSTGRESQL -> "SET LOCAL lock_timeout = '300ms'";
              case MARIADB -> "SET SESSION innodb_lock_wait_timeout = 1";
              case H2 -> "SET LOCK_TIMEOUT 300";
            });
      }
      try {
        assertThatThrownBy(
                () ->
                    JdbcTransactions.joining(
                        db.dataSource, tx, () -> store.complete(key, token, receipt(), RETENTION)))
            .isInstanceOf(JoinedTransactionException.class)
            .isNotInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("roll it back");
      } finally {
        holder.rollback();
        restoreLockWait(tx, database);
      }
      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.IN_PROGRESS);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  @DisplayName(
      "a renew blocked by a joined transaction's row lock gives up within the statement timeout,"
          + " as unavailable")
  void ownStatementsDoNotWaitForJoinedTransactions(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    try (JdbcIdempotencyStore store =
            db.store()
                .clock(ManualClock.ofDefaults())
                .statementTimeout(Duration.ofSeconds(1))
                .build();
        Connection tx = db.dataSource.getConnection()) {
      // H2 does not cancel a lock wait on a query timeout; its own LOCK_TIMEOUT (1 s unless
      // configured) bounds the wait there, and must be reported the same way.
      StoreKey key = freshKey();
      LeaseToken token = acquire(store, key);
      tx.setAutoCommit(false);
      assertThat(
              JdbcTransactions.joining(
                  db.dataSource, tx, () -> store.complete(key, token, receipt(), RETENTION)))
          .isEqualTo(WriteResult.APPLIED);
      long start = System.nanoTime();
      CompletableFuture<WriteResult> renew =
          CompletableFuture.supplyAsync(() -> store.renew(key, token, LEASE));
      try {
        assertThatThrownBy(() -> renew.get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(StoreUnavailableException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      } finally {
        tx.rollback();
      }
      assertThat(store.renew(key, token, LEASE)).isEqualTo(WriteResult.APPLIED);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"H2", "MARIADB"})
  @DisplayName(
      "a snapshot that would hide the claim is refused when joining, before the operation runs")
  void snapshotIsolationIsRefusedBeforeTheWork(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    try (JdbcIdempotencyStore store = db.store().clock(ManualClock.ofDefaults()).build();
        Connection tx = db.dataSource.getConnection()) {
      tx.setAutoCommit(false);
      if (database == TestDatabase.H2) {
        tx.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
      } else {
        tx.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        try (Statement s = tx.createStatement()) {
          s.execute("SET SESSION innodb_snapshot_isolation = ON");
        }
      }
      try {
        try (Statement s = tx.createStatement()) {
          s.execute("SELECT COUNT(*) FROM " + payments(db)); // the snapshot predates the claim
        }
        StoreKey key = freshKey();
        LeaseToken token = acquire(store, key);
        AtomicBoolean ran = new AtomicBoolean();
        assertThatThrownBy(
                () ->
                    JdbcTransactions.joining(
                        db.dataSource,
                        tx,
                        () -> {
                          ran.set(true);
                          return store.complete(key, token, receipt(), RETENTION);
                        }))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("READ COMMITTED");
        assertThat(ran).isFalse();
        // A ConnectionProvider that bypasses joining still meets the same check in complete.
        JdbcIdempotencyStore lending =
            db.store()
                .clock(ManualClock.ofDefaults())
                .connectionProvider(ds -> new CallersConnection(tx))
                .build();
        assertThatThrownBy(() -> lending.complete(key, token, receipt(), RETENTION))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("READ COMMITTED");
        tx.rollback();
        assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.IN_PROGRESS);
      } finally {
        tx.rollback();
        if (database == TestDatabase.MARIADB) {
          try (Statement s = tx.createStatement()) {
            s.execute("SET SESSION innodb_snapshot_isolation = OFF");
          }
        }
        tx.setTransactionIsolation(
            database == TestDatabase.H2
                ? Connection.TRANSACTION_READ_COMMITTED
                : Connection.TRANSACTION_REPEATABLE_READ);
      }
    }
  }

  /** Lends the caller's connection as a joined one, the way a framework's provider would. */
  private record CallersConnection(Connection connection) implements ConnectionProvider.Lent {
    @Override
    public boolean joinsCallerTransaction() {
      return true;
    }

    @Override
    public void close() {}
  }

  private static void restoreLockWait(Connection tx, TestDatabase database) throws SQLException {
    if (tx.isClosed()) {
      return; // H2 reports its lock timeout as an SQLTimeoutException; the pool evicts the
      // connection
    }
    tx.rollback();
    try (Statement s = tx.createStatement()) {
      if (database == TestDatabase.MARIADB) {
        s.execute("SET SESSION innodb_lock_wait_timeout = DEFAULT");
      } else if (database == TestDatabase.H2) {
        s.execute("SET LOCK_TIMEOUT 1000");
      }
    }
  }

  private static void assertRolledBack(
      JdbcIdempotencyStore store,
      ManualClock clock,
      TestDatabase.Isolated db,
      StoreKey key,
      String paymentId)
      throws SQLException {
    assertThat(paymentExists(db, paymentId)).isFalse();
    assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.IN_PROGRESS);
    assertThat(store.acquire(key, fingerprint(), LEASE))
        .isInstanceOf(AcquireResult.InProgress.class);
    clock.advance(LEASE);
    assertThat(store.acquire(key, fingerprint(), LEASE)).isInstanceOf(AcquireResult.Acquired.class);
  }

  private static long sessionId(Connection tx, TestDatabase database) throws SQLException {
    String query =
        database == TestDatabase.POSTGRESQL ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
    try (Statement s = tx.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void kill(TestDatabase.Isolated db, TestDatabase database, long sessionId)
      throws SQLException {
    try (Connection admin = db.server.connect();
        Statement s = admin.createStatement()) {
      if (database == TestDatabase.POSTGRESQL) {
        try (ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(" + sessionId + ")")) {
          rs.next();
          assertThat(rs.getBoolean(1)).as("pg_terminate_backend").isTrue();
        }
      } else {
        s.execute("KILL " + sessionId);
      }
    }
  }

  private static void insertPayment(Connection tx, TestDatabase.Isolated db, String id)
      throws SQLException {
    try (PreparedStatement ps =
        tx.prepareStatement("INSERT INTO " + payments(db) + " (id, amount) VALUES (?, ?)")) {
      ps.setString(1, id);
      ps.setLong(2, 4200);
      ps.executeUpdate();
    }
  }

  private static boolean paymentExists(TestDatabase.Isolated db, String id) throws SQLException {
    try (Connection c = db.dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT COUNT(*) FROM " + payments(db) + " WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) == 1;
      }
    }
  }

  private static LeaseToken acquire(JdbcIdempotencyStore store, StoreKey key) {
    return ((AcquireResult.Acquired) store.acquire(key, fingerprint(), LEASE)).token();
  }

  static StoreKey freshKey() {
    return new StoreKey(hex(UUID.randomUUID().toString()));
  }

  static Fingerprint fingerprint() {
    return Fingerprint.ofHex(hex("request"));
  }

  private static byte[] receipt() {
    return "receipt".getBytes(StandardCharsets.UTF_8);
  }

  static String hex(String seed) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(seed.getBytes(StandardCharsets.UTF_8));
      StringBuilder sb = new StringBuilder();
      for (byte b : d) {
        sb.append(String.format("%02x", b));
      }
      return sb.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
