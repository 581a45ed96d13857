package dev.idem.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idem.InMemoryIdempotencyStore;
import dev.idem.conformance.ConformanceChecker;
import dev.idem.conformance.ConformanceReport;
import dev.idem.conformance.Profile;
import dev.idem.jdbc.JdbcIdempotencyStore;
import dev.idem.redis.RedisIdempotencyStore;
import dev.idem.spi.IdempotencyStore;
import dev.idem.testservers.JdbcTestDatabase;
import dev.idem.testservers.PostgresTestServer;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.RedisClient;
import java.net.URI;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The black-box conformance checker ({@code idem check}) against the Servlet filter on a real
 * Jetty: two implementations written from the same semantics table must agree, on every store.
 */
@DisplayName("idem check passes the Servlet filter")
class FilterConformanceIT {
  private static final String PREFIX = RedisTestServer.newKeyPrefix();
  private static final String SCHEMA =
      "idem_check_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private static RedisClient redis;
  private static HikariDataSource pool;

  @ParameterizedTest(name = "on {0}")
  @ValueSource(strings = {"memory", "redis", "postgresql"})
  void passesEveryCheck(String store) throws Exception {
    try (TestServer server = TestServer.start(newStore(store))) {
      ConformanceReport report =
          ConformanceChecker.builder()
              .target(URI.create("http://127.0.0.1:" + server.port() + "/orders"))
              .profile(Profile.IETF)
              .build()
              .run();
      assertThat(report.passed()).as(report.toText()).isTrue();
      assertThat(report.results()).hasSizeGreaterThanOrEqualTo(15);

      // Control: a route where the key is optional must fail exactly the missing-key check, so a
      // pass above means the checker looked.
      ConformanceReport optional =
          ConformanceChecker.builder()
              .target(URI.create("http://127.0.0.1:" + server.port() + "/optional/orders"))
              .build()
              .run();
      assertThat(optional.failures())
          .extracting(result -> result.name())
          .containsExactly("missing-key");
    }
  }

  private static IdempotencyStore newStore(String store) throws Exception {
    switch (store) {
      case "memory":
        return InMemoryIdempotencyStore.ofDefaults();
      case "redis":
        if (redis == null) {
          redis = RedisClient.create(RedisTestServer.shared().uri());
        }
        return RedisIdempotencyStore.builder().client(redis).keyPrefix(PREFIX).build();
      default:
        if (pool == null) {
          JdbcTestDatabase db = PostgresTestServer.get();
          HikariConfig config = new HikariConfig();
          config.setJdbcUrl(db.jdbcUrl());
          config.setUsername(db.user());
          config.setPassword(db.password());
          config.setMaximumPoolSize(8);
          pool = new HikariDataSource(config);
          execute("CREATE SCHEMA " + SCHEMA);
        }
        return JdbcIdempotencyStore.builder()
            .dataSource(pool)
            .tableName(SCHEMA + ".idem_records")
            .createTable(true)
            .build();
    }
  }

  @AfterAll
  static void cleanUp() throws Exception {
    if (redis != null) {
      redis.shutdown();
      RedisTestServer.shared().deleteKeys(PREFIX);
    }
    if (pool != null) {
      execute("DROP SCHEMA " + SCHEMA + " CASCADE");
      pool.close();
    }
  }

  private static void execute(String sql) throws Exception {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
