package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Fingerprint;
import dev.idem.http.HttpIdempotency;
import dev.idem.http.RoutePolicy;
import dev.idem.jdbc.JdbcIdempotencyStore;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.StoreKey;
import dev.idem.testservers.JdbcTestDatabase;
import dev.idem.testservers.PostgresTestServer;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
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
  @Autowired HttpIdempotency http;

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
    registry.add("idem.store.jdbc.sweep-interval", () -> "200ms");
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
  @DisplayName("a response just under idem.http.max-body-size is stored whole and keeps the key")
  void aResponseJustUnderTheHttpLimitIsNotReleasedByTheStoresLimit() throws Exception {
    // With both limits at 1 MiB the headers and framing pushed this over the store's limit: the
    // key was released and the retry charged again.
    int size = (int) RoutePolicy.DEFAULT_MAX_BODY_BYTES - 16;
    String key = newKey();
    String item = newItem();

    HttpResponse<String> first = post("/orders/large?size=" + size, key, item);
    HttpResponse<String> second = post("/orders/large?size=" + size, key, item);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.body()).hasSize(size);
    assertThat(second.statusCode()).isEqualTo(201);
    assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(orders.executions(item)).isEqualTo(1);
  }

  @Test
  @DisplayName("the protocol knows the JDBC store's limit, which leaves room above max-body-size")
  void theProtocolKnowsTheStoresLimit() {
    long limit = ((JdbcIdempotencyStore) store).maxResultBytes();
    assertThat(http.maxStoredBytes()).isEqualTo(limit);
    assertThat(limit).isGreaterThan(RoutePolicy.DEFAULT_MAX_BODY_BYTES + 16 * 1024);
  }

  @Test
  @DisplayName("the configured sweep deletes expired rows that nothing reads")
  void sweepsExpiredRows() throws Exception {
    StoreKey key = new StoreKey(UUID.randomUUID().toString().replace("-", "").repeat(2));
    store.acquire(key, Fingerprint.ofHex("ab".repeat(32)), Duration.ofMillis(100));
    assertThat(rows(key)).isEqualTo(1);

    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (rows(key) > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }

    assertThat(rows(key)).as("rows left for the expired claim").isZero();
  }

  private static int rows(StoreKey key) throws Exception {
    try (Connection c = PostgresTestServer.get().connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM " + SCHEMA + ".idem_records WHERE idem_key = ?")) {
      ps.setString(1, key.hex());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
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
