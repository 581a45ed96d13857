package dev.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Fingerprint;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.RecordState;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import dev.idem.testservers.RedisSentinelTestServer;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RedisIdempotencyStore through a Sentinel URI")
class RedisSentinelSmokeIT {
  private static final Fingerprint FINGERPRINT = Fingerprint.ofHex("fedcba9876543210".repeat(4));

  @Test
  @DisplayName("claims, completes and replays; after a failover it replays from the new master")
  void worksThroughSentinelAndFollowsFailover() throws InterruptedException {
    RedisSentinelTestServer sentinel = RedisSentinelTestServer.start();
    System.out.println("RedisSentinelSmokeIT runs on " + sentinel);
    RedisClient client = RedisClient.create(sentinel.uri());
    try (RedisIdempotencyStore store =
        RedisIdempotencyStore.builder()
            .client(client)
            .keyPrefix(RedisTestServer.newKeyPrefix())
            .build()) {
      StoreKey key = new StoreKey("0123456789abcdef".repeat(4));
      AcquireResult.Acquired claim =
          (AcquireResult.Acquired) store.acquire(key, FINGERPRINT, Duration.ofSeconds(10));
      assertThat(store.complete(key, claim.token(), new byte[] {7, 0, 7}, Duration.ofMinutes(5)))
          .isEqualTo(WriteResult.APPLIED);
      assertReplays(store.acquire(key, FINGERPRINT, Duration.ofSeconds(10)));

      // Replication is asynchronous (the README's caveat); make sure the record reached the
      // replica so the test checks that the store follows the failover, not replication lag.
      try (StatefulRedisConnection<String, String> admin = client.connect()) {
        assertThat(admin.sync().waitForReplication(1, 5_000)).isEqualTo(1L);
      }

      sentinel.failOver();

      AcquireResult afterFailover = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (afterFailover == null && System.nanoTime() < deadline) {
        try {
          afterFailover = store.acquire(key, FINGERPRINT, Duration.ofSeconds(10));
        } catch (StoreUnavailableException reconnecting) {
          Thread.sleep(200);
        }
      }
      assertReplays(afterFailover);
      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.COMPLETED);
    } finally {
      client.shutdown();
      sentinel.stop();
    }
  }

  private static void assertReplays(AcquireResult result) {
    assertThat(result).isInstanceOf(AcquireResult.Completed.class);
    assertThat(((AcquireResult.Completed) result).record().result()).containsExactly(7, 0, 7);
  }
}
