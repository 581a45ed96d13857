package dev.idem.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.Fingerprint;
import dev.idem.Idempotency;
import dev.idem.IdempotencyAdmin;
import dev.idem.IdempotencyAdmin.ForceReleaseOutcome;
import dev.idem.IdempotencyAdmin.PurgeOutcome;
import dev.idem.InMemoryIdempotencyStore;
import dev.idem.Invocation;
import dev.idem.KeyRejectedException;
import dev.idem.Outcome;
import dev.idem.RecordView;
import dev.idem.ResultCodec;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The admin view of an engine")
class IdempotencyAdminTest {
  private static final String KEY = "order-4f3c2a1b-key-0001";
  private static final Fingerprint BODY = IdempotencyEngineTest.fingerprint("body");

  private final InMemoryIdempotencyStore store = InMemoryIdempotencyStore.ofDefaults();
  private final List<Idempotency> engines = new ArrayList<>();
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void close() {
    pool.shutdownNow();
    engines.forEach(Idempotency::close);
  }

  private Idempotency engine(IdempotencyStore on) {
    Idempotency engine = Idempotency.builder().store(on).build();
    engines.add(engine);
    return engine;
  }

  private static Outcome<String> run(Idempotency engine, String scope, String value) {
    return engine.execute(
        Invocation.of(KEY, BODY).withScope(scope), ResultCodec.utf8(), ctx -> value);
  }

