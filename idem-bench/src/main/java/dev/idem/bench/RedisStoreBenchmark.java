package dev.idem.bench;

import dev.idem.Fingerprint;
import dev.idem.redis.RedisIdempotencyStore;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.StoreKey;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The Redis store against a raw Lettuce client doing the same number of round trips on the same
 * shared connection:
 *
 * <ul>
 *   <li>{@code claimAndComplete}: our acquire + complete ({@code SET NX PX GET} and a script) vs
 *       {@code SET NX PX} + {@code SET XX PX};
 *   <li>{@code replay}: our acquire of a completed key ({@code SET NX PX GET} returning the record)
 *       vs {@code GET} of a value of the same size. {@code replay_rawSetNxGet} sends the store's
 *       own command from raw Lettuce (same key, a claim value of the same size): the difference
 *       between it and {@code replay_raw} is the command's, between it and {@code replay_idem} the
 *       store's client-side work.
 * </ul>
 *
 * <p>Targets: claim+complete at least 80% and replay at least 90% of raw throughput; p99 of a claim
 * at most 1 ms at half of the maximum load. Run at 1, 8 and 32 callers; SampleTime gives p50/p99:
 *
 * <pre>
 * java -jar idem-bench/target/benchmarks.jar RedisStoreBenchmark -t 1  -bm thrpt,sample
 * java -jar idem-bench/target/benchmarks.jar RedisStoreBenchmark -t 8  -bm thrpt,sample
 * java -jar idem-bench/target/benchmarks.jar RedisStoreBenchmark -t 32 -bm thrpt,sample
 * </pre>
 *
 * <p>The server is found like the tests find theirs: {@code IDEM_TEST_REDIS_URL}, else
 * 127.0.0.1:6379, else one started here. Every key goes under a prefix of this run and is deleted
 * at the end.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RedisStoreBenchmark {
  // Short, so that a long run at full speed keeps only a few seconds' worth of keys in a Redis
  // that may be shared; the claim path never waits for them.
  private static final Duration LEASE = Duration.ofSeconds(5);
  private static final Duration RETENTION = Duration.ofSeconds(5);
  private static final int RESULT_BYTES = 256;

  /** Shared by all benchmark threads, as in a service: one client, one connection each side. */
  @State(Scope.Benchmark)
  public static class Redis {
    RedisTestServer server;
    RedisClient client;
    RedisIdempotencyStore store;
    StatefulRedisConnection<byte[], byte[]> rawConnection;
    RedisCommands<byte[], byte[]> raw;
    String prefix;
    final byte[] result = new byte[RESULT_BYTES];
    final Fingerprint fingerprint = Fingerprint.ofHex("ab".repeat(32));
    StoreKey replayKey;
    byte[] rawReplayKey;
    byte[] idemReplayKey;
    byte[] claimValue;

    @Setup(Level.Trial)
    public void connect() {
      server = RedisTestServer.shared();
      prefix = RedisTestServer.newKeyPrefix();
      client = RedisClient.create(server.uri());
      store = RedisIdempotencyStore.builder().client(client).keyPrefix(prefix).build();
      rawConnection = client.connect(ByteArrayCodec.INSTANCE);
      raw = rawConnection.sync();
      ThreadLocalRandom.current().nextBytes(result);

      replayKey = new StoreKey("cd".repeat(32));
      AcquireResult.Acquired claim =
          (AcquireResult.Acquired) store.acquire(replayKey, fingerprint, LEASE);
      store.complete(replayKey, claim.token(), result, Duration.ofHours(1));
      rawReplayKey = bytes(prefix + "raw-replay");
      idemReplayKey = bytes(prefix + replayKey.hex());
      // The size of the store's claim: a 114-byte header and a 22-character token.
      claimValue = new byte[136];
      ThreadLocalRandom.current().nextBytes(claimValue);
      raw.set(rawReplayKey, result, SetArgs.Builder.px(Duration.ofHours(1)));
    }

    @TearDown(Level.Trial)
    public void close() {
      store.close();
      rawConnection.close();
      client.shutdown();
      server.deleteKeys(prefix);
    }
  }

  /** Fresh keys per thread, made without hashing so the baseline pays the same. */
  @State(Scope.Thread)
  public static class Keys {
    private final char[] hex = new char[64];
    private long counter;

    @Setup(Level.Trial)
    public void seed() {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < 48; i++) {
        hex[i] = Character.forDigit(random.nextInt(16), 16);
      }
    }

    String next() {
      long n = counter++;
      for (int i = 63; i >= 48; i--) {
        hex[i] = Character.forDigit((int) (n & 0xF), 16);
        n >>>= 4;
      }
      return new String(hex);
    }
  }

  @Benchmark
  public void claimAndComplete_idem(Redis redis, Keys keys, Blackhole bh) {
    StoreKey key = new StoreKey(keys.next());
    AcquireResult.Acquired claim =
        (AcquireResult.Acquired) redis.store.acquire(key, redis.fingerprint, LEASE);
    bh.consume(redis.store.complete(key, claim.token(), redis.result, RETENTION));
  }

  @Benchmark
  public void claimAndComplete_raw(Redis redis, Keys keys, Blackhole bh) {
    byte[] key = bytes(redis.prefix + keys.next());
    bh.consume(
        redis.raw.set(
            key,
            redis.fingerprint.hex().getBytes(StandardCharsets.US_ASCII),
            SetArgs.Builder.nx().px(LEASE)));
    bh.consume(redis.raw.set(key, redis.result, SetArgs.Builder.xx().px(RETENTION)));
  }

  @Benchmark
  public Object replay_idem(Redis redis) {
    return redis.store.acquire(redis.replayKey, redis.fingerprint, LEASE);
  }

  @Benchmark
  public byte[] replay_raw(Redis redis) {
    return redis.raw.get(redis.rawReplayKey);
  }

  @Benchmark
  public byte[] replay_rawSetNxGet(Redis redis) {
    return redis.raw.setGet(
        redis.idemReplayKey, redis.claimValue, SetArgs.Builder.nx().px(LEASE.toMillis()));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
