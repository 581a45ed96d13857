package dev.idem.internal;

import dev.idem.IdempotencyObserver;
import dev.idem.spi.StoreKey;
import dev.idem.spi.StoreUnavailableException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An observer whose exceptions are logged, not thrown: a failing metrics hook must not leave a key
 * claimed with nothing running (an exception between acquire and the operation) or end the
 * heartbeat (an exception on its thread ends its periodic task for good).
 */
final class GuardedObserver implements IdempotencyObserver {
  private static final System.Logger LOG = System.getLogger(GuardedObserver.class.getName());

  private final IdempotencyObserver delegate;
  // The first failure is a warning; the rest are debug, or a broken hook would flood the log.
  private final AtomicBoolean warned = new AtomicBoolean();

  private GuardedObserver(IdempotencyObserver delegate) {
    this.delegate = delegate;
  }

  static IdempotencyObserver of(IdempotencyObserver observer) {
    return observer == IdempotencyObserver.NONE || observer instanceof GuardedObserver
        ? observer
        : new GuardedObserver(observer);
  }

  @Override
  public void onKeyDigested(StoreKey key) {
    try {
      delegate.onKeyDigested(key);
    } catch (RuntimeException e) {
      failed("onKeyDigested", e);
    }
  }

  @Override
  public void onOutcome(OutcomeType type, long dedupNanos) {
    try {
      delegate.onOutcome(type, dedupNanos);
    } catch (RuntimeException e) {
      failed("onOutcome", e);
    }
  }

  @Override
  public void onStoreFailure(StoreCall call, StoreUnavailableException failure) {
    try {
      delegate.onStoreFailure(call, failure);
    } catch (RuntimeException e) {
      failed("onStoreFailure", e);
    }
  }

  @Override
  public void onFailOpen() {
    try {
      delegate.onFailOpen();
    } catch (RuntimeException e) {
      failed("onFailOpen", e);
    }
  }

  @Override
  public void onLeaseLost() {
    try {
      delegate.onLeaseLost();
    } catch (RuntimeException e) {
      failed("onLeaseLost", e);
    }
  }

  @Override
  public void onLeaseRenewed() {
    try {
      delegate.onLeaseRenewed();
    } catch (RuntimeException e) {
      failed("onLeaseRenewed", e);
    }
  }

  @Override
  public void onReleased() {
    try {
      delegate.onReleased();
    } catch (RuntimeException e) {
      failed("onReleased", e);
    }
  }

  @Override
  public void onResultTooLarge(long size, long limit) {
    try {
      delegate.onResultTooLarge(size, limit);
    } catch (RuntimeException e) {
      failed("onResultTooLarge", e);
    }
  }

  private void failed(String callback, RuntimeException e) {
    System.Logger.Level level =
        warned.compareAndSet(false, true) ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG;
    LOG.log(level, "idempotency observer " + delegate + " threw from " + callback, e);
  }

  @Override
  public String toString() {
    return delegate.toString();
  }
}
