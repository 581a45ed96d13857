package dev.idem.redis;

import dev.idem.ManualClock;
import dev.idem.spi.IdempotencyStore;
import dev.idem.tck.IdempotencyStoreContract;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.RedisClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("RedisIdempotencyStore on standalone Redis passes the store contract")
class RedisStoreContractIT extends IdempotencyStoreContract {
  private static RedisTestServer server;
  private static RedisClient client;
  private static final String PREFIX = RedisTestServer.newKeyPrefix();

  @BeforeAll
  static void connect() {
    server = RedisTestServer.shared();
    System.out.println("RedisStoreContractIT runs on " + server);
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
  protected IdempotencyStore newStore(ManualClock clock) {
    return RedisIdempotencyStore.builder().client(client).keyPrefix(PREFIX).build();
  }

  @Override
  protected boolean usesServerTime() {
    return true;
  }
}
