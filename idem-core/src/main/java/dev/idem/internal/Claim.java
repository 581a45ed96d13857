package dev.idem.internal;

import dev.idem.ExecutionContext;
import dev.idem.IdempotencyObserver;
import dev.idem.LeaseLostException;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import java.time.Duration;

/** One held lease while its operation runs: the heartbeat renews it, the operation sees it. */
final class Claim implements ExecutionContext {
  final StoreKey key;
  final LeaseToken token;
  final Duration lease;
  final long renewEveryNanos;
  private final IdempotencyStore store;
  private final IdempotencyObserver observer;
  private volatile long lastRenewedNanos;
  private volatile boolean leaseLost;
  private volatile boolean releaseRequested;
  // Set before the completing write, so a heartbeat racing with it does not report a lost lease.
  private volatile boolean finished;

  Claim(
      IdempotencyStore store,
      IdempotencyObserver observer,
      StoreKey key,
      LeaseToken token,
      Duration lease,
      Duration renewEvery,
      long claimedNanos) {
    this.store = store;
    this.observer = observer;
    this.key = key;
    this.token = token;
    this.lease = lease;
    this.renewEveryNanos = renewEvery.toNanos();
    this.lastRenewedNanos = claimedNanos;
  }

  /**
   * The key's hash: the heartbeat keeps claims in a hash set, and an identity hash would cost a
   * compare-and-swap on the object header for every claim. Equality stays identity.
   */
  @Override
  public int hashCode() {
    return key.hashCode();
  }

  @Override
  public boolean equals(@org.jspecify.annotations.Nullable Object o) {
    return this == o;
  }

  @Override
  public boolean leaseLost() {
    return leaseLost;
  }

  @Override
  public void renewLease() {
    if (!renew()) {
      throw new LeaseLostException(
          "the lease on this key ended and the key was taken over, released or completed");
    }
  }

  @Override
  public void releaseKey() {
    releaseRequested = true;
  }

  boolean releaseRequested() {
    return releaseRequested;
  }

  void finish() {
    finished = true;
  }

  boolean renewDue(long nowNanos) {
    return !finished && !leaseLost && nowNanos - lastRenewedNanos >= renewEveryNanos;
  }

  /** Renews now; returns false once the lease is known lost. */
  boolean renew() {
    if (leaseLost) {
      return false;
    }
    long started = System.nanoTime();
    WriteResult result = store.renew(key, token, lease);
    if (result instanceof WriteResult.Applied) {
      lastRenewedNanos = started;
      observer.onLeaseRenewed();
      return true;
    }
    if (!finished) {
      leaseLost = true;
      observer.onLeaseLost();
    }
    return false;
  }
}
