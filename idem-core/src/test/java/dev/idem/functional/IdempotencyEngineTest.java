package dev.idem.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.Fingerprint;
import dev.idem.Idempotency;
import dev.idem.IdempotencyException;
import dev.idem.IdempotencyObserver;
import dev.idem.InMemoryIdempotencyStore;
import dev.idem.Invocation;
import dev.idem.KeyRejectedException;
import dev.idem.Outcome;
import dev.idem.ResultCodec;
import dev.idem.StoreFailurePolicy;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The idempotency engine")
class IdempotencyEngineTest {
  private static final String KEY = "order-4f3c2a1b-key-0001";
  private static final Fingerprint BODY_A = fingerprint("body-a");
  private static final Fingerprint BODY_B = fingerprint("body-b");

  private final InMemoryIdempotencyStore store = InMemoryIdempotencyStore.ofDefaults();
  private final List<Idempotency> engines = new ArrayList<>();

  @AfterEach
  void closeEngines() {
    engines.forEach(Idempotency::close);
  }

  private Idempotency engine(Idempotency.Builder builder) {
    Idempotency engine = builder.build();
    engines.add(engine);
    return engine;
  }

  private Idempotency engine() {
    return engine(Idempotency.builder().store(store));
  }

  static Fingerprint fingerprint(String seed) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (byte b : digest) {
        hex.append(String.format("%02x", b));
      }
      return Fingerprint.ofHex(hex.toString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Nested
  @DisplayName("runs an operation at most once per key")
  class AtMostOnce {
    @Test
    @DisplayName("the first call executes and stores, a retry replays without running")
    void executesThenReplays() {
      Idempotency idempotency = engine();
      AtomicInteger runs = new AtomicInteger();

      Outcome<String> first =
          idempotency.execute(
              KEY, BODY_A, ResultCodec.utf8(), ctx -> "receipt-" + runs.incrementAndGet());
      Outcome<String> retry =
          idempotency.execute(
              KEY, BODY_A, ResultCodec.utf8(), ctx -> "receipt-" + runs.incrementAndGet());

      assertThat(first).isEqualTo(new Outcome.Executed<>("receipt-1", Outcome.Storage.STORED));
      assertThat(retry).isInstanceOf(Outcome.Replayed.class);
      assertThat(((Outcome.Replayed<String>) retry).value()).isEqualTo("receipt-1");
      assertThat(runs).hasValue(1);
    }

    @Test
    @DisplayName("the same key with another fingerprint is a mismatch and runs nothing")
    void mismatch() {
      Idempotency idempotency = engine();
      idempotency.execute(KEY, BODY_A, ResultCodec.utf8(), ctx -> "a");

      AtomicBoolean ran = new AtomicBoolean();
      Outcome<String> other =
          idempotency.execute(
              KEY,
              BODY_B,
              ResultCodec.utf8(),
              ctx -> {
                ran.set(true);
                return "b";
              });

      assertThat(other).isInstanceOf(Outcome.Mismatch.class);
      assertThat(ran).isFalse();
    }

    @Test
    @DisplayName(
        "a duplicate of a running call answers in progress with a whole-second retry-after")
    void duplicateWhileRunning() throws Exception {
      Idempotency idempotency = engine();
      CountDownLatch running = new CountDownLatch(1);
      CountDownLatch finish = new CountDownLatch(1);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Outcome<String>> first =
            pool.submit(
                () ->
                    idempotency.execute(
                        KEY,
                        BODY_A,
                        ResultCodec.utf8(),
                        ctx -> {
                          running.countDown();
                          finish.await();
                          return "done";
                        }));
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

        Outcome<String> duplicate =
            idempotency.execute(KEY, BODY_A, ResultCodec.utf8(), ctx -> "dup");

        assertThat(duplicate).isInstanceOf(Outcome.InProgress.class);
        Duration retryAfter = ((Outcome.InProgress<String>) duplicate).retryAfter();
        assertThat(retryAfter).isBetween(Duration.ofSeconds(1), Idempotency.DEFAULT_LEASE);
        assertThat(retryAfter.toMillis() % 1000).isZero();
        finish.countDown();
        assertThat(first.get(5, TimeUnit.SECONDS)).isInstanceOf(Outcome.Executed.class);
      } finally {
        finish.countDown();
        pool.shutdownNow();
      }
    }

    @Test
    @DisplayName("with maxWait, a duplicate waits for the running call and replays its result")
    void duplicateWaitsAndReplays() throws Exception {
      Idempotency idempotency =
          engine(Idempotency.builder().store(store).maxWait(Duration.ofSeconds(5)));
      CountDownLatch running = new CountDownLatch(1);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Outcome<String>> first =
            pool.submit(
                () ->
                    idempotency.execute(
                        KEY,
                        BODY_A,
                        ResultCodec.utf8(),
                        ctx -> {
                          running.countDown();
                          Thread.sleep(300);
                          return "slow-result";
                        }));
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

        Outcome<String> duplicate =
            idempotency.execute(KEY, BODY_A, ResultCodec.utf8(), ctx -> "dup");

        assertThat(duplicate).isInstanceOf(Outcome.Replayed.class);
        assertThat(((Outcome.Replayed<String>) duplicate).value()).isEqualTo("slow-result");
        assertThat(first.get(5, TimeUnit.SECONDS)).isInstanceOf(Outcome.Executed.class);
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    @DisplayName("a per-call maxWait that runs out answers in progress")
    void waitRunsOut() throws Exception {
      Idempotency idempotency = engine();
      CountDownLatch running = new CountDownLatch(1);
      CountDownLatch finish = new CountDownLatch(1);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        pool.submit(
            () ->
                idempotency.execute(
                    KEY,
                    BODY_A,
                    ResultCodec.utf8(),
                    ctx -> {
                      running.countDown();
                      finish.await();
                      return "x";
                    }));
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        long started = System.nanoTime();

        Outcome<String> duplicate =
            idempotency.execute(
                Invocation.of(KEY, BODY_A).withMaxWait(Duration.ofMillis(150)),
                ResultCodec.utf8(),
                ctx -> "dup");

        assertThat(duplicate).isInstanceOf(Outcome.InProgress.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
            .isGreaterThanOrEqualTo(Duration.ofMillis(150));
      } finally {
        finish.countDown();
        pool.shutdownNow();
      }
    }

    @Test
    @DisplayName(
        "32 concurrent duplicates: one execution, every other caller replays or is told to retry")
    void concurrentDuplicates() throws Exception {
      Idempotency idempotency = engine();
      AtomicInteger runs = new AtomicInteger();
      int callers = 32;
      ExecutorService pool = Executors.newFixedThreadPool(callers);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<Outcome<String>>> futures = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
          futures.add(
              pool.submit(
                  () -> {
                    start.await();
                    return idempotency.execute(
                        KEY,
                        BODY_A,
                        ResultCodec.utf8(),
                        ctx -> {
                          Thread.sleep(20);
                          return "r" + runs.incrementAndGet();
                        });
                  }));
        }
        start.countDown();
        int executed = 0;
        for (Future<Outcome<String>> future : futures) {
          Outcome<String> outcome = future.get(10, TimeUnit.SECONDS);
          if (outcome instanceof Outcome.Executed<String>) {
            executed++;
          } else if (outcome instanceof Outcome.Replayed<String> replayed) {
            assertThat(replayed.value()).isEqualTo("r1");
          } else {
            assertThat(outcome).isInstanceOf(Outcome.InProgress.class);
          }
        }
        assertThat(executed).isEqualTo(1);
        assertThat(runs).hasValue(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Nested
  @DisplayName("keys and scopes")
  class KeysAndScopes {
    @Test
    @DisplayName("a key the policy rejects throws before anything is stored")
    void rejectedKey() {
      Idempotency idempotency = engine();

      assertThatThrownBy(() -> idempotency.execute("short", BODY_A, ResultCodec.utf8(), ctx -> "x"))
          .isInstanceOf(KeyRejectedException.class);
      assertThat(store.stats().size()).isZero();
    }

    @Test
    @DisplayName("the same key in two scopes is two records: tenant B never sees tenant A's result")
    void scopesAreIsolated() {
      Idempotency idempotency = engine();
      idempotency.execute(
          Invocation.of(KEY, BODY_A).withScope("tenant-a"), ResultCodec.utf8(), ctx -> "for-a");

      Outcome<String> tenantB =
          idempotency.execute(
              Invocation.of(KEY, BODY_A).withScope("tenant-b"), ResultCodec.utf8(), ctx -> "for-b");

      assertThat(tenantB).isEqualTo(new Outcome.Executed<>("for-b", Outcome.Storage.STORED));
      assertThat(idempotency.storeKey("tenant-a", KEY))
          .isNotEqualTo(idempotency.storeKey("tenant-b", KEY));
    }

    @Test
    @DisplayName("a scope with a lone surrogate is not the scope with '?' in its place")
    void loneSurrogateScopes() {
      Idempotency idempotency = engine();
      // A principal decoded from JSON can hold "\ud800"; plain UTF-8 would write it as '?'.
      assertThat(idempotency.storeKey("tenant-\uD800", KEY))
          .isNotEqualTo(idempotency.storeKey("tenant-?", KEY))
          .isNotEqualTo(idempotency.storeKey("tenant-\uDFFF", KEY));
      assertThat(idempotency.storeKey("tenant-\uD800", "k\uD800"))
          .isNotEqualTo(idempotency.storeKey("tenant-\uD800", "k?"));
    }

    @Test
    @DisplayName("the store sees a digest, never the key; HMAC digests differ from plain SHA-256")
    void storeSeesOnlyDigests() {
      Idempotency plain = engine();
      Idempotency keyed = engine(Idempotency.builder().store(store).keyDigestSecret(new byte[32]));

      StoreKey plainKey = plain.storeKey("", KEY);
      assertThat(plainKey.hex()).doesNotContain(KEY).hasSize(64);
      assertThat(keyed.storeKey("", KEY)).isNotEqualTo(plainKey);
      assertThat(plain.storeKey("ab", "c" + KEY)).isNotEqualTo(plain.storeKey("a", "bc" + KEY));
    }

    @Test
    @DisplayName(
        "the store key is the documented digest, so records stay reachable across versions")
    void storeKeyIsTheDocumentedDigest() throws Exception {
      byte[] secret = "an operator secret of at least 32 bytes".getBytes(StandardCharsets.UTF_8);
      Idempotency plain = engine();
      Idempotency keyed = engine(Idempotency.builder().store(store).keyDigestSecret(secret));
      String longKey = "k".repeat(600); // past any per-thread buffer
      String[][] cases = {
        {"", KEY}, {"tenant-a", KEY}, {"t\u00e9nant-\u00fc", KEY}, {"t", longKey}
      };

      for (String[] c : cases) {
        byte[] framed = framed(c[0], c[1]);
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        javax.crypto.Mac hmac = javax.crypto.Mac.getInstance("HmacSHA256");
        hmac.init(new javax.crypto.spec.SecretKeySpec(secret, "HmacSHA256"));

        assertThat(plain.storeKey(c[0], c[1]).hex())
            .isEqualTo(java.util.HexFormat.of().formatHex(sha256.digest(framed)));
        assertThat(keyed.storeKey(c[0], c[1]).hex())
            .isEqualTo(java.util.HexFormat.of().formatHex(hmac.doFinal(framed)));
      }
    }

    /** "idem-key-v1", NUL, the scope's UTF-8 length (4 bytes, big-endian), scope, key. */
    private static byte[] framed(String scope, String key) {
      byte[] scopeBytes = scope.getBytes(StandardCharsets.UTF_8);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      out.writeBytes("idem-key-v1\0".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(scopeBytes.length).array());
      out.writeBytes(scopeBytes);
      out.writeBytes(key.getBytes(StandardCharsets.UTF_8));
      return out.toByteArray();
    }

    @Test
    @DisplayName("find applies the scope")
    void findAppliesScope() {
      Idempotency idempotency = engine();
      idempotency.execute(
          Invocation.of(KEY, BODY_A).withScope("tenant-a"), ResultCodec.utf8(), ctx -> "r");

      assertThat(idempotency.find("tenant-a", KEY))
          .map(IdempotencyRecord::state)
          .contains(RecordState.COMPLETED);
      assertThat(idempotency.find("tenant-b", KEY)).isEmpty();
    }
  }

  @Nested
  @DisplayName("failures")
  class Failures {
    @Test
    @DisplayName("an operation that throws releases the key, so a retry runs again")
    void throwingOperationReleases() {
      Idempotency idempotency = engine();

      assertThatThrownBy(
              () ->
                  idempotency.execute(
                      KEY,
                      BODY_A,
                      ResultCodec.utf8(),
                      ctx -> {
                        throw new IllegalStateException("boom");
                      }))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("boom");
      Outcome<String> retry = idempotency.execute(KEY, BODY_B, ResultCodec.utf8(), ctx -> "second");

      assertThat(retry).isEqualTo(new Outcome.Executed<>("second", Outcome.Storage.STORED));
    }

    @Test
    @DisplayName("a result the store refuses as too large releases the key instead of blocking it")
    void resultTooLargeReleases() {
      List<long[]> refused = new ArrayList<>();
      IdempotencyObserver observer =
          new IdempotencyObserver() {
            @Override
            public void onResultTooLarge(long size, long limit) {
              refused.add(new long[] {size, limit});
            }
          };
      Idempotency idempotency =
          engine(Idempotency.builder().store(new LimitedStore(store, 8)).observer(observer));

      Outcome<String> first =
          idempotency.execute(KEY, BODY_A, ResultCodec.utf8(), ctx -> "a long result");
      Outcome<String> retry = idempotency.execute(KEY, BODY_A, ResultCodec.utf8(), ctx -> "short");

      assertThat(first)
          .isEqualTo(new Outcome.Executed<>("a long result", Outcome.Storage.RESULT_TOO_LARGE));
      assertThat(refused).singleElement().satisfies(r -> assertThat(r).containsExactly(13, 8));
      assertThat(retry).isEqualTo(new Outcome.Executed<>("short", Outcome.Storage.STORED));
    }

    @Test
    @DisplayName("checked exceptions arrive wrapped, with the cause")
    void checkedExceptionsAreWrapped() {
      Idempotency idempotency = engine();

      assertThatThrownBy(
              () ->
                  idempotency.execute(
                      KEY,
                      BODY_A,
                      ResultCodec.utf8(),
                      ctx -> {
                        throw new IOException("disk");
                      }))
          .isInstanceOf(IdempotencyException.class)
          .hasCauseInstanceOf(IOException.class);
      assertThat(idempotency.find("", KEY)).isEmpty();
    }

    @Test
    @DisplayName("an operation that asks for release is not stored")
    void releaseOnRequest() {
      Idempotency idempotency = engine();

      Outcome<String> first =
          idempotency.execute(
              KEY,
              BODY_A,
              ResultCodec.utf8(),
              ctx -> {
                ctx.releaseKey();
                return "503";
              });

      assertThat(first).isEqualTo(new Outcome.Executed<>("503", Outcome.Storage.RELEASED));
      assertThat(idempotency.find("", KEY)).isEmpty();
    }

    @Test
    @DisplayName(
        "store down, fail closed: the operation does not run and the caller gets retry-after")
    void failClosed() {
      CountingObserver observer = new CountingObserver();
      Idempotency idempotency =
          engine(Idempotency.builder().store(new DownStore()).observer(observer));
      AtomicBoolean ran = new AtomicBoolean();

      assertThatThrownBy(
              () ->
                  idempotency.execute(
                      KEY,
                      BODY_A,
                      ResultCodec.utf8(),
                      ctx -> {
                        ran.set(true);
                        return "x";
                      }))
          .isInstanceOf(StoreUnavailableException.class)
          .satisfies(
              e ->
                  assertThat(((StoreUnavailableException) e).retryAfter())
                      .isEqualTo(Duration.ofSeconds(3)));
      assertThat(ran).isFalse();
      assertThat(observer.storeFailures).hasValue(1);
    }

    @Test
    @DisplayName("the observer learns the stored digest, not the key, even when the store is down")
    void observerSeesTheDigestBeforeTheStore() {
      CountingObserver observer = new CountingObserver();
      Idempotency idempotency =
          engine(Idempotency.builder().store(new DownStore()).observer(observer));

      assertThatThrownBy(() -> idempotency.execute(KEY, BODY_A, ResultCodec.utf8(), ctx -> "x"))
          .isInstanceOf(StoreUnavailableException.class);

      assertThat(observer.digested).containsExactly(idempotency.storeKey("", KEY));
      assertThat(observer.digested.get(0).hex()).doesNotContain(KEY);
    }

    @Test
    @DisplayName("store down, fail open: the operation runs unprotected and it is counted")
    void failOpen() {
      CountingObserver observer = new CountingObserver();
      Idempotency idempotency =
          engine(
              Idempotency.builder()
                  .store(new DownStore())
                  .storeFailurePolicy(StoreFailurePolicy.FAIL_OPEN)
                  .observer(observer));

      Outcome<String> outcome = idempotency.execute(KEY, BODY_A, ResultCodec.utf8(), ctx -> "ran");

      assertThat(outcome).isEqualTo(new Outcome.Executed<>("ran", Outcome.Storage.UNPROTECTED));
      assertThat(observer.failOpen).hasValue(1);
    }
  }

  @Nested
  @DisplayName("leases")
  class Leases {
    @Test
    @DisplayName("the heartbeat keeps a long operation's claim alive past its lease")
    void heartbeatRenews() throws Exception {
      CountingObserver observer = new CountingObserver();
      Idempotency idempotency =
          engine(
              Idempotency.builder().store(store).lease(Duration.ofMillis(300)).observer(observer));
      CountDownLatch running = new CountDownLatch(1);
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<Outcome<String>> slow =
            pool.submit(
                () ->
                    idempotency.execute(
                        KEY,
                        BODY_A,
                        ResultCodec.utf8(),
                        ctx -> {
                          running.countDown();
                          Thread.sleep(1_200);
                          return "slow";
                        }));
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(700);

        Outcome<String> duplicate =
            idempotency.execute(KEY, BODY_A, ResultCodec.utf8(), ctx -> "dup");

        assertThat(duplicate)
            .as("claim still held after 2x its lease")
            .isInstanceOf(Outcome.InProgress.class);
        assertThat(slow.get(5, TimeUnit.SECONDS))
            .isEqualTo(new Outcome.Executed<>("slow", Outcome.Storage.STORED));
        assertThat(observer.renewals.get()).isGreaterThanOrEqualTo(2);
        assertThat(observer.leaseLost).hasValue(0);
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    @DisplayName("a worker whose lease was taken over does not store; the outcome says so")
    void leaseLostIsReported() {
      CountingObserver observer = new CountingObserver();
      Idempotency idempotency =
          engine(Idempotency.builder().store(new TakeoverStore(store)).observer(observer));

      Outcome<String> outcome = idempotency.execute(KEY, BODY_A, ResultCodec.utf8(), ctx -> "late");

      assertThat(outcome).isEqualTo(new Outcome.Executed<>("late", Outcome.Storage.LEASE_LOST));
      assertThat(observer.leaseLost).hasValue(1);
    }
  }

  @Nested
  @DisplayName("configuration")
  class Configuration {
    @Test
    @DisplayName("build() lists every problem at once")
    void listsEveryProblem() {
      assertThatThrownBy(
              () ->
                  Idempotency.builder()
                      .retention(Duration.ZERO)
                      .lease(Duration.ofSeconds(10))
                      .heartbeatInterval(Duration.ofSeconds(20))
                      .maxWait(Duration.ofSeconds(-1))
                      .keyDigestSecret(new byte[8])
                      .build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("5 problems")
          .hasMessageContaining("store is required")
          .hasMessageContaining("retention must be positive")
          .hasMessageContaining("heartbeatInterval")
          .hasMessageContaining("maxWait must not be negative")
          .hasMessageContaining("keyDigestSecret must be at least 32 bytes");
    }

    @Test
    @DisplayName("an option can be set once")
    void optionsAreSetOnce() {
      Idempotency.Builder builder = Idempotency.builder().retention(Duration.ofHours(1));

      assertThatThrownBy(() -> builder.retention(Duration.ofHours(2)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("retention");
    }
  }

  static final class CountingObserver implements IdempotencyObserver {
    final AtomicInteger storeFailures = new AtomicInteger();
    final AtomicInteger failOpen = new AtomicInteger();
    final AtomicInteger leaseLost = new AtomicInteger();
    final AtomicInteger renewals = new AtomicInteger();
    final List<OutcomeType> outcomes = new CopyOnWriteArrayList<>();
    final List<dev.idem.spi.StoreKey> digested = new CopyOnWriteArrayList<>();

    @Override
    public void onKeyDigested(dev.idem.spi.StoreKey key) {
      digested.add(key);
    }

    @Override
    public void onOutcome(OutcomeType type, long dedupNanos) {
      outcomes.add(type);
    }

    @Override
    public void onStoreFailure(StoreCall call, StoreUnavailableException failure) {
      storeFailures.incrementAndGet();
    }

    @Override
    public void onFailOpen() {
      failOpen.incrementAndGet();
    }

    @Override
    public void onLeaseLost() {
      leaseLost.incrementAndGet();
    }

    @Override
    public void onLeaseRenewed() {
      renewals.incrementAndGet();
    }
  }

  /** A store whose back end cannot be reached. */
  /** Refuses results over a limit, as the JDBC store does; everything else is the real store. */
  record LimitedStore(IdempotencyStore delegate, int limit) implements IdempotencyStore {
    @Override
    public dev.idem.spi.AcquireResult acquire(
        dev.idem.spi.StoreKey key, Fingerprint fingerprint, java.time.Duration lease) {
      return delegate.acquire(key, fingerprint, lease);
    }

    @Override
    public dev.idem.spi.WriteResult complete(
        dev.idem.spi.StoreKey key,
        dev.idem.spi.LeaseToken token,
        byte[] result,
        java.time.Duration retention) {
      if (result.length > limit) {
        throw new dev.idem.spi.ResultTooLargeException("limited store", result.length, limit);
      }
      return delegate.complete(key, token, result, retention);
    }

    @Override
    public dev.idem.spi.WriteResult renew(
        dev.idem.spi.StoreKey key, dev.idem.spi.LeaseToken token, java.time.Duration lease) {
      return delegate.renew(key, token, lease);
    }

    @Override
    public dev.idem.spi.WriteResult release(
        dev.idem.spi.StoreKey key, dev.idem.spi.LeaseToken token) {
      return delegate.release(key, token);
    }

    @Override
    public boolean purge(dev.idem.spi.StoreKey key) {
      return delegate.purge(key);
    }

    @Override
    public java.util.Optional<dev.idem.spi.IdempotencyRecord> find(dev.idem.spi.StoreKey key) {
      return delegate.find(key);
    }
  }

  static final class DownStore implements IdempotencyStore {
    private StoreUnavailableException down() {
      return new StoreUnavailableException("test store is down", Duration.ofSeconds(3), null);
    }

    @Override
    public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
      throw down();
    }

    @Override
    public WriteResult complete(StoreKey key, LeaseToken token, byte[] result, Duration retention) {
      throw down();
    }

    @Override
    public WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
      throw down();
    }

    @Override
    public WriteResult release(StoreKey key, LeaseToken token) {
      throw down();
    }

    @Override
    public boolean purge(StoreKey key) {
      throw down();
    }

    @Override
    public Optional<IdempotencyRecord> find(StoreKey key) {
      throw down();
    }
  }

  /** A store where another worker takes every key over while its operation runs. */
  static final class TakeoverStore implements IdempotencyStore {
    private final IdempotencyStore delegate;

    TakeoverStore(IdempotencyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
      return delegate.acquire(key, fingerprint, lease);
    }

    @Override
    public WriteResult complete(StoreKey key, LeaseToken token, byte[] result, Duration retention) {
      return WriteResult.LEASE_LOST;
    }

    @Override
    public WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
      return WriteResult.LEASE_LOST;
    }

    @Override
    public WriteResult release(StoreKey key, LeaseToken token) {
      return WriteResult.LEASE_LOST;
    }

    @Override
    public boolean purge(StoreKey key) {
      return delegate.purge(key);
    }

    @Override
    public Optional<IdempotencyRecord> find(StoreKey key) {
      return delegate.find(key);
    }
  }
}
