package dev.idem.internal;

import dev.idem.Fingerprint;
import dev.idem.Idempotency;
import dev.idem.IdempotencyAdmin;
import dev.idem.IdempotencyException;
import dev.idem.IdempotencyObserver;
import dev.idem.IdempotencyObserver.OutcomeType;
import dev.idem.IdempotencyObserver.StoreCall;
import dev.idem.Invocation;
import dev.idem.KeyCheck;
import dev.idem.KeyPolicy;
import dev.idem.KeyRejectedException;
import dev.idem.Operation;
import dev.idem.Outcome;
import dev.idem.ResultCodec;
import dev.idem.StoreFailurePolicy;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.ResultTooLargeException;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import dev.idem.spi.WriteResult;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The {@link Idempotency} implementation: claim, run under a heartbeat, store or release. */
public final class Engine implements Idempotency {
  private static final long FIRST_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
  private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final long[] COMPLETE_RETRY_BACKOFF_MILLIS = {25, 100};

  private final IdempotencyStore store;
  private final KeyPolicy keyPolicy;
  private final Duration retention;
  private final Duration lease;
  private final Duration heartbeatInterval;
  private final Duration defaultRenewEvery;
  private final Duration maxWait;
  private final StoreFailurePolicy storeFailurePolicy;
  private final IdempotencyObserver observer;
  private final KeyDigester digester;
  private final Heartbeat heartbeat;
  private final Admin admin;

  /** An engine from validated settings; use {@link Idempotency#builder()}. */
  public Engine(EngineSettings settings) {
    this.store = settings.store();
    this.keyPolicy = settings.keyPolicy();
    this.retention = settings.retention();
    this.lease = settings.lease();
    this.heartbeatInterval = settings.heartbeatInterval();
    this.defaultRenewEvery = renewEvery(lease);
    this.maxWait = settings.maxWait();
    this.storeFailurePolicy = settings.storeFailurePolicy();
    this.observer = GuardedObserver.of(settings.observer());
    this.digester = new KeyDigester(settings.keyDigestSecret());
    this.heartbeat =
        new Heartbeat(settings.heartbeatInterval(), observer, settings.heartbeatExecutor());
    this.admin = new Admin(store, keyPolicy, digester, observer);
  }

  @Override
  public <T> Outcome<T> execute(
      Invocation invocation, ResultCodec<T> codec, Operation<T> operation) {
    Objects.requireNonNull(invocation, "invocation");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(operation, "operation");
    if (heartbeat.isClosed()) {
      throw new IllegalStateException("this idempotency engine is closed");
    }
    KeyCheck check = keyPolicy.check(invocation.key());
    if (check instanceof KeyCheck.Rejected rejected) {
      throw new KeyRejectedException(rejected);
    }
    StoreKey storeKey = digester.digest(invocation.scope(), invocation.key());
    observer.onKeyDigested(storeKey);
    Fingerprint fingerprint = invocation.fingerprint();
    Duration claimLease = orDefault(invocation.lease(), lease);
    Duration claimRetention = orDefault(invocation.retention(), retention);
    long waitNanos = orDefault(invocation.maxWait(), maxWait).toNanos();

    long started = System.nanoTime();
    long pollNanos = FIRST_POLL_NANOS;
    while (true) {
      AcquireResult acquired;
      try {
        acquired = store.acquire(storeKey, fingerprint, claimLease);
      } catch (StoreUnavailableException e) {
        observer.onStoreFailure(StoreCall.ACQUIRE, e);
        if (storeFailurePolicy == StoreFailurePolicy.FAIL_OPEN) {
          observer.onFailOpen();
          return new Outcome.Executed<>(runUnprotected(operation), Outcome.Storage.UNPROTECTED);
        }
        throw e;
      }
      if (acquired instanceof AcquireResult.Acquired claim) {
        observer.onOutcome(OutcomeType.EXECUTED, System.nanoTime() - started);
        return run(
            storeKey,
            fingerprint,
            claim.token(),
            claimLease,
            claimRetention,
            codec,
            operation,
            started);
      }
      if (acquired instanceof AcquireResult.Completed completed) {
        observer.onOutcome(OutcomeType.REPLAYED, System.nanoTime() - started);
        return replay(completed.record(), codec);
      }
      if (acquired instanceof AcquireResult.Mismatch) {
        observer.onOutcome(OutcomeType.MISMATCH, System.nanoTime() - started);
        return new Outcome.Mismatch<>();
      }
      AcquireResult.InProgress inProgress = (AcquireResult.InProgress) acquired;
      long remaining = waitNanos - (System.nanoTime() - started);
      if (remaining <= 0
          || !pause(
              Math.min(Math.min(pollNanos, remaining), saturatedNanos(inProgress.retryAfter())))) {
        observer.onOutcome(OutcomeType.IN_PROGRESS, System.nanoTime() - started);
        return new Outcome.InProgress<>(wholeSecondsAtLeastOne(inProgress.retryAfter()));
      }
      pollNanos = Math.min(pollNanos * 2, MAX_POLL_NANOS);
    }
  }

