package dev.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.Fingerprint;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.ResultTooLargeException;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.CommandType;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What only a Redis store has: scripts cached by SHA, expiry by the server, connection loss. Runs
 * on a redis-server of its own, never the shared one: these tests flush scripts and stop servers.
 */
@DisplayName("RedisIdempotencyStore on a server of its own")
class RedisStoreBehaviourIT {
  private static final Duration LEASE = Duration.ofMillis(800);
  private static final Duration RETENTION = Duration.ofSeconds(30);

  private static RedisTestServer server;
  private static RedisClient client;
  private static StatefulRedisConnection<String, String> admin;

  @BeforeAll
  static void start() {
    server = RedisTestServer.start();
    System.out.println("RedisStoreBehaviourIT runs on " + server);
    client = RedisClient.create(server.uri());
    admin = client.connect();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.shutdown();
    }
    if (server != null) {
      server.stop();
    }
  }

  private final String prefix = RedisTestServer.newKeyPrefix();
  private IdempotencyStore store;

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
  }

  private IdempotencyStore newStore() {
    store = RedisIdempotencyStore.builder().client(client).keyPrefix(prefix).build();
    return store;
  }

  private static long serverMillis() {
    java.util.List<String> time = admin.sync().time();
    return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
  }

  private static StoreKey freshKey() {
    return new StoreKey(sha256(UUID.randomUUID().toString()));
  }

  private static Fingerprint fingerprint(String seed) {
    return Fingerprint.ofHex(sha256(seed));
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private LeaseToken acquire(StoreKey key) {
    AcquireResult result = store.acquire(key, fingerprint("a"), LEASE);
    assertThat(result).isInstanceOf(AcquireResult.Acquired.class);
    return ((AcquireResult.Acquired) result).token();
  }

  @Nested
  @DisplayName("Scripts")
  class Scripts {
    @Test
    @DisplayName("after SCRIPT FLUSH every transition falls back to EVAL and is cached again")
    void noScriptFallsBackToEval() {
      newStore();
      StoreKey warm = freshKey();
      store.complete(warm, acquire(warm), "warm".getBytes(StandardCharsets.UTF_8), RETENTION);
      admin.sync().scriptFlush();
      String completeSha = dev.idem.redis.internal.Scripts.COMPLETE.sha1();
      assertThat(admin.sync().scriptExists(completeSha)).containsExactly(false);

      StoreKey key = freshKey();
      LeaseToken token = acquire(key);
      assertThat(store.renew(key, token, LEASE)).isEqualTo(WriteResult.APPLIED);
      assertThat(store.complete(key, token, new byte[] {0, 1, 2}, RETENTION))
          .isEqualTo(WriteResult.APPLIED);
      assertThat(store.find(key)).isPresent();
      StoreKey released = freshKey();
      assertThat(store.release(released, acquire(released))).isEqualTo(WriteResult.APPLIED);

      assertThat(
              admin
                  .sync()
                  .scriptExists(
                      completeSha,
                      dev.idem.redis.internal.Scripts.RENEW.sha1(),
                      dev.idem.redis.internal.Scripts.RELEASE.sha1(),
                      dev.idem.redis.internal.Scripts.FIND.sha1()))
          .containsOnly(true);
    }
  }

  @Nested
  @DisplayName("Lease tokens")
  class Tokens {
    @Test
    @DisplayName(
        "a token left unused by a replay or a duplicate is reused, but never by two claims at once")
    void unusedTokensAreReusedButNeverShared() throws Exception {
      newStore();
      StoreKey done = freshKey();
      store.complete(done, acquire(done), new byte[] {1}, RETENTION);
      Set<String> claimed = ConcurrentHashMap.newKeySet();
      int threads = 8;
      int rounds = 200;
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          running.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < rounds; i++) {
                      assertThat(store.acquire(done, fingerprint("a"), LEASE))
                          .isInstanceOf(AcquireResult.Completed.class);
                      StoreKey key = freshKey();
                      assertThat(claimed.add(acquire(key).value())).isTrue();
                      assertThat(store.acquire(key, fingerprint("a"), LEASE))
                          .isInstanceOf(AcquireResult.InProgress.class);
                      assertThat(store.acquire(key, fingerprint("b"), LEASE))
                          .isInstanceOf(AcquireResult.Mismatch.class);
                    }
                    return null;
                  }));
        }
        for (Future<?> f : running) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(claimed).hasSize(threads * rounds);
    }
  }

  @Nested
  @DisplayName("Expiry by the server")
  class Expiry {
    @Test
    @DisplayName("a claim carries a PTTL of the lease and the key is gone from Redis after it")
    void leaseIsAServerTtl() throws InterruptedException {
      newStore();
      StoreKey key = freshKey();
      acquire(key);
      String redisKey = prefix + key.hex();

      assertThat(admin.sync().pttl(redisKey)).isBetween(1L, LEASE.toMillis());
      Thread.sleep(LEASE.toMillis() + 100);
      assertThat(admin.sync().exists(redisKey)).isZero();
    }

    @Test
    @DisplayName("completion replaces the lease TTL with the retention, renew with a fresh lease")
    void retentionIsAServerTtl() throws InterruptedException {
      newStore();
      StoreKey key = freshKey();
      LeaseToken token = acquire(key);
      String redisKey = prefix + key.hex();
      Thread.sleep(300);
      assertThat(store.renew(key, token, Duration.ofSeconds(5))).isEqualTo(WriteResult.APPLIED);
      assertThat(admin.sync().pttl(redisKey)).isBetween(4_000L, 5_000L);

      store.complete(key, token, new byte[] {42}, RETENTION);
      assertThat(admin.sync().pttl(redisKey))
          .isBetween(RETENTION.toMillis() - 1_000, RETENTION.toMillis());
    }

    @Test
    @DisplayName("a completed record keeps no lease token in Redis: header, then the result")
    void completedRecordDropsTheToken() {
      newStore();
      StoreKey key = freshKey();
      LeaseToken token = acquire(key);
      assertThat(admin.sync().get(prefix + key.hex())).startsWith("1N").endsWith(token.value());
      store.complete(key, token, "done".getBytes(StandardCharsets.UTF_8), RETENTION);

      String value = admin.sync().get(prefix + key.hex());
      assertThat(value).startsWith("1C").endsWith("done").doesNotContain(token.value());
      assertThat(value).hasSize(dev.idem.redis.internal.PackedRecord.HEADER + 4);
    }

    @Test
    @DisplayName(
        "a foreign value under a record's key is refused with the key named, never misread")
    void foreignValueIsRefused() {
      newStore();
      StoreKey key = freshKey();
      admin.sync().psetex(prefix + key.hex(), 60_000, "someone else's value");

      assertThatThrownBy(() -> store.acquire(key, fingerprint("a"), LEASE))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(prefix + key.hex())
          .hasMessageContaining("not an idempotency record of this store");
      assertThatThrownBy(() -> store.find(key))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not an idempotency record of this store");
      assertThat(store.purge(key)).isTrue();
      assertThat(store.acquire(key, fingerprint("a"), LEASE))
          .isInstanceOf(dev.idem.spi.AcquireResult.Acquired.class);
    }

    @Test
    @DisplayName("a claim reports an expiry on the server's clock, never later than Redis's own")
    void claimExpiryFollowsServerClock() {
      newStore();
      StoreKey key = freshKey();
      long before = serverMillis();
      dev.idem.spi.AcquireResult.Acquired claim =
          (dev.idem.spi.AcquireResult.Acquired) store.acquire(key, fingerprint("a"), LEASE);
      long after = serverMillis();

      // Estimated from a TIME reading, so early by at most that reading's round trip, never late.
      assertThat(claim.leaseExpiresAt().toEpochMilli())
          .isBetween(before + LEASE.toMillis() - 200, after + LEASE.toMillis());
      var found = store.find(key).orElseThrow();
      assertThat(found.expiresAt()).isAfter(found.createdAt());
      assertThat(found.createdAt().toEpochMilli()).isBetween(before - 1, after + 1);
    }
  }

  @Nested
  @DisplayName("Ownership")
  class Ownership {
    @Test
    @DisplayName("closing the store leaves the caller's client usable")
    void clientStaysOpen() {
      newStore();
      acquire(freshKey());
      store.close();
      store = null;

      try (StatefulRedisConnection<String, String> again = client.connect()) {
        assertThat(again.sync().ping()).isEqualTo("PONG");
      }
    }

    @Test
    @DisplayName("closing the store leaves the caller's connection open")
    void connectionStaysOpen() {
      try (StatefulRedisConnection<byte[], byte[]> connection =
          client.connect(ByteArrayCodec.INSTANCE)) {
        store = RedisIdempotencyStore.builder().connection(connection).keyPrefix(prefix).build();
        acquire(freshKey());
        store.close();
        store = null;

        assertThat(connection.isOpen()).isTrue();
        assertThat(connection.sync().ping()).isEqualTo("PONG");
      }
    }

    @Test
    @DisplayName("a closed store refuses calls instead of reconnecting")
    void closedStoreRefusesCalls() {
      newStore();
      store.close();

      assertThatThrownBy(() -> store.find(freshKey())).isInstanceOf(IllegalStateException.class);
    }
  }

  @Nested
  @DisplayName("Unreachable Redis")
  class Unreachable {
    @Test
    @DisplayName("nothing listening: every call throws StoreUnavailableException, none answers")
    void nothingListening() throws IOException {
      int port;
      try (ServerSocket socket = new ServerSocket(0)) {
        port = socket.getLocalPort();
      }
      RedisClient nowhere = RedisClient.create(RedisURI.create("127.0.0.1", port));
      try (IdempotencyStore unreachable =
          RedisIdempotencyStore.builder().client(nowhere).keyPrefix(prefix).build()) {
        StoreKey key = freshKey();
        assertThatThrownBy(() -> unreachable.acquire(key, fingerprint("a"), LEASE))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("Redis idempotency store")
            .hasMessageContaining("acquire");
        assertThatThrownBy(() -> unreachable.find(key))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("find");
        assertThatThrownBy(() -> unreachable.complete(key, LeaseToken.random(), new byte[0], LEASE))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("complete");
      } finally {
        nowhere.shutdown();
      }
    }

    @Test
    @DisplayName("a connection its owner closed: StoreUnavailableException, not an answer")
    void closedConnectionIsUnavailable() {
      StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
      try (IdempotencyStore onClosed =
          RedisIdempotencyStore.builder().connection(connection).keyPrefix(prefix).build()) {
        connection.close();

        assertThatThrownBy(() -> onClosed.acquire(freshKey(), fingerprint("a"), LEASE))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("acquire");
        assertThatThrownBy(() -> onClosed.find(freshKey()))
            .isInstanceOf(StoreUnavailableException.class);
      }
    }

    @Test
    @DisplayName("an error reply (a read-only replica) is StoreUnavailableException, not an answer")
    void errorReplyIsUnavailable() throws IOException {
      newStore();
      StoreKey key = freshKey();
      LeaseToken token = acquire(key);
      int nowhere;
      try (ServerSocket socket = new ServerSocket(0)) {
        nowhere = socket.getLocalPort();
      }
      // Our own server becomes a replica of a master that does not exist: it refuses writes.
      admin.sync().replicaof("127.0.0.1", nowhere);
      try {
        assertThatThrownBy(() -> store.acquire(freshKey(), fingerprint("a"), LEASE))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("acquire")
            .hasMessageContaining("READONLY");
        assertThatThrownBy(() -> store.complete(key, token, new byte[] {1}, RETENTION))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("complete");
      } finally {
        admin.sync().replicaofNoOne();
      }
    }

    @Test
    @DisplayName(
        "a server that accepts and never answers: every caller fails within the command timeout,"
            + " all waiting on one connect")
    void silentServerFailsWithinCommandTimeout() throws Exception {
      List<java.net.Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
      try (ServerSocket silent =
          new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
        Thread accepting =
            new Thread(
                () -> {
                  try {
                    while (true) {
                      accepted.add(silent.accept());
                    }
                  } catch (IOException closed) {
                    // The test is over.
                  }
                },
                "silent-redis");
        accepting.setDaemon(true);
        accepting.start();
        // Lettuce's own connect timeout is far longer than the store's command timeout.
        RedisClient silentClient =
            RedisClient.create(
                RedisURI.builder()
                    .withHost("127.0.0.1")
                    .withPort(silent.getLocalPort())
                    .withTimeout(Duration.ofSeconds(10))
                    .build());
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try (IdempotencyStore onSilent =
            RedisIdempotencyStore.builder()
                .client(silentClient)
                .keyPrefix(prefix)
                .commandTimeout(Duration.ofMillis(500))
                .build()) {
          List<Future<Long>> waits = new ArrayList<>();
          for (int i = 0; i < 4; i++) {
            waits.add(
                callers.submit(
                    () -> {
                      long started = System.nanoTime();
                      assertThatThrownBy(
                              () -> onSilent.acquire(freshKey(), fingerprint("a"), LEASE))
                          .isInstanceOf(StoreUnavailableException.class)
                          .hasMessageContaining("acquire")
                          .hasMessageContaining("connect");
                      return Duration.ofNanos(System.nanoTime() - started).toMillis();
                    }));
          }
          for (Future<Long> wait : waits) {
            assertThat(wait.get(30, TimeUnit.SECONDS)).isLessThan(1_500L);
          }
          assertThat(accepted).hasSize(1);
        } finally {
          callers.shutdownNow();
          silentClient.shutdown(Duration.ZERO, Duration.ofSeconds(1));
          for (java.net.Socket socket : accepted) {
            socket.close();
          }
        }
      }
    }

    @Test
    @DisplayName("a first connect that failed is tried again by the next call")
    void failedConnectIsRetried() throws Exception {
      try (DroppingProxy proxy = new DroppingProxy(server.port())) {
        proxy.refuseNextConnection();
        RedisClient viaProxy = RedisClient.create(RedisURI.create("127.0.0.1", proxy.port()));
        try (IdempotencyStore retrying =
            RedisIdempotencyStore.builder().client(viaProxy).keyPrefix(prefix).build()) {
          assertThatThrownBy(() -> retrying.find(freshKey()))
              .isInstanceOf(StoreUnavailableException.class)
              .hasMessageContaining("find");

          assertThat(retrying.acquire(freshKey(), fingerprint("a"), LEASE))
              .isInstanceOf(AcquireResult.Acquired.class);
        } finally {
          viaProxy.shutdown();
        }
      }
    }

    @Test
    @DisplayName("server restarted: calls fail within the command timeout, then recover")
    void serverRestarted() throws InterruptedException {
      RedisTestServer doomed = RedisTestServer.start();
      RedisClient doomedClient = RedisClient.create(RedisURI.create(doomed.host(), doomed.port()));
      doomedClient.setOptions(ClientOptions.builder().autoReconnect(true).build());
      try (IdempotencyStore onDoomed =
          RedisIdempotencyStore.builder()
              .client(doomedClient)
              .keyPrefix(prefix)
              .commandTimeout(Duration.ofMillis(500))
              .build()) {
        StoreKey key = freshKey();
        LeaseToken token =
            ((AcquireResult.Acquired) onDoomed.acquire(key, fingerprint("a"), RETENTION)).token();
        assertThat(onDoomed.complete(key, token, new byte[] {1}, RETENTION))
            .isEqualTo(WriteResult.APPLIED);

        doomed.stop();

        long started = System.nanoTime();
        assertThatThrownBy(() -> onDoomed.acquire(key, fingerprint("a"), LEASE))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("acquire");
        assertThatThrownBy(() -> onDoomed.find(key))
            .isInstanceOf(StoreUnavailableException.class)
            .satisfies(e -> assertThat(((StoreUnavailableException) e).retryAfter()).isPositive());
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));

        doomed.restart();

        // Lettuce reconnects by itself; the store needs nothing from the caller. The restarted
        // server had no AOF, so the completed record is gone: the durability caveat in the README.
        AcquireResult afterRestart = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (afterRestart == null && System.nanoTime() < deadline) {
          try {
            afterRestart = onDoomed.acquire(key, fingerprint("a"), LEASE);
          } catch (StoreUnavailableException stillReconnecting) {
            Thread.sleep(100);
          }
        }
        assertThat(afterRestart).isInstanceOf(AcquireResult.Acquired.class);
      } finally {
        doomedClient.shutdown();
        doomed.stop();
      }
    }
  }

  @Nested
  @DisplayName("Server time")
  class ServerTime {
    @Test
    @DisplayName("lease ends are stamped with the Redis server's clock")
    void timesComeFromTheServer() {
      newStore();
      RedisCommands<String, String> sync = admin.sync();
      long before = sync.time().stream().findFirst().map(Long::parseLong).orElseThrow() * 1000;
      AcquireResult.Acquired acquired =
          (AcquireResult.Acquired) store.acquire(freshKey(), fingerprint("a"), LEASE);
      long after = (Long.parseLong(sync.time().get(0)) + 1) * 1000;

      assertThat(acquired.leaseExpiresAt().toEpochMilli())
          .isBetween(before + LEASE.toMillis(), after + LEASE.toMillis());
    }
  }

  @Nested
  @DisplayName("Acquire under faults")
  class AcquireFaults {
    @Test
    @DisplayName(
        "a claim Lettuce re-sends after a reconnect is recognised as ours and acquired, not 409")
    void resentClaimIsAcquired() throws Exception {
      try (DroppingProxy proxy = new DroppingProxy(server.port())) {
        RedisClient viaProxy = RedisClient.create(RedisURI.create("127.0.0.1", proxy.port()));
        try (IdempotencyStore resending =
            RedisIdempotencyStore.builder().client(viaProxy).keyPrefix(prefix).build()) {
          // Connect and measure the server's clock first, so the claim is the command cut off.
          resending.find(freshKey());
          assertThat(resending.acquire(freshKey(), fingerprint("warm"), LEASE))
              .isInstanceOf(AcquireResult.Acquired.class);
          proxy.dropAfterNextClaim();
          StoreKey key = freshKey();
          long before = serverMillis();

          AcquireResult result = resending.acquire(key, fingerprint("a"), RETENTION);

          assertThat(proxy.dropped()).isTrue();
          assertThat(result).isInstanceOf(AcquireResult.Acquired.class);
          AcquireResult.Acquired acquired = (AcquireResult.Acquired) result;
          assertThat(admin.sync().get(prefix + key.hex())).endsWith(acquired.token().value());
          assertThat(acquired.leaseExpiresAt().toEpochMilli())
              .isBetween(before, serverMillis() + RETENTION.toMillis());
          assertThat(resending.complete(key, acquired.token(), new byte[] {1}, RETENTION))
              .isEqualTo(WriteResult.APPLIED);
        } finally {
          viaProxy.shutdown();
        }
      }
    }

    @Test
    @DisplayName("a command that Lettuce refuses outright is StoreUnavailableException, not raw")
    void refusedCommandIsUnavailable() {
      newStore();
      StoreKey key = freshKey();
      acquire(key);
      try (StatefulRedisConnection<byte[], byte[]> real = client.connect(ByteArrayCodec.INSTANCE)) {
        // Lettuce throws from the call itself, not through the future, on a closed connection.
        StatefulRedisConnection<byte[], byte[]> refusingPttl =
            withAsync(
                real,
                (proxy, method, args) -> {
                  if (method.getName().equals("pttl")) {
                    throw new RedisException("Connection is closed");
                  }
                  return method.invoke(real.async(), args);
                });
        try (IdempotencyStore refusing =
            RedisIdempotencyStore.builder().connection(refusingPttl).keyPrefix(prefix).build()) {
          assertThatThrownBy(() -> refusing.acquire(key, fingerprint("a"), LEASE))
              .isInstanceOf(StoreUnavailableException.class)
              .hasMessageContaining("acquire")
              .hasMessageContaining("Connection is closed");
        }
      }
    }

    @Test
    @DisplayName("a failed first read of the server's clock leaves the key unclaimed")
    void failedClockReadClaimsNothing() {
      String user = "idem-no-time-" + UUID.randomUUID();
      admin
          .sync()
          .aclSetuser(
              user,
              AclSetuserArgs.Builder.on()
                  .addPassword("pw")
                  .allKeys()
                  .allCommands()
                  .removeCommand(CommandType.TIME));
      RedisClient noTime =
          RedisClient.create(
              RedisURI.builder()
                  .withHost(server.host())
                  .withPort(server.port())
                  .withAuthentication(user, "pw")
                  .build());
      try (IdempotencyStore blind =
          RedisIdempotencyStore.builder().client(noTime).keyPrefix(prefix).build()) {
        StoreKey key = freshKey();
        assertThatThrownBy(() -> blind.acquire(key, fingerprint("a"), LEASE))
            .isInstanceOf(StoreUnavailableException.class)
            .hasMessageContaining("clock");

        assertThat(admin.sync().exists(prefix + key.hex())).isZero();
      } finally {
        noTime.shutdown();
        admin.sync().aclDeluser(user);
      }
    }

    @Test
    @DisplayName("a lease or retention beyond 36,500 days is capped, never a corrupt header")
    void hugeDurationsAreCapped() {
      newStore();
      Duration huge = Duration.ofMillis(10_000_000_000_000_000L);
      long cap = Duration.ofDays(36_500).toMillis();
      StoreKey key = freshKey();
      long before = serverMillis();
      LeaseToken token =
          ((AcquireResult.Acquired) store.acquire(key, fingerprint("a"), huge)).token();
      assertThat(admin.sync().pttl(prefix + key.hex())).isBetween(cap - 60_000, cap);

      assertThat(store.complete(key, token, new byte[] {7}, Duration.ofSeconds(Long.MAX_VALUE)))
          .isEqualTo(WriteResult.APPLIED);

      var found = store.find(key).orElseThrow();
      assertThat(found.expiresAt().toEpochMilli()).isBetween(before + cap, serverMillis() + cap);
      assertThat(store.acquire(key, fingerprint("a"), huge))
          .isInstanceOf(AcquireResult.Completed.class);
    }
  }

  @Nested
  @DisplayName("Result size")
  class ResultSize {
    @Test
    @DisplayName(
        "a result over the limit (default 1 MiB) is refused before Redis; the claim stays ours")
    void tooLargeResultIsRefused() {
      newStore();
      StoreKey key = freshKey();
      LeaseToken token = acquire(key);

      assertThatThrownBy(() -> store.complete(key, token, new byte[1024 * 1024 + 1], RETENTION))
          .isInstanceOf(ResultTooLargeException.class)
          .satisfies(
              e -> {
                assertThat(((ResultTooLargeException) e).size()).isEqualTo(1024 * 1024 + 1);
                assertThat(((ResultTooLargeException) e).limit()).isEqualTo(1024 * 1024);
              });

      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.IN_PROGRESS);
      assertThat(store.complete(key, token, new byte[1024 * 1024], RETENTION))
          .isEqualTo(WriteResult.APPLIED);
      assertThat(store.find(key).orElseThrow().result()).hasSize(1024 * 1024);
    }
  }

  /** The caller's connection, but with its async commands answered by {@code handler}. */
  @SuppressWarnings("unchecked")
  private static StatefulRedisConnection<byte[], byte[]> withAsync(
      StatefulRedisConnection<byte[], byte[]> real, InvocationHandler handler) {
    Object async =
        Proxy.newProxyInstance(
            RedisStoreBehaviourIT.class.getClassLoader(),
            new Class<?>[] {RedisAsyncCommands.class},
            (proxy, method, args) -> {
              try {
                return handler.invoke(proxy, method, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
    return (StatefulRedisConnection<byte[], byte[]>)
        Proxy.newProxyInstance(
            RedisStoreBehaviourIT.class.getClassLoader(),
            new Class<?>[] {StatefulRedisConnection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("async")) {
                return async;
              }
              try {
                return method.invoke(real, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }

  /**
   * A TCP proxy to Redis that can close the next connection at once, and that, once armed, forwards
   * the next {@code SET … NX … GET} claim and then cuts the connection before the reply comes back:
   * the claim is written, the client never hears so, reconnects and re-sends it.
   */
  static final class DroppingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final java.util.concurrent.atomic.AtomicBoolean armed =
        new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean refuse =
        new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean dropped =
        new java.util.concurrent.atomic.AtomicBoolean();
    private final List<java.net.Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    DroppingProxy(int target) throws IOException {
      this.target = target;
      this.listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread accepting = new Thread(this::accept, "dropping-proxy");
      accepting.setDaemon(true);
      accepting.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    void dropAfterNextClaim() {
      armed.set(true);
    }

    void refuseNextConnection() {
      refuse.set(true);
    }

    boolean dropped() {
      return dropped.get();
    }

    private void accept() {
      try {
        while (true) {
          java.net.Socket down = listener.accept();
          if (refuse.compareAndSet(true, false)) {
            down.close();
            continue;
          }
          java.net.Socket up = new java.net.Socket("127.0.0.1", target);
          sockets.add(down);
          sockets.add(up);
          java.util.concurrent.atomic.AtomicBoolean hold =
              new java.util.concurrent.atomic.AtomicBoolean();
          pump(down, up, hold, true);
          pump(up, down, hold, false);
        }
      } catch (IOException closed) {
        // close() ends the proxy.
      }
    }

    private void pump(
        java.net.Socket from,
        java.net.Socket to,
        java.util.concurrent.atomic.AtomicBoolean hold,
        boolean upstream) {
      Thread t =
          new Thread(
              () -> {
                byte[] buffer = new byte[65536];
                try {
                  int n;
                  while ((n = from.getInputStream().read(buffer)) > 0) {
                    String text = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                    if (upstream
                        && text.contains("\r\nSET\r\n")
                        && text.contains("\r\nNX\r\n")
                        && text.contains("\r\nGET\r\n")
                        && armed.compareAndSet(true, false)) {
                      hold.set(true);
                      dropped.set(true);
                      to.getOutputStream().write(buffer, 0, n);
                      to.getOutputStream().flush();
                      Thread.sleep(200);
                      from.close();
                      to.close();
                      return;
                    }
                    if (hold.get()) {
                      return;
                    }
                    to.getOutputStream().write(buffer, 0, n);
                    to.getOutputStream().flush();
                  }
                } catch (IOException | InterruptedException e) {
                  // The other side closed.
                } finally {
                  try {
                    from.close();
                    to.close();
                  } catch (IOException ignored) {
                    // Closing is all that is left.
                  }
                }
              },
              "dropping-proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (java.net.Socket s : sockets) {
        s.close();
      }
    }
  }
}
