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
 *
 * <p>The task ticks at half the shortest renewal interval it has been given (between {@value
 * #MIN_TICK_MILLIS} ms and {@value #MAX_TICK_MILLIS} ms), so a claim with a per-call lease shorter
 * than the engine's is renewed in time too. After {@link #close()} no new claim is accepted; the
 * claims still running keep being renewed until they finish, then the task stops.
 */
final class Heartbeat implements AutoCloseable {
  private static final long MIN_TICK_MILLIS = 5;
  private static final long MAX_TICK_MILLIS = 1_000;

  // Sized well past the claims usually in flight: a table of 16 bins is one cache line, which every
  // caller's register and unregister would write, so callers on different cores contended for it.
  private final Set<Claim> active = ConcurrentHashMap.newKeySet(1024);
  private final IdempotencyObserver observer;
  private final @Nullable ScheduledExecutorService suppliedExecutor;
  private @Nullable ScheduledExecutorService ownExecutor;
  private volatile long tickNanos;
  private volatile @Nullable ScheduledFuture<?> task;
  private volatile boolean closed;

  Heartbeat(
      Duration interval,
      IdempotencyObserver observer,
      @Nullable ScheduledExecutorService suppliedExecutor) {
    this.tickNanos = tickFor(interval.toNanos());
    this.observer = observer;
    this.suppliedExecutor = suppliedExecutor;
  }

  /**
   * Renews {@code claim} until it is unregistered or its lease is lost.
   *
   * @throws IllegalStateException after {@link #close()}
   * @throws java.util.concurrent.RejectedExecutionException if a supplied executor refuses the task
   */
  void register(Claim claim) {
    active.add(claim);
    // Read after the add, as close() reads the set after setting the flag: one of the two sees
    // the other, so a claim is either refused here or keeps the task running until it finishes.
    if (closed) {
      active.remove(claim);
      throw new IllegalStateException("the idempotency engine is closed");
    }
    long wanted = tickFor(claim.renewEveryNanos);
    if (task == null || wanted < tickNanos) {
      try {
        schedule(wanted);
      } catch (RuntimeException e) {
        active.remove(claim);
        throw e;
      }
    }
  }

  boolean isClosed() {
    return closed;
  }

  void unregister(Claim claim) {
    active.remove(claim);
  }

  private static long tickFor(long renewEveryNanos) {
    return Math.max(
        TimeUnit.MILLISECONDS.toNanos(MIN_TICK_MILLIS),
        Math.min(TimeUnit.MILLISECONDS.toNanos(MAX_TICK_MILLIS), renewEveryNanos / 2));
  }

  /** Starts the task, or restarts it at a shorter tick; the tick never grows back. */
  private synchronized void schedule(long wantedTickNanos) {
    if (closed) {
      throw new IllegalStateException("the idempotency engine is closed");
    }
    ScheduledFuture<?> previous = task;
    if (previous != null && tickNanos <= wantedTickNanos) {
      return;
    }
    long tick = previous == null ? Math.min(tickNanos, wantedTickNanos) : wantedTickNanos;
    task = executor().scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.NANOSECONDS);
    tickNanos = tick;
    if (previous != null) {
      previous.cancel(false);
    }
  }

  private ScheduledExecutorService executor() {
    if (suppliedExecutor != null) {
      return suppliedExecutor;
    }
    if (ownExecutor == null) {
      ownExecutor =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "idem-heartbeat");
                thread.setDaemon(true);
                return thread;
              });
    }
    return ownExecutor;
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
      } catch (Throwable e) {
        // Anything escaping ends the periodic task for good, and with it every renewal.
        observer.onStoreFailure(
            IdempotencyObserver.StoreCall.RENEW,
            new StoreUnavailableException("renew failed: " + e, e));
      }
    }
    if (closed && active.isEmpty()) {
      stop();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (active.isEmpty()) {
      stop();
    }
  }

  private synchronized void stop() {
    ScheduledFuture<?> running = task;
    if (running != null) {
      running.cancel(false);
    }
    if (ownExecutor != null) {
      ownExecutor.shutdown();
    }
  }
}