  /** Starts a call in {@code scope} that holds its claim until {@code finish} opens. */
  private Future<Outcome<String>> stuckCall(Idempotency engine, String scope, CountDownLatch finish)
      throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    Future<Outcome<String>> call =
        pool.submit(
            () ->
                engine.execute(
                    Invocation.of(KEY, BODY).withScope(scope),
                    ResultCodec.utf8(),
                    ctx -> {
                      running.countDown();
                      finish.await();
                      return "late";
                    }));
    assertThat(running.await(5, TimeUnit.SECONDS)).as("the call started").isTrue();
    return call;
  }

  @Test
  @DisplayName("inspect shows a completed record's shape, never its key, token or result")
  void inspectCompleted() {
    Idempotency engine = engine(store);
    run(engine, "tenant:a", "receipt-1");

    RecordView view = engine.admin().inspect("tenant:a", KEY).orElseThrow();

    assertThat(view.state()).isEqualTo(RecordState.COMPLETED);
    assertThat(view.storeKey()).isEqualTo(engine.storeKey("tenant:a", KEY).hex());
    assertThat(view.fingerprintPrefix()).isEqualTo(BODY.hex().substring(0, 12));
    assertThat(view.resultBytes()).isEqualTo("receipt-1".getBytes(StandardCharsets.UTF_8).length);
    assertThat(view.claim()).isNull();
    assertThat(view.completedAt()).isNotNull();
    assertThat(view.toString()).doesNotContain(KEY).doesNotContain("receipt-1");
  }

  @Test
  @DisplayName("the scope is applied: another scope's admin call finds nothing and changes nothing")
  void scopeIsolation() {
    Idempotency engine = engine(store);
    run(engine, "tenant:a", "receipt-1");
    IdempotencyAdmin admin = engine.admin();

    assertThat(admin.inspect("tenant:b", KEY)).isEmpty();
    assertThat(admin.purge("tenant:b", KEY)).isEqualTo(new PurgeOutcome.NotFound());
    assertThat(admin.inspect("tenant:a", KEY)).isPresent();
  }

  @Test
  @DisplayName("an engine with a key digest secret is addressed with the same digest")
  void secretDigest() {
    byte[] secret = new byte[32];
    secret[0] = 7;
    Idempotency engine = Idempotency.builder().store(store).keyDigestSecret(secret).build();
    engines.add(engine);
    run(engine, "", "r");

    assertThat(engine.admin().inspect("", KEY)).isPresent();
    assertThat(engine(store).admin().inspect("", KEY))
        .as("an engine without the secret derives another store key")
        .isEmpty();
  }

  @Test
  @DisplayName("a key the policy refuses is refused, as execute refuses it")
  void malformedKey() {
    IdempotencyAdmin admin = engine(store).admin();

    assertThatThrownBy(() -> admin.inspect("", "short")).isInstanceOf(KeyRejectedException.class);
    assertThatThrownBy(() -> admin.purge("", "has space in it 0123"))
        .isInstanceOf(KeyRejectedException.class);
    assertThatThrownBy(() -> admin.forceRelease("", "short", "0011223344556677"))
        .isInstanceOf(KeyRejectedException.class);
  }

  @Test
  @DisplayName("a stuck claim is force-released: the next call runs, the stuck worker cannot store")
  void forceReleaseStuckClaim() throws Exception {
    Idempotency engine = engine(store);
    CountDownLatch finish = new CountDownLatch(1);
    Future<Outcome<String>> stuck = stuckCall(engine, "tenant:a", finish);
    IdempotencyAdmin admin = engine.admin();

    RecordView view = admin.inspect("tenant:a", KEY).orElseThrow();
    assertThat(view.state()).isEqualTo(RecordState.IN_PROGRESS);
    assertThat(view.claim()).hasSize(16);
    assertThat(run(engine, "tenant:a", "x")).isInstanceOf(Outcome.InProgress.class);

    assertThat(admin.forceRelease("tenant:a", KEY, view.claim()))
        .isEqualTo(new ForceReleaseOutcome.Released());
    assertThat(run(engine, "tenant:a", "fresh"))
        .isEqualTo(new Outcome.Executed<>("fresh", Outcome.Storage.STORED));

    finish.countDown();
    assertThat(stuck.get(5, TimeUnit.SECONDS))
        .isEqualTo(new Outcome.Executed<>("late", Outcome.Storage.LEASE_LOST));
    Outcome<String> replay = run(engine, "tenant:a", "again");
    assertThat(((Outcome.Replayed<String>) replay).value()).isEqualTo("fresh");
  }

  @Test
  @DisplayName("force-release names the claim: another claim, a completed or no record is kept")
  void forceReleaseIsFencedByClaim() throws Exception {
    Idempotency engine = engine(store);
    IdempotencyAdmin admin = engine.admin();
    CountDownLatch finish = new CountDownLatch(1);
    Future<Outcome<String>> stuck = stuckCall(engine, "tenant:a", finish);
    String claim = admin.inspect("tenant:a", KEY).orElseThrow().claim();

    assertThat(admin.forceRelease("tenant:a", KEY, "0000000000000000"))
        .isEqualTo(new ForceReleaseOutcome.ClaimChanged());
    assertThat(admin.forceRelease("tenant:b", KEY, claim))
        .isEqualTo(new ForceReleaseOutcome.NotFound());
    finish.countDown();
    stuck.get(5, TimeUnit.SECONDS);

    assertThat(admin.forceRelease("tenant:a", KEY, claim))
        .as("the inspected claim completed meanwhile")
        .isEqualTo(new ForceReleaseOutcome.NotInProgress());
    assertThat(admin.inspect("tenant:a", KEY).orElseThrow().state())
        .isEqualTo(RecordState.COMPLETED);
  }

  @Test
  @DisplayName("a claim replaced after it was inspected is not released")
  void replacedClaimIsKept() throws Exception {
    Idempotency engine = engine(store);
    IdempotencyAdmin admin = engine.admin();
    CountDownLatch first = new CountDownLatch(1);
    Future<Outcome<String>> stuck = stuckCall(engine, "", first);
    String inspected = admin.inspect("", KEY).orElseThrow().claim();
    assertThat(admin.forceRelease("", KEY, inspected))
        .isInstanceOf(ForceReleaseOutcome.Released.class);
    CountDownLatch second = new CountDownLatch(1);
    Future<Outcome<String>> next = stuckCall(engine, "", second);

    assertThat(admin.forceRelease("", KEY, inspected))
        .as("a second click on the old claim")
        .isEqualTo(new ForceReleaseOutcome.ClaimChanged());
    assertThat(admin.inspect("", KEY).orElseThrow().state()).isEqualTo(RecordState.IN_PROGRESS);
    first.countDown();
    second.countDown();
    stuck.get(5, TimeUnit.SECONDS);
    assertThat(next.get(5, TimeUnit.SECONDS))
        .isEqualTo(new Outcome.Executed<>("late", Outcome.Storage.STORED));
  }

  @Test
  @DisplayName("a claim that completes between the check and the release is not deleted (fenced)")
  void completionRacingForceRelease() {
    CompletesAfterFind racing = new CompletesAfterFind(store);
    Idempotency engine = engine(racing);
    StoreKey key = engine.storeKey("", KEY);
    AcquireResult.Acquired acquired =
        (AcquireResult.Acquired) store.acquire(key, BODY, Duration.ofMinutes(1));
    String claim = engine.admin().inspect("", KEY).orElseThrow().claim();
    racing.completeOnNextFind(acquired.token());

    assertThat(engine.admin().forceRelease("", KEY, claim))
        .isEqualTo(new ForceReleaseOutcome.ClaimChanged());
    assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.COMPLETED);
  }

  @Test
  @DisplayName("purge deletes a completed record: the next call runs the operation again")
  void purgeCompleted() {
    Idempotency engine = engine(store);
    run(engine, "tenant:a", "receipt-1");

    assertThat(engine.admin().purge("tenant:a", KEY)).isEqualTo(new PurgeOutcome.Purged());
    assertThat(engine.admin().inspect("tenant:a", KEY)).isEmpty();
    assertThat(run(engine, "tenant:a", "receipt-2"))
        .isEqualTo(new Outcome.Executed<>("receipt-2", Outcome.Storage.STORED));
    assertThat(engine.admin().purge("tenant:a", "never-used-key-0000"))
        .isEqualTo(new PurgeOutcome.NotFound());
  }

  /** Lets another worker complete the claim right after the admin's find, before its release. */
  static final class CompletesAfterFind implements IdempotencyStore {
    private final IdempotencyStore delegate;
    private volatile LeaseToken completeWith;

    CompletesAfterFind(IdempotencyStore delegate) {
      this.delegate = delegate;
    }

    void completeOnNextFind(LeaseToken token) {
      completeWith = token;
    }

    @Override
    public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
      return delegate.acquire(key, fingerprint, lease);
    }

    @Override
    public WriteResult complete(StoreKey key, LeaseToken token, byte[] result, Duration retention) {
      return delegate.complete(key, token, result, retention);
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
      Optional<IdempotencyRecord> found = delegate.find(key);
      LeaseToken token = completeWith;
      if (token != null) {
        completeWith = null;
        assertThat(delegate.complete(key, token, new byte[] {1}, Duration.ofMinutes(1)))
            .isEqualTo(WriteResult.APPLIED);
      }
      return found;
    }
  }
}
