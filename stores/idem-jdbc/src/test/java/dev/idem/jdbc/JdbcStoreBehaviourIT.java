package dev.idem.jdbc;

import static dev.idem.jdbc.TransactionalCompletionIT.fingerprint;
import static dev.idem.jdbc.TransactionalCompletionIT.freshKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.ManualClock;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.ResultTooLargeException;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the JDBC store does beyond the shared contract, on each database. */
@DisplayName("JdbcIdempotencyStore on each database")
class JdbcStoreBehaviourIT {
  private static final Duration LEASE = Duration.ofSeconds(10);
  private static final Map<TestDatabase, TestDatabase.Isolated> DATABASES =
      new EnumMap<>(TestDatabase.class);

  private static synchronized TestDatabase.Isolated db(TestDatabase database) {
    return DATABASES.computeIfAbsent(database, TestDatabase::isolate);
  }

  @AfterAll
  static void dropTables() {
    DATABASES.values().forEach(TestDatabase.Isolated::close);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  @DisplayName("the dialect is detected from the connection's metadata")
  void dialectIsDetected(TestDatabase database) {
    TestDatabase.Isolated db = db(database);
    try (JdbcIdempotencyStore store =
        JdbcIdempotencyStore.builder().dataSource(db.dataSource).tableName(db.table).build()) {
      assertThat(store.dialect()).isEqualTo(database.dialect);
      StoreKey key = freshKey();
      assertThat(store.acquire(key, fingerprint(), LEASE))
          .isInstanceOf(AcquireResult.Acquired.class);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  @DisplayName("create-on-start builds the same table as the shipped DDL resource, run verbatim")
  void createOnStartMatchesTheShippedResource(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    String schema = "idem_ddl_" + Long.toHexString(System.nanoTime());
    TestDatabase.execute(db.dataSource, "CREATE SCHEMA " + schema);
    try {
      // The resource as Flyway would run it: unmodified, into the current schema.
      String verbatim;
      try (var in =
          getClass().getClassLoader().getResourceAsStream(database.dialect.schemaResource())) {
        verbatim = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      }
      // A connection of its own, outside the pool: it leaves with a changed current schema.
      try (Connection c = db.server.connect();
          var s = c.createStatement()) {
        s.execute(
            switch (database) {
              case POSTGRESQL -> "SET search_path TO " + schema;
              case MARIADB -> "USE " + schema;
              case H2 -> "SET SCHEMA " + schema;
            });
        for (String statement : verbatim.replaceAll("(?m)^--.*$", "").split(";")) {
          if (!statement.isBlank()) {
            s.execute(statement);
          }
        }
      }
      String created = schema + ".idem_custom";
      try (JdbcIdempotencyStore store =
          JdbcIdempotencyStore.builder()
              .dataSource(db.dataSource)
              .tableName(created)
              .createTable(true)
              .build()) {
        // Idempotent: a second start with the table present is fine.
        JdbcIdempotencyStore.builder()
            .dataSource(db.dataSource)
            .tableName(created)
            .createTable(true)
            .build()
            .close();
        assertThat(columns(db, created)).isEqualTo(columns(db, schema + ".idem_records"));
        assertThat(indexedColumns(db, created)).contains("idem_key", "expires_at");
        assertThat(indexedColumns(db, schema + ".idem_records")).contains("idem_key", "expires_at");
        assertThat(store.acquire(freshKey(), fingerprint(), LEASE))
            .isInstanceOf(AcquireResult.Acquired.class);
      }
    } finally {
      TestDatabase.execute(
          db.dataSource,
          database == TestDatabase.MARIADB
              ? "DROP SCHEMA " + schema
              : "DROP SCHEMA " + schema + " CASCADE");
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  @DisplayName("instances starting together may all create the table")
  void concurrentCreateOnStart(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    String table = "idem_race_" + Long.toHexString(System.nanoTime());
    int instances = 6;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(instances);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(instances);
    try {
      List<java.util.concurrent.Future<JdbcIdempotencyStore>> started = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        started.add(
            pool.submit(
                () -> {
                  start.await();
                  return JdbcIdempotencyStore.builder()
                      .dataSource(db.dataSource)
                      .tableName(table)
                      .createTable(true)
                      .build();
                }));
      }
      for (java.util.concurrent.Future<JdbcIdempotencyStore> store : started) {
        try (JdbcIdempotencyStore built = store.get(60, java.util.concurrent.TimeUnit.SECONDS)) {
          assertThat(built.acquire(freshKey(), fingerprint(), LEASE))
              .isInstanceOf(AcquireResult.Acquired.class);
        }
      }
    } finally {
      pool.shutdownNow();
      TestDatabase.execute(db.dataSource, "DROP TABLE IF EXISTS " + table);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  @DisplayName("the sweeper deletes only expired records, in bounded batches")
  void sweeperDeletesOnlyExpired(TestDatabase database) throws SQLException {
    TestDatabase.Isolated db = db(database);
    TestDatabase.execute(db.dataSource, "DELETE FROM " + db.table);
    ManualClock clock = ManualClock.ofDefaults();
    DeleteCounts deletes = new DeleteCounts(db.dataSource);
    try (JdbcIdempotencyStore store =
        JdbcIdempotencyStore.builder()
            .dataSource(deletes.dataSource)
            .dialect(database.dialect)
            .tableName(db.table)
            .clock(clock)
            .sweepBatchSize(7)
            .build()) {
      List<StoreKey> doomed = new ArrayList<>();
      for (int i = 0; i < 20; i++) { // expired claims (crashed workers)
        StoreKey key = freshKey();
        store.acquire(key, fingerprint(), Duration.ofSeconds(1));
        doomed.add(key);
      }
      for (int i = 0; i < 5; i++) { // completed, retention ends soon
        StoreKey key = freshKey();
        LeaseToken token =
            ((AcquireResult.Acquired) store.acquire(key, fingerprint(), LEASE)).token();
        store.complete(key, token, new byte[] {1}, Duration.ofSeconds(2));
        doomed.add(key);
      }
      List<StoreKey> live = new ArrayList<>();
      for (int i = 0; i < 4; i++) { // a running claim, and completed records kept for an hour
        StoreKey key = freshKey();
        LeaseToken token =
            ((AcquireResult.Acquired) store.acquire(key, fingerprint(), Duration.ofHours(1)))
                .token();
        if (i > 0) {
          store.complete(key, token, new byte[] {2}, Duration.ofHours(1));
        }
        live.add(key);
      }
      clock.advance(Duration.ofSeconds(3));

      assertThat(store.sweep()).isEqualTo(25);
      // Bounded batches, each its own statement: 7 + 7 + 7 + 4.
      assertThat(deletes.counts).containsExactly(7, 7, 7, 4);

      assertThat(rowCount(db)).isEqualTo(4);
      for (StoreKey key : live) {
        assertThat(store.find(key)).isPresent();
      }
      assertThat(store.sweep()).isZero();
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  @DisplayName("the scheduled sweeper runs on its own until the store is closed")
  void scheduledSweeper(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    ManualClock clock = ManualClock.ofDefaults();
    StoreKey key = freshKey();
    try (JdbcIdempotencyStore store =
        db.store().clock(clock).sweepInterval(Duration.ofMillis(20)).build()) {
      store.acquire(key, fingerprint(), Duration.ofSeconds(1));
      clock.advance(Duration.ofSeconds(2));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (exists(db, key) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(exists(db, key)).as("swept by the scheduled sweeper").isFalse();
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  @DisplayName("an oversized result is refused with a clear error and nothing is written")
  void oversizedResultIsRefused(TestDatabase database) {
    TestDatabase.Isolated db = db(database);
    try (JdbcIdempotencyStore store =
        db.store().clock(ManualClock.ofDefaults()).maxResultBytes(16).build()) {
      StoreKey key = freshKey();
      LeaseToken token =
          ((AcquireResult.Acquired) store.acquire(key, fingerprint(), LEASE)).token();

      assertThatThrownBy(() -> store.complete(key, token, new byte[17], Duration.ofHours(1)))
          .isInstanceOfSatisfying(
              ResultTooLargeException.class,
              e -> {
                assertThat(e.size()).isEqualTo(17);
                assertThat(e.limit()).isEqualTo(16);
                assertThat(e.getMessage()).contains("17 bytes", "16 bytes", "JdbcIdempotencyStore");
              });

      IdempotencyRecord record = store.find(key).orElseThrow();
      assertThat(record.state()).isEqualTo(RecordState.IN_PROGRESS);
      assertThat(record.token()).isEqualTo(token);
      assertThat(record.result()).isNull();
      assertThat(store.complete(key, token, new byte[16], Duration.ofHours(1)))
          .isEqualTo(WriteResult.APPLIED);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  @DisplayName(
      "a retention too long for a timestamp keeps the result instead of expiring it at once")
  void hugeRetentionSaturates(TestDatabase database) {
    TestDatabase.Isolated db = db(database);
    try (JdbcIdempotencyStore store = db.store().clock(ManualClock.ofDefaults()).build()) {
      StoreKey key = freshKey();
      LeaseToken token =
          ((AcquireResult.Acquired)
                  store.acquire(key, fingerprint(), Duration.ofSeconds(Long.MAX_VALUE)))
              .token();
      assertThat(store.complete(key, token, new byte[] {1}, Duration.ofMillis(Long.MAX_VALUE)))
          .isEqualTo(WriteResult.APPLIED);
      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.COMPLETED);
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  @DisplayName("claims racing the sweeper never fail on a deadlock (regression: MariaDB sweep)")
  void claimsRacingTheSweeperDoNotFail(TestDatabase database) throws Exception {
    TestDatabase.Isolated db = db(database);
    try (JdbcIdempotencyStore store = db.store().sweepBatchSize(50).build()) {
      List<StoreKey> keys = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        keys.add(freshKey());
      }
      long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      java.util.Queue<RuntimeException> failures =
          new java.util.concurrent.ConcurrentLinkedQueue<>();
      java.util.concurrent.atomic.AtomicLong claims = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(9);
      try {
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
          running.add(
              pool.submit(
                  () -> {
                    java.util.concurrent.ThreadLocalRandom r =
                        java.util.concurrent.ThreadLocalRandom.current();
                    while (System.nanoTime() < end) {
                      StoreKey key = keys.get(r.nextInt(keys.size()));
                      try {
                        if (store.acquire(key, fingerprint(), Duration.ofMillis(r.nextInt(1, 20)))
                            instanceof AcquireResult.Acquired acquired) {
                          claims.incrementAndGet();
                          store.complete(
                              key,
                              acquired.token(),
                              new byte[10],
                              Duration.ofMillis(r.nextInt(1, 30)));
                        }
                      } catch (RuntimeException e) {
                        failures.add(e);
                      }
                    }
                  }));
        }
        running.add(
            pool.submit(
                () -> {
                  while (System.nanoTime() < end) {
                    store.sweep();
                  }
                }));
        for (java.util.concurrent.Future<?> f : running) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(claims.get()).isPositive();
      assertThat(failures).isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  @DisplayName("lease tokens compare case-sensitively")
  void tokensAreCaseSensitive(TestDatabase database) {
    TestDatabase.Isolated db = db(database);
    try (JdbcIdempotencyStore store = db.store().clock(ManualClock.ofDefaults()).build()) {
      StoreKey key = freshKey();
      LeaseToken token =
          ((AcquireResult.Acquired) store.acquire(key, fingerprint(), LEASE)).token();
      String flipped = flipCase(token.value());
      if (!flipped.equals(token.value())) {
        assertThat(store.renew(key, new LeaseToken(flipped), LEASE))
            .isEqualTo(WriteResult.LEASE_LOST);
      }
    }
  }

  private static String flipCase(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
    }
    return sb.toString();
  }

  private static boolean exists(TestDatabase.Isolated db, StoreKey key) throws SQLException {
    try (Connection c = db.dataSource.getConnection();
        var ps = c.prepareStatement("SELECT COUNT(*) FROM " + db.table + " WHERE idem_key = ?")) {
      ps.setString(1, key.hex());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  private static long rowCount(TestDatabase.Isolated db) throws SQLException {
    try (Connection c = db.dataSource.getConnection();
        var s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + db.table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Column name → type, size and nullability, as the driver reports them. */
  private static Map<String, String> columns(TestDatabase.Isolated db, String table)
      throws SQLException {
    Map<String, String> columns = new TreeMap<>();
    try (Connection c = db.dataSource.getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      String[] parts = split(db, table, meta, c);
      try (ResultSet rs = meta.getColumns(parts[0], parts[1], parts[2], null)) {
        while (rs.next()) {
          columns.put(
              rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT),
              rs.getString("TYPE_NAME")
                  + "("
                  + rs.getInt("COLUMN_SIZE")
                  + ") nullable="
                  + rs.getString("IS_NULLABLE"));
        }
      }
    }
    assertThat(columns).as("columns of %s", table).hasSize(8);
    return columns;
  }

  private static List<String> indexedColumns(TestDatabase.Isolated db, String table)
      throws SQLException {
    List<String> indexed = new ArrayList<>();
    try (Connection c = db.dataSource.getConnection()) {
      DatabaseMetaData meta = c.getMetaData();
      String[] parts = split(db, table, meta, c);
      try (ResultSet rs = meta.getIndexInfo(parts[0], parts[1], parts[2], false, false)) {
        while (rs.next()) {
          String column = rs.getString("COLUMN_NAME");
          if (column != null) {
            indexed.add(column.toLowerCase(Locale.ROOT));
          }
        }
      }
    }
    return indexed;
  }

  /** Catalog, schema and table name for metadata look-ups; MariaDB's schemas are catalogs. */
  private static String[] split(
      TestDatabase.Isolated db, String table, DatabaseMetaData meta, Connection c)
      throws SQLException {
    int dot = table.indexOf('.');
    String schema = dot < 0 ? null : table.substring(0, dot);
    String name = table.substring(dot + 1);
    if (meta.storesUpperCaseIdentifiers()) {
      schema = schema == null ? null : schema.toUpperCase(Locale.ROOT);
      name = name.toUpperCase(Locale.ROOT);
    }
    if (db.database == TestDatabase.MARIADB) {
      return new String[] {schema == null ? c.getCatalog() : schema, null, name};
    }
    return new String[] {null, schema, name};
  }
}
