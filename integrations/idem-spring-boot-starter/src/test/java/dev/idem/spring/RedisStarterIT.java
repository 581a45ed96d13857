package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.http.HttpIdempotency;
import dev.idem.http.RoutePolicy;
import dev.idem.redis.RedisIdempotencyStore;
import dev.idem.spi.IdempotencyStore;
import dev.idem.testservers.RedisTestServer;
import java.net.http.HttpResponse;
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
  @Autowired HttpIdempotency http;

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
  @DisplayName("the protocol knows the Redis store's limit, which leaves room above max-body-size")
  void theProtocolKnowsTheStoresLimit() {
    long limit = ((RedisIdempotencyStore) store).maxResultBytes();
    assertThat(http.maxStoredBytes()).isEqualTo(limit);
    assertThat(limit).isGreaterThan(RoutePolicy.DEFAULT_MAX_BODY_BYTES + 16 * 1024);
  }
}
