package dev.idem.internal;

import dev.idem.IdempotencyObserver;
import dev.idem.spi.StoreUnavailableException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Renews the leases of running operations. One periodic task scans the registered claims instead of
 * one scheduled task per call: registering costs a set insert, which keeps short operations cheap,
 * and only claims that run past their renewal interval cause store traffic.
 */
final class Heartbeat implements AutoCloseable {
  private static final long MIN_TICK_MILLIS = 10;
  private static final long MAX_TICK_MILLIS = 1_000;

  // Sized well past the claims usually in flight: a table of 16 bins is one cache line, which every
  // caller's register and unregister would write, so callers on different cores contended for it.
  private final Set<Claim> active = ConcurrentHashMap.newKeySet(1024);
  private final long tickMillis;
  private final IdempotencyObserver observer;
  private final @Nullable ScheduledExecutorService suppliedExecutor;
  private @Nullable ScheduledExecutorService ownExecutor;
  private volatile @Nullable ScheduledFuture<?> task;
  private boolean closed;

  Heartbeat(
      Duration interval,
      IdempotencyObserver observer,
      @Nullable ScheduledExecutorService suppliedExecutor) {
    this.tickMillis = Math.max(MIN_TICK_MILLIS, Math.min(MAX_TICK_MILLIS, interval.toMillis() / 2));
    this.observer = observer;
    this.suppliedExecutor = suppliedExecutor;
  }

  void register(Claim claim) {
    active.add(claim);
    if (task == null) {
      start();
    }
  }

  void unregister(Claim claim) {
    active.remove(claim);
  }

  private synchronized void start() {
    if (task != null || closed) {
      return;
    }
    ScheduledExecutorService executor = suppliedExecutor;
    if (executor == null) {
      ownExecutor =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "idem-heartbeat");
                thread.setDaemon(true);
                return thread;
              });
      executor = ownExecutor;
    }
    task =
        executor.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
  }

  private void tick() {
    long now = System.nanoTime();
    for (Claim claim : active) {
      if (!claim.renewDue(now)) {
        continue;
      }
      try {
        if (!claim.renew()) {
          active.remove(claim);
        }
      } catch (StoreUnavailableException e) {
        // Keep the claim: the next tick tries again while the lease may still be running.
        observer.onStoreFailure(IdempotencyObserver.StoreCall.RENEW, e);
      } catch (RuntimeException e) {
        // A misbehaving store must not kill the periodic task (which would stop all renewals).
        observer.onStoreFailure(
            IdempotencyObserver.StoreCall.RENEW,
            new StoreUnavailableException("renew failed: " + e, e));
      }
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (task != null) {
      task.cancel(false);
    }
    if (ownExecutor != null) {
      ownExecutor.shutdownNow();
    }
  }
}
