package dev.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.ManualClock;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.StoreKey;
import dev.idem.tck.IdempotencyStoreContract;
import dev.idem.testservers.RedisClusterTestServer;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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

  @Test
  @DisplayName("records spread over every master, each on the node that owns its slot")
  void recordsSpreadOverTheMasters() {
    Set<String> owners = new HashSet<>();
    try (StatefulRedisClusterConnection<String, String> connection = client.connect()) {
      for (int i = 0; i < 30; i++) {
        StoreKey key = freshKey();
        acquireOrFail(key, fingerprint("a"));
        String redisKey = PREFIX + key.hex();
        RedisClusterNode owner =
            connection.getPartitions().getPartitionBySlot(SlotHash.getSlot(redisKey));
        assertThat(connection.getConnection(owner.getNodeId()).sync().exists(redisKey))
            .as("%s on its slot's master %s", redisKey, owner.getUri())
            .isEqualTo(1L);
        owners.add(owner.getNodeId());
      }
    }
    assertThat(owners).hasSize(3);
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
