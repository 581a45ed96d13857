package dev.idem.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.Fingerprint;
import dev.idem.Idempotency;
import dev.idem.IdempotencyException;
import dev.idem.IdempotencyObserver;
import dev.idem.InMemoryIdempotencyStore;
import dev.idem.Invocation;
import dev.idem.Outcome;
import dev.idem.ResultCodec;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The engine where things around the operation go wrong: short leases, hooks, codecs, limits. */
@DisplayName("The idempotency engine, when things around the operation fail")
class EngineRobustnessTest {
  private static final String KEY = "order-robust-key-0001";
  private static final Fingerprint BODY = IdempotencyEngineTest.fingerprint("body");

  private final InMemoryIdempotencyStore store = InMemoryIdempotencyStore.ofDefaults();
  private final List<Idempotency> engines = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void tearDown() {
    engines.forEach(Idempotency::close);
    pool.shutdownNow();
  }

  private Idempotency engine(Idempotency.Builder builder) {
    Idempotency engine = builder.build();
    engines.add(engine);
    return engine;
  }

  /** Runs a 1.2 s operation on {@code engine}; returns once it has started. */
  private Future<Outcome<String>> slowOperation(Idempotency engine, Invocation invocation)
      throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    Future<Outcome<String>> slow =
        pool.submit(
            () ->
                engine.execute(
                    invocation,
                    ResultCodec.utf8(),
                    ctx -> {
                      running.countDown();
                      Thread.sleep(1_200);
                      return "slow";
                    }));
    assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
    return slow;
  }

  private Outcome<String> duplicate(Idempotency engine, AtomicInteger runs) {
    return engine.execute(
        KEY,
        BODY,
        ResultCodec.utf8(),
        ctx -> {
          runs.incrementAndGet();
          return "duplicate";
        });
  }

  @Test
  @DisplayName("renews a per-call lease far shorter than the engine's in time")
  void shortPerCallLease() throws Exception {
    // The engine's heartbeat ticks every second for its 60 s lease; this call's lease is 300 ms.
    Idempotency engine = engine(Idempotency.builder().store(store));
    Future<Outcome<String>> slow =
        slowOperation(engine, Invocation.of(KEY, BODY).withLease(Duration.ofMillis(300)));
    Thread.sleep(800);

    AtomicInteger runs = new AtomicInteger();
    assertThat(duplicate(engine, runs)).isInstanceOf(Outcome.InProgress.class);
    assertThat(slow.get(5, TimeUnit.SECONDS))
        .isEqualTo(new Outcome.Executed<>("slow", Outcome.Storage.STORED));
    assertThat(runs).hasValue(0);
  }

  @Test
  @DisplayName("keeps renewing when the observer throws, and an observer's throw fails no call")
  void throwingObserver() throws Exception {
    IdempotencyObserver throwing =
        new IdempotencyObserver() {
          @Override
          public void onOutcome(OutcomeType type, long dedupNanos) {
            throw new IllegalStateException("metrics registry closed");
          }

          @Override
          public void onLeaseRenewed() {
            throw new IllegalStateException("metrics registry closed");
          }

          @Override
          public void onStoreFailure(StoreCall call, StoreUnavailableException failure) {
            throw new IllegalStateException("metrics registry closed");
          }
        };
    Idempotency engine =
        engine(Idempotency.builder().store(store).lease(Duration.ofMillis(300)).observer(throwing));
    Future<Outcome<String>> slow = slowOperation(engine, Invocation.of(KEY, BODY));
    Thread.sleep(800);

    AtomicInteger runs = new AtomicInteger();
    assertThat(duplicate(engine, runs)).isInstanceOf(Outcome.InProgress.class);
    assertThat(slow.get(5, TimeUnit.SECONDS))
        .isEqualTo(new Outcome.Executed<>("slow", Outcome.Storage.STORED));
    assertThat(duplicate(engine, runs)).isInstanceOf(Outcome.Replayed.class);
    assertThat(runs).hasValue(0);
  }

  @Test
  @DisplayName("keeps the key claimed when the operation ran but its result cannot be encoded")
  void resultCannotBeEncoded() {
    Idempotency engine = engine(Idempotency.builder().store(store));
    AtomicInteger charges = new AtomicInteger();

    assertThatThrownBy(
            () ->
                engine.execute(
                    KEY,
                    BODY,
                    ResultCodec.utf8(),
                    ctx -> {
                      charges.incrementAndGet();
                      return null;
                    }))
        .isInstanceOf(IdempotencyException.class)
        .hasMessageContaining("the operation completed")
        .hasMessageContaining("stays claimed");
    AtomicInteger runs = new AtomicInteger();
    assertThat(duplicate(engine, runs)).isInstanceOf(Outcome.InProgress.class);
    assertThat(charges).hasValue(1);
    assertThat(runs).hasValue(0);
  }

  @Test
  @DisplayName("releases the key when the heartbeat cannot start, and runs nothing")
  void heartbeatCannotStart() {
    ScheduledExecutorService shutDown = Executors.newSingleThreadScheduledExecutor();
    shutDown.shutdown();
    Idempotency broken = engine(Idempotency.builder().store(store).heartbeatExecutor(shutDown));
    AtomicBoolean ran = new AtomicBoolean();

    assertThatThrownBy(
            () -> broken.execute(KEY, BODY, ResultCodec.utf8(), ctx -> ran.getAndSet(true) + ""))
        .isInstanceOf(java.util.concurrent.RejectedExecutionException.class);

    assertThat(ran).isFalse();
    assertThat(store.find(storeKey(broken))).as("nothing left claimed").isEmpty();
  }

  @Test
  @DisplayName("after close() keeps renewing the calls still running, and refuses new ones")
  void closeIsGraceful() throws Exception {
    Idempotency engine = engine(Idempotency.builder().store(store).lease(Duration.ofMillis(300)));
    Future<Outcome<String>> slow = slowOperation(engine, Invocation.of(KEY, BODY));
    engine.close();
    Thread.sleep(800);

    Idempotency other = engine(Idempotency.builder().store(store));
    AtomicInteger runs = new AtomicInteger();
    assertThat(duplicate(other, runs)).isInstanceOf(Outcome.InProgress.class);
    assertThat(slow.get(5, TimeUnit.SECONDS))
        .isEqualTo(new Outcome.Executed<>("slow", Outcome.Storage.STORED));
    assertThatThrownBy(() -> duplicate(engine, runs))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(runs).hasValue(0);
  }

  @Test
  @DisplayName("counts a completion whose reply was lost but which the store applied as stored")
  void completeReplyLost() {
    IdempotencyEngineTest.CountingObserver observer = new IdempotencyEngineTest.CountingObserver();
    Idempotency engine =
        engine(Idempotency.builder().store(new LostReplyStore(store)).observer(observer));

    Outcome<String> outcome = engine.execute(KEY, BODY, ResultCodec.utf8(), ctx -> "charged");

    assertThat(outcome).isEqualTo(new Outcome.Executed<>("charged", Outcome.Storage.STORED));
    assertThat(observer.leaseLost).hasValue(0);
  }

  @Test
  @DisplayName("refuses durations past a century at build() and per call, listing each")
  void durationsAreBounded() {
    Duration forever = ChronoUnit.FOREVER.getDuration();
    assertThatThrownBy(
            () ->
                Idempotency.builder()
                    .store(store)
                    .retention(forever)
                    .lease(Duration.ofDays(365L * 300))
                    .maxWait(forever)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retention must be at most")
        .hasMessageContaining("lease must be at most")
        .hasMessageContaining("maxWait must be at most");
    assertThatThrownBy(() -> Invocation.of(KEY, BODY).withRetention(forever))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retention must be at most");
    assertThat(
            engine(Idempotency.builder().store(store).retention(Idempotency.MAX_DURATION))
                .execute(KEY, BODY, ResultCodec.utf8(), ctx -> "kept"))
        .isEqualTo(new Outcome.Executed<>("kept", Outcome.Storage.STORED));
  }

  @Test
  @DisplayName("the in-memory store saturates a lease too long for its clock instead of wrapping")
  void storeSaturatesLongDurations() {
    StoreKey key = new StoreKey("ab".repeat(32));
    Duration huge = Duration.ofMillis(Long.MAX_VALUE);

    assertThat(store.acquire(key, BODY, huge)).isInstanceOf(AcquireResult.Acquired.class);
    assertThat(store.acquire(key, BODY, huge)).isInstanceOf(AcquireResult.InProgress.class);
    assertThat(store.acquire(key, BODY, ChronoUnit.FOREVER.getDuration()))
        .isInstanceOf(AcquireResult.InProgress.class);
  }

  private static StoreKey storeKey(Idempotency engine) {
    return engine.storeKey("", KEY);
  }

  /** A store whose first completion is applied but answers as if the connection dropped. */
  static final class LostReplyStore implements IdempotencyStore {
    private final IdempotencyStore delegate;
    private final AtomicBoolean replyLost = new AtomicBoolean();

    LostReplyStore(IdempotencyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
      return delegate.acquire(key, fingerprint, lease);
    }

    @Override
    public WriteResult complete(StoreKey key, LeaseToken token, byte[] result, Duration retention) {
      WriteResult written = delegate.complete(key, token, result, retention);
      if (replyLost.compareAndSet(false, true)) {
        throw new StoreUnavailableException("read timed out", null);
      }
      return written;
    }

    @Override
    public WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
      return delegate.renew(key, token, lease);
    }

    @Override
    public WriteResult release(StoreKey key, LeaseToken token) {
      return delegate.release(key, token);
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
