package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.redis.RedisIdempotencyStore;
import dev.idem.spi.IdempotencyStore;
import dev.idem.testservers.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

@DisplayName("The starter over HTTP on Redis, through the application's Lettuce connection factory")
@TestPropertySource(
    properties =
        "spring.autoconfigure.exclude="
            + "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration")
class RedisStarterIT extends StarterHttpContract {
  private static final String PREFIX = RedisTestServer.newKeyPrefix();

  @Autowired IdempotencyStore store;

  @DynamicPropertySource
  static void redis(DynamicPropertyRegistry registry) {
    RedisTestServer server = RedisTestServer.shared();
    registry.add("spring.data.redis.host", server::host);
    registry.add("spring.data.redis.port", server::port);
    registry.add("idem.store.type", () -> "redis");
    registry.add("idem.store.redis.key-prefix", () -> PREFIX);
  }

  @AfterAll
  static void deleteKeys() {
    RedisTestServer.shared().deleteKeys(PREFIX);
  }

  @Test
  void writesUnderTheConfiguredPrefix() {
    assertThat(store)
        .isInstanceOfSatisfying(
            RedisIdempotencyStore.class, redis -> assertThat(redis.keyPrefix()).isEqualTo(PREFIX));
  }
}
