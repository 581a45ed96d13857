package dev.idem.spring;

import dev.idem.Fingerprint;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passes every call to the store and remembers the claims this instance holds, so that {@code
 * stuck_pending_keys} can count those running past their lease. The engine's public API reports
 * outcomes but not when a claim ends, hence the decorator. Claims of other instances are not seen.
 * Thread-safe.
 */
final class ClaimTracker {
  // Key digest to the System.nanoTime() at which the claim's current lease runs out.
  private final Map<StoreKey, Long> leaseDeadlines = new ConcurrentHashMap<>();

  /** The store the engine should use so that its claims are tracked here. */
  IdempotencyStore track(IdempotencyStore store) {
    return new TrackingStore(store);
  }

  /** Claims held here whose lease ran out without being renewed, completed or released. */
  int stuckClaims() {
    long now = System.nanoTime();
    int stuck = 0;
    for (long deadline : leaseDeadlines.values()) {
      if (now - deadline > 0) {
        stuck++;
      }
    }
    return stuck;
  }

  private final class TrackingStore implements IdempotencyStore {
    private final IdempotencyStore delegate;

    TrackingStore(IdempotencyStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
      AcquireResult result = delegate.acquire(key, fingerprint, lease);
      if (result instanceof AcquireResult.Acquired) {
        leaseDeadlines.put(key, System.nanoTime() + lease.toNanos());
      }
      return result;
    }

    @Override
    public WriteResult complete(StoreKey key, LeaseToken token, byte[] result, Duration retention) {
      try {
        return delegate.complete(key, token, result, retention);
      } finally {
        leaseDeadlines.remove(key);
      }
    }

    @Override
    public WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
      WriteResult result = delegate.renew(key, token, lease);
      if (result instanceof WriteResult.Applied) {
        leaseDeadlines.computeIfPresent(key, (k, old) -> System.nanoTime() + lease.toNanos());
      }
      return result;
    }

    @Override
    public WriteResult release(StoreKey key, LeaseToken token) {
      try {
        return delegate.release(key, token);
      } finally {
        leaseDeadlines.remove(key);
      }
    }

    @Override
    public boolean purge(StoreKey key) {
      try {
        return delegate.purge(key);
      } finally {
        // A purged claim is gone, not stuck; its holder's later writes are refused.
        leaseDeadlines.remove(key);
      }
    }

    @Override
    public Optional<IdempotencyRecord> find(StoreKey key) {
      return delegate.find(key);
    }

    @Override
    public long maxResultBytes() {
      return delegate.maxResultBytes();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
