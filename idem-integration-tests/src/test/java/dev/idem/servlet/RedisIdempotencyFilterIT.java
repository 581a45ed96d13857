package dev.idem.servlet;

import dev.idem.redis.RedisIdempotencyStore;
import dev.idem.spi.IdempotencyStore;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("The HTTP contract over the Servlet filter on Redis")
class RedisIdempotencyFilterIT extends IdempotencyFilterContract {
  private static final String PREFIX = RedisTestServer.newKeyPrefix();
  private static RedisTestServer server;
  private static RedisClient client;

  @BeforeAll
  static void connect() {
    server = RedisTestServer.shared();
    client = RedisClient.create(server.uri());
  }

  @AfterAll
  static void cleanUp() {
    if (client != null) {
      client.shutdown();
    }
    if (server != null) {
      server.deleteKeys(PREFIX);
    }
  }

  @Override
  protected IdempotencyStore newStore() {
    return RedisIdempotencyStore.builder().client(client).keyPrefix(PREFIX).build();
  }
}
