package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.jdbc.JdbcIdempotencyStore;
import dev.idem.spi.IdempotencyStore;
import dev.idem.testservers.JdbcTestDatabase;
import dev.idem.testservers.PostgresTestServer;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

@DisplayName("The starter over HTTP on PostgreSQL, through the application's DataSource")
@TestPropertySource(
    properties =
        "spring.autoconfigure.exclude="
            + "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration")
class PostgresStarterIT extends StarterHttpContract {
  private static final String SCHEMA =
      "idem_starter_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  @Autowired IdempotencyStore store;

  @DynamicPropertySource
  static void postgres(DynamicPropertyRegistry registry) throws Exception {
    JdbcTestDatabase db = PostgresTestServer.get();
    execute(db, "CREATE SCHEMA " + SCHEMA);
    registry.add("spring.datasource.url", db::jdbcUrl);
    registry.add("spring.datasource.username", db::user);
    registry.add("spring.datasource.password", db::password);
    registry.add("idem.store.type", () -> "jdbc");
    registry.add("idem.store.jdbc.table-name", () -> SCHEMA + ".idem_records");
    registry.add("idem.store.jdbc.create-table", () -> "true");
  }

  @AfterAll
  static void dropSchema() throws Exception {
    execute(PostgresTestServer.get(), "DROP SCHEMA " + SCHEMA + " CASCADE");
  }

  private static void execute(JdbcTestDatabase db, String sql) throws Exception {
    try (Connection c = db.connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Test
  void storesInTheConfiguredTable() {
    assertThat(store)
        .isInstanceOfSatisfying(
            JdbcIdempotencyStore.class,
            jdbc -> assertThat(jdbc.tableName()).isEqualTo(SCHEMA + ".idem_records"));
  }
}