  private <T> Outcome<T> run(
      StoreKey storeKey,
      Fingerprint fingerprint,
      LeaseToken token,
      Duration claimLease,
      Duration claimRetention,
      ResultCodec<T> codec,
      Operation<T> operation,
      long claimedNanos) {
    Duration renewEvery = claimLease == lease ? defaultRenewEvery : renewEvery(claimLease);
    Claim claim = new Claim(store, observer, storeKey, token, claimLease, renewEvery, claimedNanos);
    T value;
    try {
      // Inside the try: a heartbeat that cannot start (a supplied executor shut down, the engine
      // closed) must release the key it claimed rather than leave it held with nothing running.
      heartbeat.register(claim);
      value = operation.run(claim);
    } catch (Throwable failure) {
      heartbeat.unregister(claim);
      claim.finish();
      releaseQuietly(storeKey, token, failure);
      throw propagate(failure);
    }
    heartbeat.unregister(claim);
    claim.finish();
    if (claim.releaseRequested()) {
      releaseQuietly(storeKey, token, null);
      observer.onReleased();
      return new Outcome.Executed<>(value, Outcome.Storage.RELEASED);
    }
    byte[] encoded;
    try {
      encoded = Objects.requireNonNull(codec.encode(value), "codec.encode returned null");
    } catch (RuntimeException e) {
      // The operation has run: releasing the key would let a retry run it again at once. The
      // claim stays until its lease ends, as when the store cannot take the result.
      throw new IdempotencyException(
          "the operation completed but its result could not be encoded, so nothing was stored;"
              + " the key stays claimed until its lease ends ("
              + claimLease
              + "): "
              + e,
          e);
    }
    return new Outcome.Executed<>(
        value, complete(storeKey, fingerprint, token, encoded, claimRetention));
  }

  private Outcome.Storage complete(
      StoreKey storeKey,
      Fingerprint fingerprint,
      LeaseToken token,
      byte[] encoded,
      Duration claimRetention) {
    for (int attempt = 0; ; attempt++) {
      try {
        WriteResult written = store.complete(storeKey, token, encoded, claimRetention);
        if (written instanceof WriteResult.Applied) {
          return Outcome.Storage.STORED;
        }
        if (attempt > 0 && storedByEarlierAttempt(storeKey, fingerprint, encoded)) {
          return Outcome.Storage.STORED;
        }
        observer.onLeaseLost();
        return Outcome.Storage.LEASE_LOST;
      } catch (ResultTooLargeException e) {
        // Leaving the claim would block every retry until the lease ends and then run it anyway.
        observer.onResultTooLarge(e.size(), e.limit());
        releaseQuietly(storeKey, token, null);
        return Outcome.Storage.RESULT_TOO_LARGE;
      } catch (StoreUnavailableException e) {
        observer.onStoreFailure(StoreCall.COMPLETE, e);
        if (attempt >= COMPLETE_RETRY_BACKOFF_MILLIS.length
            || !pause(TimeUnit.MILLISECONDS.toNanos(COMPLETE_RETRY_BACKOFF_MILLIS[attempt]))) {
          return Outcome.Storage.STORE_FAILED;
        }
      }
    }
  }

