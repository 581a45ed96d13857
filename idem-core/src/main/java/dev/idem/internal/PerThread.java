package dev.idem.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * State a thread uses alone for the length of one call (a CSPRNG, a hash function and its buffer):
 * a platform thread keeps its own in a {@link ThreadLocal}; a virtual thread borrows one from a
 * small pool under a lock.
 *
 * <p>Why the pool: a server on virtual threads runs every request on a new thread, so a
 * thread-local instance would be built, seeded and thrown away once per request (a CSPRNG reads the
 * OS entropy source and fills 16 KiB of keystream: ~6 µs instead of ~25 ns a key). Pooled instances
 * are built once and handed from thread to thread under their lock, which also orders every use
 * after the previous one, so no two callers ever see the same state.
 *
 * <p>Use as {@code try (T state = perThread.acquire()) { ... }}; closing a platform thread's own
 * instance does nothing. Thread-safe.
 *
 * @param <T> the state's type
 */
public final class PerThread<T extends PerThread.Lendable> {
  // Thread.isVirtual() arrived with virtual threads (JDK 19 preview, 21 final); on JDK 17 there is
  // nothing to detect and the handle is null, which the JIT folds away.
  private static final @Nullable MethodHandle IS_VIRTUAL = isVirtualHandle();

  private final ThreadLocal<T> own;
  private final AtomicReferenceArray<@Nullable T> pool;
  private final Function<Boolean, T> factory;

  /**
   * @param factory builds an instance; its argument says whether the instance is pooled (give it a
   *     lock by calling {@code super(true)}) or a platform thread's own
   */
  public PerThread(Function<Boolean, T> factory) {
    this.factory = factory;
    this.own = ThreadLocal.withInitial(() -> factory.apply(false));
    // Virtual threads run on as many carriers as there are processors; twice that many instances
    // leave a free one for nearly every tryLock, and each is built only when first needed.
    this.pool =
        new AtomicReferenceArray<>(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()));
  }

  /** The calling thread's instance, or a pooled one locked for it; close it when done. */
  public T acquire() {
    Thread thread = Thread.currentThread();
    return isVirtual(thread) ? borrow(thread) : own.get();
  }

  /** A pooled instance, locked for the caller: free ones first, else waits for the thread's own. */
  T borrow(Thread thread) {
    int size = pool.length();
    int start = (int) Math.floorMod(thread.getId(), (long) size);
    for (int i = 0; i < size; i++) {
      T candidate = pooled((start + i) % size);
      if (candidate.poolLock().tryLock()) {
        return candidate;
      }
    }
    T fallback = pooled(start);
    fallback.poolLock().lock();
    return fallback;
  }

  /** How many instances the pool holds at most. */
  int poolSize() {
    return pool.length();
  }

  private T pooled(int index) {
    T existing = pool.get(index);
    if (existing != null) {
      return existing;
    }
    T created = factory.apply(true);
    // A racing builder's instance wins; ours was never used, so dropping it exposes nothing.
    return pool.compareAndSet(index, null, created) ? created : pool.get(index);
  }

  /** Whether {@code thread} is a virtual thread; always false on JDKs without them. */
  static boolean isVirtual(Thread thread) {
    MethodHandle isVirtual = IS_VIRTUAL;
    if (isVirtual == null) {
      return false;
    }
    try {
      return (boolean) isVirtual.invokeExact(thread);
    } catch (Throwable impossible) {
      throw new IllegalStateException("Thread.isVirtual() failed", impossible);
    }
  }

  /** Whether this JDK has virtual threads. */
  static boolean detectsVirtualThreads() {
    return IS_VIRTUAL != null;
  }

  private static @Nullable MethodHandle isVirtualHandle() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (NoSuchMethodException | IllegalAccessException beforeJdk19) {
      return null;
    }
  }

  /** What a {@link PerThread} holds: closing it returns a pooled instance to the pool. */
  public abstract static class Lendable implements AutoCloseable {
    private final @Nullable ReentrantLock lock;

    /**
     * @param pooled whether this instance is shared through the pool (and so needs a lock)
     */
    protected Lendable(boolean pooled) {
      this.lock = pooled ? new ReentrantLock() : null;
    }

    /** Whether this instance is pooled rather than one platform thread's own. */
    final boolean pooled() {
      return lock != null;
    }

    final ReentrantLock poolLock() {
      ReentrantLock pooledLock = lock;
      if (pooledLock == null) {
        throw new IllegalStateException("a platform thread's own instance is not pooled");
      }
      return pooledLock;
    }

    /** Gives a borrowed instance back to the pool; a platform thread's own stays with it. */
    @Override
    public final void close() {
      if (lock != null) {
        lock.unlock();
      }
    }
  }
}
