package dev.idem.redis;

import dev.idem.ManualClock;
import dev.idem.spi.IdempotencyStore;
import dev.idem.tck.IdempotencyStoreContract;
import dev.idem.testservers.RedisClusterTestServer;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.cluster.RedisClusterClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("RedisIdempotencyStore on a 3-master Redis Cluster passes the store contract")
class RedisClusterStoreContractIT extends IdempotencyStoreContract {
  private static RedisClusterTestServer cluster;
  private static RedisClusterClient client;
  private static final String PREFIX = RedisTestServer.newKeyPrefix();

  @BeforeAll
  static void connect() {
    cluster = RedisClusterTestServer.shared();
    System.out.println("RedisClusterStoreContractIT runs on " + cluster);
    client = RedisClusterClient.create(cluster.uri());
  }

  @AfterAll
  static void cleanUp() {
    if (client != null) {
      client.shutdown();
    }
    if (cluster != null) {
      cluster.deleteKeys(PREFIX);
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
