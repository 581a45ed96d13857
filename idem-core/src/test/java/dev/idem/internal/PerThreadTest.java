package dev.idem.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PerThread")
class PerThreadTest {

  /** Counts its concurrent holders, so a test can see two callers share one instance. */
  static final class Counted extends PerThread.Lendable {
    final AtomicInteger holders = new AtomicInteger();

    Counted(boolean pooled) {
      super(pooled);
    }
  }

  @Test
  @DisplayName("keeps one instance per platform thread, which closing leaves in place")
  void platformThreadsOwnTheirs() throws Exception {
    PerThread<Counted> perThread = new PerThread<>(Counted::new);
    Counted mine = perThread.acquire();
    mine.close();
    assertThat(perThread.acquire()).isSameAs(mine);
    assertThat(mine.pooled()).isFalse();
    Counted[] theirs = new Counted[1];
    Thread other = new Thread(() -> theirs[0] = perThread.acquire());
    other.start();
    other.join();
    assertThat(theirs[0]).isNotNull().isNotSameAs(mine);
  }

  @Test
  @DisplayName("lends each pooled instance to one caller at a time, 32 threads racing")
  void poolIsExclusive() throws Exception {
    PerThread<Counted> perThread = new PerThread<>(Counted::new);
    Set<Counted> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger overlaps = new AtomicInteger();
    onThreads(
        32,
        () -> {
          for (int i = 0; i < 5_000; i++) {
            try (Counted borrowed = perThread.borrow(Thread.currentThread())) {
              if (borrowed.holders.incrementAndGet() != 1) {
                overlaps.incrementAndGet();
              }
              seen.add(borrowed);
              Thread.onSpinWait();
              borrowed.holders.decrementAndGet();
            }
          }
        });
    assertThat(overlaps).hasValue(0);
    assertThat(seen).allMatch(PerThread.Lendable::pooled);
    assertThat(seen.size()).isBetween(1, perThread.poolSize());
  }

  @Test
  @DisplayName("pooled CSPRNGs shared by 16 threads never hand out the same key twice")
  void pooledGeneratorsNeverRepeat() throws Exception {
    PerThread<Drbg> instances = Drbg.instances();
    Set<String> keys = ConcurrentHashMap.newKeySet();
    onThreads(
        16,
        () -> {
          for (int i = 0; i < 10_000; i++) {
            try (Drbg random = instances.borrow(Thread.currentThread())) {
              keys.add(random.nextBase64Url128());
            }
          }
        });
    assertThat(keys).hasSize(16 * 10_000);
  }

  /** Runs {@code task} on {@code threads} platform threads released together; rethrows failures. */
  private static void onThreads(int threads, Runnable task) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  task.run();
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("virtual threads borrow pooled state instead of building their own (JDK 21+)")
  void virtualThreadsBorrow() throws Exception {
    if (Runtime.version().feature() < 21) {
      // No virtual threads to detect: every thread is a platform thread with its own state.
      assertThat(PerThread.detectsVirtualThreads()).isFalse();
      assertThat(PerThread.isVirtual(Thread.currentThread())).isFalse();
      return;
    }
    assertThat(PerThread.detectsVirtualThreads()).isTrue();
    assertThat(PerThread.isVirtual(Thread.currentThread())).isFalse();
    KeyDigester digester = new KeyDigester(null);
    String expected = digester.digest("tenant-a", "order-1").hex();
    Set<Drbg> generators = ConcurrentHashMap.newKeySet();
    Set<String> keys = ConcurrentHashMap.newKeySet();
    AtomicInteger wrongDigests = new AtomicInteger();
    AtomicInteger platform = new AtomicInteger();
    int threads = 5_000;
    // Reflection, because this test compiles for Java 17, which has no virtual threads.
    ExecutorService virtual =
        (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    try {
      for (int i = 0; i < threads; i++) {
        virtual.submit(
            () -> {
              if (!PerThread.isVirtual(Thread.currentThread())) {
                platform.incrementAndGet();
              }
              try (Drbg random = Drbg.acquire()) {
                generators.add(random);
                keys.add(random.nextBase64Url128());
              }
              keys.add(LeaseTokens.next());
              if (!digester.digest("tenant-a", "order-1").hex().equals(expected)) {
                wrongDigests.incrementAndGet();
              }
            });
      }
    } finally {
      virtual.shutdown();
    }
    assertThat(virtual.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(platform).hasValue(0);
    assertThat(keys).hasSize(2 * threads);
    assertThat(wrongDigests).hasValue(0);
    assertThat(generators).allMatch(PerThread.Lendable::pooled);
    assertThat(generators.size()).isBetween(1, Drbg.instances().poolSize());
  }
}
