package dev.idem.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idem.testservers.JdbcTestDatabase;
import dev.idem.testservers.MariaDbTestServer;
import dev.idem.testservers.PostgresTestServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Supplier;

/** The three databases the store runs on, each with a way to get an isolated table. */
enum TestDatabase {
  POSTGRESQL(JdbcDialect.POSTGRESQL, PostgresTestServer::get),
  MARIADB(JdbcDialect.MARIADB, MariaDbTestServer::get),
  H2(JdbcDialect.H2, TestDatabase::h2InMemory);

  final JdbcDialect dialect;
  private final Supplier<JdbcTestDatabase> server;

  TestDatabase(JdbcDialect dialect, Supplier<JdbcTestDatabase> server) {
    this.dialect = dialect;
    this.server = server;
  }

  /**
   * A pool and a table of its own, created from the shipped DDL, dropped by {@link
   * Isolated#close()}: a schema of its own on PostgreSQL, a uniquely named table elsewhere.
   */
  Isolated isolate() {
    JdbcTestDatabase db = server.get();
    if (ANNOUNCED.add(this)) {
      // Which server a run used (configured, local or started) belongs in the build log.
      System.out.println("[idem-jdbc tests] " + name() + ": " + db);
    }
    return isolate(db);
  }

  private static final java.util.Set<TestDatabase> ANNOUNCED =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  Isolated isolate(JdbcTestDatabase db) {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String schema = this == POSTGRESQL ? "idem_it_" + suffix : null;
    String table = schema != null ? schema + ".idem_records" : "idem_it_" + suffix;
    HikariDataSource pool = pool(db);
    try {
      if (schema != null) {
        execute(pool, "CREATE SCHEMA " + schema);
      }
      for (String ddl : dialect.ddl(table)) {
        execute(pool, ddl);
      }
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new Isolated(this, db, pool, table, schema);
  }

  static HikariDataSource pool(JdbcTestDatabase db) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    if (!db.user().isEmpty()) {
      config.setUsername(db.user());
    }
    if (!db.password().isEmpty()) {
      config.setPassword(db.password());
    }
    config.setMaximumPoolSize(36); // the contract races 32 threads
    config.setMinimumIdle(2);
    config.setConnectionTimeout(10_000);
    config.setPoolName("idem-it-" + db.origin().name().toLowerCase(Locale.ROOT));
    return new HikariDataSource(config);
  }

  static void execute(javax.sql.DataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("failed: " + sql, e);
    }
  }

  private static JdbcTestDatabase h2InMemory() {
    // One in-memory database per JVM; tables are unique per test class.
    return new JdbcTestDatabase(
        "jdbc:h2:mem:idem_it;DB_CLOSE_DELAY=-1", "sa", "", JdbcTestDatabase.Origin.STARTED);
  }

  /** A table of one's own; closing drops it and closes the pool. */
  static final class Isolated implements AutoCloseable {
    final TestDatabase database;
    final JdbcTestDatabase server;
    final HikariDataSource dataSource;
    final String table;
    private final String schema;

    Isolated(
        TestDatabase database,
        JdbcTestDatabase server,
        HikariDataSource dataSource,
        String table,
        String schema) {
      this.database = database;
      this.server = server;
      this.dataSource = dataSource;
      this.table = table;
      this.schema = schema;
    }

    JdbcIdempotencyStore.Builder store() {
      return JdbcIdempotencyStore.builder()
          .dataSource(dataSource)
          .dialect(database.dialect)
          .tableName(table);
    }

    @Override
    public void close() {
      try {
        execute(
            dataSource,
            schema != null ? "DROP SCHEMA " + schema + " CASCADE" : "DROP TABLE " + table);
      } finally {
        dataSource.close();
      }
    }
  }
}
