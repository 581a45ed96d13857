package dev.idem.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Fingerprint;
import dev.idem.Idempotency;
import dev.idem.Outcome;
import dev.idem.ResultCodec;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.RedisClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The engine on the Redis store, as two application instances sharing one Redis. */
@DisplayName("Two engines sharing one Redis")
class RedisEngineIT {
  private static RedisTestServer server;
  private static RedisClient clientA;
  private static RedisClient clientB;
  private static final String PREFIX = RedisTestServer.newKeyPrefix();

  @BeforeAll
  static void connect() {
    server = RedisTestServer.shared();
    clientA = RedisClient.create(server.uri());
    clientB = RedisClient.create(server.uri());
  }

  @AfterAll
  static void cleanUp() {
    if (clientA != null) {
      clientA.shutdown();
    }
    if (clientB != null) {
      clientB.shutdown();
    }
    if (server != null) {
      server.deleteKeys(PREFIX);
    }
  }

  private static Idempotency engine(RedisClient client) {
    return Idempotency.builder()
        .store(RedisIdempotencyStore.builder().client(client).keyPrefix(PREFIX).build())
        .build();
  }

  private static java.time.Instant completedAt(Outcome<String> outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Replayed.class);
    return ((Outcome.Replayed<String>) outcome).completedAt();
  }

  @Test
  @DisplayName("a burst of one request across both instances runs it once; retries replay it")
  void runsOnceAcrossInstances() throws Exception {
    Fingerprint body = Fingerprint.ofHex("12".repeat(32));
    String key = "order-" + java.util.UUID.randomUUID();
    AtomicInteger runs = new AtomicInteger();
    int callers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try (Idempotency a = engine(clientA);
        Idempotency b = engine(clientB)) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Outcome<String>>> outcomes = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        Idempotency engine = i % 2 == 0 ? a : b;
        outcomes.add(
            pool.submit(
                () -> {
                  start.await();
                  return engine.execute(
                      key,
                      body,
                      ResultCodec.utf8(),
                      ctx -> {
                        runs.incrementAndGet();
                        Thread.sleep(200);
                        return "receipt";
                      });
                }));
      }
      start.countDown();
      int executed = 0;
      for (Future<Outcome<String>> outcome : outcomes) {
        Outcome<String> result = outcome.get(30, TimeUnit.SECONDS);
        assertThat(result)
            .isInstanceOfAny(
                Outcome.Executed.class, Outcome.Replayed.class, Outcome.InProgress.class);
        if (result instanceof Outcome.Executed) {
          executed++;
        }
      }
      assertThat(executed).isEqualTo(1);
      assertThat(runs).hasValue(1);

      Outcome<String> retryOnA = a.execute(key, body, ResultCodec.utf8(), ctx -> "again");
      Outcome<String> retryOnB = b.execute(key, body, ResultCodec.utf8(), ctx -> "again");
      assertThat(retryOnA).isEqualTo(new Outcome.Replayed<>("receipt", completedAt(retryOnA)));
      assertThat(retryOnB).isEqualTo(retryOnA);
      assertThat(runs).hasValue(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName(
      "a result over the store's limit is not stored and the key is released, so a retry runs")
  void tooLargeResultReleasesTheKey() {
    Fingerprint body = Fingerprint.ofHex("34".repeat(32));
    String key = "large-" + java.util.UUID.randomUUID();
    String large = "x".repeat(1024 * 1024 + 1);
    try (Idempotency a = engine(clientA)) {
      Outcome<String> first = a.execute(key, body, ResultCodec.utf8(), ctx -> large);
      // Compared by parts: a failure message with the whole megabyte in it helps nobody.
      assertThat(first).isInstanceOf(Outcome.Executed.class);
      assertThat(((Outcome.Executed<String>) first).storage())
          .isEqualTo(Outcome.Storage.RESULT_TOO_LARGE);
      assertThat(((Outcome.Executed<String>) first).value()).hasSize(large.length());

      Outcome<String> retry = a.execute(key, body, ResultCodec.utf8(), ctx -> "small");
      assertThat(retry).isEqualTo(new Outcome.Executed<>("small", Outcome.Storage.STORED));
    }
  }
}