  /**
   * Whether an earlier attempt whose reply was lost did complete the record: the retry then finds
   * the key completed, not held, and would otherwise report a lost lease for a stored result.
   */
  private boolean storedByEarlierAttempt(
      StoreKey storeKey, Fingerprint fingerprint, byte[] encoded) {
    try {
      return store
          .find(storeKey)
          .filter(
              found ->
                  found.state() == RecordState.COMPLETED
                      && found.fingerprint().equals(fingerprint)
                      && Arrays.equals(found.result(), encoded))
          .isPresent();
    } catch (StoreUnavailableException e) {
      observer.onStoreFailure(StoreCall.FIND, e);
      return false;
    }
  }

  private <T> Outcome<T> replay(IdempotencyRecord record, ResultCodec<T> codec) {
    byte[] stored = Objects.requireNonNull(record.result(), "completed record without result");
    return new Outcome.Replayed<>(
        codec.decode(stored), Objects.requireNonNull(record.completedAt(), "completedAt"));
  }

  private <T> T runUnprotected(Operation<T> operation) {
    try {
      return operation.run(UnprotectedContext.INSTANCE);
    } catch (Throwable failure) {
      throw propagate(failure);
    }
  }

  private void releaseQuietly(
      StoreKey storeKey, LeaseToken token, @org.jspecify.annotations.Nullable Throwable cause) {
    try {
      store.release(storeKey, token);
    } catch (StoreUnavailableException e) {
      // The claim lapses when its lease ends; the caller's failure matters more than this one.
      observer.onStoreFailure(StoreCall.RELEASE, e);
      if (cause != null) {
        cause.addSuppressed(e);
      }
    }
  }

  private static RuntimeException propagate(Throwable failure) {
    if (failure instanceof RuntimeException runtime) {
      return runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    if (failure instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    return new IdempotencyException(
        "the operation failed; the key was released: " + failure, failure);
  }

  /** Sleeps; false when interrupted (the interrupt flag is restored). */
  private static boolean pause(long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public KeyPolicy keyPolicy() {
    return keyPolicy;
  }

  @Override
  public long maxResultBytes() {
    return store.maxResultBytes();
  }

  @Override
  public StoreKey storeKey(String scope, String key) {
    return digester.digest(
        Objects.requireNonNull(scope, "scope"), Objects.requireNonNull(key, "key"));
  }

  @Override
  public Optional<IdempotencyRecord> find(String scope, String key) {
    try {
      return store.find(storeKey(scope, key));
    } catch (StoreUnavailableException e) {
      observer.onStoreFailure(StoreCall.FIND, e);
      throw e;
    }
  }

  @Override
  public IdempotencyAdmin admin() {
    return admin;
  }

  @Override
  public void close() {
    heartbeat.close();
  }

  @Override
  public String toString() {
    return "Idempotency[store="
        + store
        + ", keyPolicy="
        + keyPolicy.name()
        + ", retention="
        + retention
        + ", lease="
        + lease
        + ", maxWait="
        + maxWait
        + ", storeFailurePolicy="
        + storeFailurePolicy
        + "]";
  }

  /** A store's retry-after in nanoseconds; one held for centuries must not overflow the wait. */
  private static long saturatedNanos(Duration duration) {
    return duration.compareTo(Idempotency.MAX_DURATION) > 0
        ? Idempotency.MAX_DURATION.toNanos()
        : duration.toNanos();
  }

  private static Duration wholeSecondsAtLeastOne(Duration duration) {
    long seconds = (duration.toMillis() + 999) / 1000;
    return Duration.ofSeconds(Math.max(1, seconds));
  }

  /** Renewal at a third of the lease (or the heartbeat interval, if sooner). */
  private Duration renewEvery(Duration claimLease) {
    // Integer nanos: Duration.dividedBy goes through BigDecimal, a measurable cost per call.
    return min(heartbeatInterval, Duration.ofNanos(claimLease.toNanos() / 3));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static <V> V orDefault(@org.jspecify.annotations.Nullable V value, V fallback) {
    return value != null ? value : fallback;
  }

  /** The context of an unprotected run: there is no lease to lose or renew. */
  private enum UnprotectedContext implements dev.idem.ExecutionContext {
    INSTANCE;

    @Override
    public boolean leaseLost() {
      return false;
    }

    @Override
    public void renewLease() {}

    @Override
    public void releaseKey() {}
  }
}
