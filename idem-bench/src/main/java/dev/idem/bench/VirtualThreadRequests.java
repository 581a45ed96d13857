package dev.idem.bench;

import dev.idem.Fingerprint;
import dev.idem.Idempotency;
import dev.idem.InMemoryIdempotencyStore;
import dev.idem.KeyFormat;
import dev.idem.KeyGenerator;
import dev.idem.ResultCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What Idem adds to a request on a server that runs each request on a new virtual thread (Spring
 * Boot's {@code spring.threads.virtual.enabled}, JDK 21+), beside the same work on a pool of two
 * platform threads. Per task, in µs: an empty task (the baseline), one base64url-128 key, and one
 * {@code execute} of a new key on the in-memory store (a lease token, the scope+key digest, claim
 * and complete). Medians over rounds; run on JDK 21+ (on 17 it says so and exits).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.idem.bench.VirtualThreadRequests [tasks] [rounds]}
 */
public final class VirtualThreadRequests {
  private static final byte[] RESULT = "{\"id\":\"ord_123\"}".getBytes(StandardCharsets.UTF_8);
  private static final Fingerprint FINGERPRINT =
      Fingerprint.ofHex("5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");

  private VirtualThreadRequests() {}

  public static void main(String[] args) throws Exception {
    int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
    if (Runtime.version().feature() < 21) {
      System.err.println("virtual threads need JDK 21+; this is " + Runtime.version());
      System.exit(2);
    }
    KeyGenerator keys = KeyGenerator.of(KeyFormat.BASE64URL);
    InMemoryIdempotencyStore store =
        InMemoryIdempotencyStore.builder().maximumSize(1 << 20).build();
    Idempotency idempotency = Idempotency.builder().store(store).build();
    AtomicLong ids = new AtomicLong();
    Runnable empty = () -> {};
    Runnable key = keys::next;
    Runnable execute =
        () ->
            idempotency.execute(
                "virtual-thread-key-" + ids.incrementAndGet(),
                FINGERPRINT,
                ResultCodec.bytes(),
                ctx -> RESULT);
    String[] names = {"empty task", "one key", "execute, new key"};
    Runnable[] work = {empty, key, execute};
    double[][] virtual = new double[work.length][rounds];
    double[][] platform = new double[work.length][rounds];
    for (int r = 0; r < rounds; r++) {
      for (int w = 0; w < work.length; w++) {
        virtual[w][r] = perTask(virtualExecutor(), work[w], tasks);
        platform[w][r] = perTask(Executors.newFixedThreadPool(2), work[w], tasks);
      }
    }
    System.out.printf(
        "JDK %s, %d tasks x %d rounds, µs per task (median)%n", Runtime.version(), tasks, rounds);
    System.out.printf("%-18s %12s %12s %14s%n", "work", "virtual", "platform(2)", "virtual added");
    for (int w = 0; w < work.length; w++) {
      double v = median(virtual[w]);
      System.out.printf(
          "%-18s %12.3f %12.3f %14.3f%n", names[w], v, median(platform[w]), v - median(virtual[0]));
    }
    store.close();
  }

  private static double perTask(ExecutorService executor, Runnable work, int tasks)
      throws InterruptedException {
    long start = System.nanoTime();
    AtomicLong failures = new AtomicLong();
    Runnable counted =
        () -> {
          try {
            work.run();
          } catch (RuntimeException e) {
            if (failures.getAndIncrement() == 0) {
              e.printStackTrace();
            }
          }
        };
    for (int i = 0; i < tasks; i++) {
      executor.execute(counted);
    }
    executor.shutdown();
    if (!executor.awaitTermination(5, TimeUnit.MINUTES)) {
      throw new IllegalStateException("tasks did not finish");
    }
    long elapsed = System.nanoTime() - start;
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " of " + tasks + " tasks failed");
    }
    return elapsed / 1e3 / tasks;
  }

  private static ExecutorService virtualExecutor() {
    try {
      return (ExecutorService)
          Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("no virtual threads in " + Runtime.version(), e);
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
