package dev.idem.servlet;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idem.jdbc.JdbcIdempotencyStore;
import dev.idem.spi.IdempotencyStore;
import dev.idem.testservers.JdbcTestDatabase;
import dev.idem.testservers.PostgresTestServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The HTTP contract over the Servlet filter on PostgreSQL")
class PostgresIdempotencyFilterIT extends IdempotencyFilterContract {
  private static final String SCHEMA =
      "idem_http_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static HikariDataSource pool;

  @BeforeAll
  static void isolate() throws Exception {
    JdbcTestDatabase db = PostgresTestServer.get();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(db.jdbcUrl());
    config.setUsername(db.user());
    config.setPassword(db.password());
    config.setMaximumPoolSize(8);
    pool = new HikariDataSource(config);
    execute("CREATE SCHEMA " + SCHEMA);
  }

  @AfterAll
  static void dropSchema() throws Exception {
    if (pool != null) {
      execute("DROP SCHEMA " + SCHEMA + " CASCADE");
      pool.close();
    }
  }

  @Override
  protected IdempotencyStore newStore() {
    return JdbcIdempotencyStore.builder()
        .dataSource(pool)
        .tableName(SCHEMA + ".idem_records")
        .createTable(true)
        .build();
  }

  private static void execute(String sql) throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
