package dev.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Fingerprint;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.RecordState;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import dev.idem.testservers.RedisSentinelTestServer;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RedisIdempotencyStore through a Sentinel URI")
class RedisSentinelSmokeIT {
  @Test
  @DisplayName("a client created from a redis-sentinel:// URI claims, completes and replays")
  void worksThroughSentinel() {
    RedisSentinelTestServer sentinel = RedisSentinelTestServer.start();
    System.out.println("RedisSentinelSmokeIT runs on " + sentinel);
    RedisClient client = RedisClient.create(sentinel.uri());
    try (RedisIdempotencyStore store =
        RedisIdempotencyStore.builder()
            .client(client)
            .keyPrefix(RedisTestServer.newKeyPrefix())
            .build()) {
      StoreKey key = new StoreKey("0123456789abcdef".repeat(4));
      Fingerprint fingerprint = Fingerprint.ofHex("fedcba9876543210".repeat(4));
      AcquireResult.Acquired claim =
          (AcquireResult.Acquired) store.acquire(key, fingerprint, Duration.ofSeconds(10));
      assertThat(store.complete(key, claim.token(), new byte[] {7, 0, 7}, Duration.ofMinutes(1)))
          .isEqualTo(WriteResult.APPLIED);

      AcquireResult replay = store.acquire(key, fingerprint, Duration.ofSeconds(10));
      assertThat(replay).isInstanceOf(AcquireResult.Completed.class);
      assertThat(((AcquireResult.Completed) replay).record().result()).containsExactly(7, 0, 7);
      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.COMPLETED);
    } finally {
      client.shutdown();
      sentinel.stop();
    }
  }
}
