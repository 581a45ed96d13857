package dev.idem.redis;

import dev.idem.ManualClock;
import dev.idem.spi.IdempotencyStore;
import dev.idem.tck.IdempotencyStoreModelProperties;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The model-based properties, on one shared connection passed in (which the store never closes).
 */
class RedisStoreModelPropertiesIT extends IdempotencyStoreModelProperties {
  private static RedisTestServer server;
  private static RedisClient client;
  private static StatefulRedisConnection<byte[], byte[]> connection;
  private static final String PREFIX = RedisTestServer.newKeyPrefix();

  @BeforeContainer
  static void connect() {
    server = RedisTestServer.shared();
    client = RedisClient.create(server.uri());
    connection = client.connect(ByteArrayCodec.INSTANCE);
  }

  @AfterContainer
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
    return RedisIdempotencyStore.builder().connection(connection).keyPrefix(PREFIX).build();
  }

  @Override
  protected boolean usesServerTime() {
    return true;
  }
}
