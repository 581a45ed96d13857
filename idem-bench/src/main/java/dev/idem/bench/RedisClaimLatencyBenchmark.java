package dev.idem.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.idem.Fingerprint;
import dev.idem.redis.RedisIdempotencyStore;
import dev.idem.redis.internal.PackedRecord;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import dev.idem.testservers.RedisTestServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency of one Redis claim at half of the store's maximum load, measured open-loop, against a raw
 * Lettuce {@code SET key value NX PX} of the same size on the same schedule: issue 3's target "p99
 * of a claim ≤ 1 ms at half of maximum load", which closed-loop JMH cannot measure (there, load is
 * set by the number of callers, and a slow call delays the callers' next ones instead of counting
 * against them).
 *
 * <p>Each run, with a fresh key prefix:
 *
 * <ol>
 *   <li><b>Maximum load.</b> {@code --callers} threads run {@link RedisIdempotencyStore#acquire} +
 *       {@link RedisIdempotencyStore#complete complete} on fresh keys in a closed loop; the
 *       throughput is the store's maximum. The raw pair ({@code SET NX PX} + {@code SET XX PX}) is
 *       measured the same way, for reference and so both code paths are equally warm.
 *   <li><b>Open loop at {@code --fraction} (default half) of the store's maximum</b>, once for the
 *       store and once for raw Lettuce, in alternating order between runs. Claim {@code i} falls
 *       due at {@code start + i / rate} whatever happened before it, and its latency runs from that
 *       due time to the reply, so a stall counts against every claim that should have gone out
 *       meanwhile (no coordinated omission, as in wrk2 and {@code http.OpenLoopLoad}). Each of
 *       {@code --workers} threads takes the next due claim, parks until it is due, sends it, and
 *       then completes the key <b>after the latency has been taken</b>.
 * </ol>
 *
 * <p><b>Why complete at all, and why off the measured path.</b> The target's "half of maximum load"
 * is half of the claim + complete rate, so the server and client must do that work: claiming alone
 * at the same rate would put half the commands on the shared cores and flatter the figure. Only the
 * claim's latency is the quantity the target names, so the completion is sent afterwards by the
 * same worker and not timed. The raw side does the same with {@code SET XX PX} of the result's
 * size.
 *
 * <p>{@code --complete false} leaves the claims to lapse instead (a lighter load than the target's;
 * for comparison only). {@code --fraction} takes a comma-separated list to trace latency against
 * load.
 *
 * <p>Reported per run and side: the percentiles from the due time (p50/p90/p99/p99.9/max), the
 * generator's own lag (due time to send; split into waiting for a free worker, {@code queue}, and a
 * parked worker waking late, {@code wake}; the same mechanism on both sides) and the service time
 * (send to reply), plus CPU per operation of this JVM and of the Redis server ({@code INFO cpu}; it
 * includes anything else that server did meanwhile). One {@code key=value} line per measurement
 * goes to stdout and to {@code --out}; {@code summarize.py} prints the medians.
 *
 * <pre>
 * java -cp idem-bench/target/benchmarks.jar dev.idem.bench.RedisClaimLatencyBenchmark \
 *     [--runs 3] [--callers 32] [--fraction 0.5] [--workers 32] [--seconds 20] [--warmup 5] \
 *     [--max-seconds 8] [--max-warmup 5] [--complete true] [--ttl 5] [--first-run 1] \
 *     [--out FILE]
 * </pre>
 *
 * <p>The server is found like the tests find theirs ({@code IDEM_TEST_REDIS_URL}, else
 * 127.0.0.1:6379, else one started here). Every key goes under a prefix of this run and is deleted
 * at its end; leases and retention are {@code --ttl} (default 5 s), so even an interrupted run
 * leaves little behind.
 */
public final class RedisClaimLatencyBenchmark {
  private static final int RESULT_BYTES = 256;
  private static final Fingerprint FINGERPRINT = Fingerprint.ofHex("ab".repeat(32));
  // Each phase numbers its keys from its own offset: a key left by an earlier phase (alive for
  // its TTL) must never be claimed again, or the claim would fail.
  private static final AtomicLong PHASES = new AtomicLong();

  private RedisClaimLatencyBenchmark() {}

  /** One way to claim a fresh key and complete it: the store, or raw commands. */
  private interface Side {
    String name();

    /**
     * Claims the key numbered {@code i}; returns what {@link #complete} needs.
     *
     * @throws IllegalStateException if the key was not claimed
     */
    Object claim(long i);

    /**
     * @throws IllegalStateException if the completion was not applied
     */
    void complete(Object claimed);
  }

  /** The store's claim: {@code SET NX PX GET} of a 136-byte value; complete is a fenced script. */
  private record IdemSide(RedisIdempotencyStore store, String keyBase, byte[] result, Duration ttl)
      implements Side {
    @Override
    public String name() {
      return "idem";
    }

    @Override
    public Object claim(long i) {
      StoreKey key = new StoreKey(hexKey(keyBase, i));
      if (store.acquire(key, FINGERPRINT, ttl) instanceof AcquireResult.Acquired acquired) {
        return new Claimed(key, acquired.token());
      }
      throw new IllegalStateException("a fresh key was not claimed: " + key);
    }

    @Override
    public void complete(Object claimed) {
      Claimed c = (Claimed) claimed;
      if (store.complete(c.key, c.token, result, ttl) != WriteResult.APPLIED) {
        throw new IllegalStateException("lease lost on " + c.key);
      }
    }

    private record Claimed(StoreKey key, LeaseToken token) {}
  }

  /** Raw Lettuce: {@code SET key value NX PX} of the claim's size, then {@code SET XX PX}. */
  private record RawSide(
      RedisCommands<byte[], byte[]> raw,
      String prefix,
      String keyBase,
      byte[] claim,
      byte[] result,
      Duration ttl)
      implements Side {
    @Override
    public String name() {
      return "raw";
    }

    @Override
    public Object claim(long i) {
      byte[] key = (prefix + hexKey(keyBase, i)).getBytes(StandardCharsets.US_ASCII);
      if (!"OK".equals(raw.set(key, claim, SetArgs.Builder.nx().px(ttl)))) {
        throw new IllegalStateException("SET NX did not set a fresh key");
      }
      return key;
    }

    @Override
    public void complete(Object claimed) {
      if (!"OK".equals(raw.set((byte[]) claimed, result, SetArgs.Builder.xx().px(ttl)))) {
        throw new IllegalStateException("SET XX found no key");
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> o = options(args);
    int runs = Integer.parseInt(o.getOrDefault("runs", "3"));
    int firstRun = Integer.parseInt(o.getOrDefault("first-run", "1"));
    int callers = Integer.parseInt(o.getOrDefault("callers", "32"));
    List<Double> fractions =
        Arrays.stream(o.getOrDefault("fraction", "0.5").split(","))
            .map(Double::parseDouble)
            .toList();
    boolean complete = Boolean.parseBoolean(o.getOrDefault("complete", "true"));
    // Lease and retention. Short by default: keys then expire about as fast as they are made, the
    // steady state of a real service (where Redis's expiry work is part of the load), and a shared
    // server holds only seconds' worth of them.
    Duration ttl = Duration.ofSeconds(Long.parseLong(o.getOrDefault("ttl", "5")));
    int workers = Integer.parseInt(o.getOrDefault("workers", "32"));
    double seconds = Double.parseDouble(o.getOrDefault("seconds", "20"));
    double warmup = Double.parseDouble(o.getOrDefault("warmup", "5"));
    double maxSeconds = Double.parseDouble(o.getOrDefault("max-seconds", "8"));
    double maxWarmup = Double.parseDouble(o.getOrDefault("max-warmup", "5"));
    Path out = o.containsKey("out") ? Path.of(o.get("out")) : null;

    RedisTestServer server = RedisTestServer.shared();
    System.err.println("Redis: " + server.source() + " (" + server.uri() + ")");
    RedisClient client = RedisClient.create(server.uri());
    byte[] result = new byte[RESULT_BYTES];
    ThreadLocalRandom.current().nextBytes(result);
    // The same size as the store's claim value: its header and a 22-character token.
    byte[] rawClaim = new byte[PackedRecord.HEADER + LeaseToken.random().value().length()];
    Arrays.fill(rawClaim, (byte) 'x');
    try (StatefulRedisConnection<byte[], byte[]> rawConnection =
            client.connect(ByteArrayCodec.INSTANCE);
        StatefulRedisConnection<byte[], byte[]> infoConnection =
            client.connect(ByteArrayCodec.INSTANCE)) {
      RedisCommands<byte[], byte[]> info = infoConnection.sync();
      for (int run = firstRun; run < firstRun + runs; run++) {
        String prefix = RedisTestServer.newKeyPrefix();
        RedisIdempotencyStore store =
            RedisIdempotencyStore.builder().client(client).keyPrefix(prefix).build();
        try {
          // Both sides write keys of the same length: prefix + 64 hex digits.
          Side idem = new IdemSide(store, randomHex(40) + "00000000", result, ttl);
          Side raw =
              new RawSide(
                  rawConnection.sync(), prefix, randomHex(40) + "11111111", rawClaim, result, ttl);
          Map<String, Object> base = new LinkedHashMap<>();
          base.put("run", run);
          Measured idemMax = closedLoop(idem, callers, maxWarmup, maxSeconds, info);
          emit(out, base, "max", idem, idemMax.fields());
          Measured rawMax = closedLoop(raw, callers, maxWarmup, maxSeconds, info);
          emit(out, base, "max", raw, rawMax.fields());
          List<Side> order = run % 2 == 1 ? List.of(idem, raw) : List.of(raw, idem);
          for (double fraction : fractions) {
            base.put("fraction", fraction);
            double rate = fraction * idemMax.opsPerSecond();
            for (Side side : order) {
              emit(
                  out,
                  base,
                  "open",
                  side,
                  openLoop(side, rate, workers, warmup, seconds, complete, ttl, info));
            }
          }
        } finally {
          store.close();
          server.deleteKeys(prefix);
        }
      }
    } finally {
      client.shutdown();
    }
  }

  private record Measured(double opsPerSecond, Map<String, Object> fields) {}

  /** {@code callers} threads calling claim + complete as fast as they can. */
  private static Measured closedLoop(
      Side side, int callers, double warmup, double seconds, RedisCommands<byte[], byte[]> info)
      throws InterruptedException {
    AtomicLong keys = new AtomicLong(PHASES.incrementAndGet() << 40);
    LongAdder ops = new LongAdder();
    LongAdder errors = new LongAdder();
    long start = System.nanoTime();
    long measureFrom = start + (long) (warmup * 1e9);
    long end = measureFrom + (long) (seconds * 1e9);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < callers; t++) {
      threads.add(
          start(
              () -> {
                long now;
                while ((now = System.nanoTime()) < end) {
                  try {
                    side.complete(side.claim(keys.getAndIncrement()));
                    if (now >= measureFrom) {
                      ops.increment();
                    }
                  } catch (RuntimeException e) {
                    errors.increment();
                  }
                }
              }));
    }
    LockSupport.parkNanos(measureFrom - System.nanoTime());
    Cpu before = Cpu.read(info);
    LockSupport.parkNanos(end - System.nanoTime());
    Cpu after = Cpu.read(info);
    for (Thread thread : threads) {
      thread.join();
    }
    // Only operations that started inside the window count; the few still running at its end
    // finish just after, so the count is over (almost exactly) the window.
    double perSecond = ops.sum() / seconds;
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("callers", callers);
    fields.put("ops_s", Math.round(perSecond));
    fields.put("errors", errors.sum());
    after.minus(before, ops.sum(), fields);
    return new Measured(perSecond, fields);
  }

  /** Claims due at a fixed rate, each timed from its due time; completes after the timing. */
  private static Map<String, Object> openLoop(
      Side side,
      double rate,
      int workers,
      double warmup,
      double seconds,
      boolean complete,
      Duration ttl,
      RedisCommands<byte[], byte[]> info)
      throws InterruptedException {
    double period = 1e9 / rate;
    long warmupCount = (long) (warmup * rate);
    long total = warmupCount + (long) (seconds * rate);
    int measured = (int) (total - warmupCount);
    long[] fromDue = new long[measured];
    long[] queue = new long[measured];
    long[] wake = new long[measured];
    long[] service = new long[measured];
    AtomicLong next = new AtomicLong();
    long keyOffset = PHASES.incrementAndGet() << 40;
    LongAdder errors = new LongAdder();
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    long measureFrom = start + (long) (warmupCount * period);
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      threads.add(
          start(
              () -> {
                long i;
                while ((i = next.getAndIncrement()) < total) {
                  long due = start + (long) (i * period);
                  long taken = System.nanoTime();
                  long wait;
                  while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                  }
                  long sent = System.nanoTime();
                  Object claimed;
                  try {
                    claimed = side.claim(keyOffset + i);
                  } catch (RuntimeException e) {
                    errors.increment();
                    if (i >= warmupCount) {
                      fromDue[(int) (i - warmupCount)] = Long.MAX_VALUE; // never answered
                    }
                    continue;
                  }
                  long done = System.nanoTime();
                  if (i >= warmupCount) {
                    int m = (int) (i - warmupCount);
                    fromDue[m] = done - due;
                    // The generator's lag has two causes: no worker was free when the claim
                    // fell due (queue), or the worker woke late from its park (wake).
                    queue[m] = Math.max(0, taken - due);
                    wake[m] = sent - Math.max(taken, due);
                    service[m] = done - sent;
                  }
                  if (complete) {
                    try {
                      side.complete(claimed);
                    } catch (RuntimeException e) {
                      errors.increment();
                    }
                  }
                }
              }));
    }
    LockSupport.parkNanos(measureFrom - System.nanoTime());
    Cpu before = Cpu.read(info);
    for (Thread thread : threads) {
      thread.join();
    }
    Cpu after = Cpu.read(info);
    long elapsed = System.nanoTime() - measureFrom;
    Arrays.sort(fromDue);
    long queued = Arrays.stream(queue).filter(q -> q > 0).count();
    Arrays.sort(queue);
    Arrays.sort(wake);
    Arrays.sort(service);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("rate", Math.round(rate));
    fields.put("workers", workers);
    fields.put("complete", complete);
    fields.put("ttl_s", ttl.toSeconds());
    fields.put("claims", measured);
    // Below the rate when the side could not keep up: the schedule then ran long.
    fields.put("achieved_s", Math.round(measured / (elapsed / 1e9)));
    fields.put("errors", errors.sum());
    fields.put("p50_us", micros(fromDue, 50));
    fields.put("p90_us", micros(fromDue, 90));
    fields.put("p99_us", micros(fromDue, 99));
    fields.put("p999_us", micros(fromDue, 99.9));
    fields.put("max_us", micros(fromDue, 100));
    fields.put("queued_pct", String.format(Locale.ROOT, "%.2f", 100.0 * queued / measured));
    fields.put("queue_p99_us", micros(queue, 99));
    fields.put("wake_p50_us", micros(wake, 50));
    fields.put("wake_p99_us", micros(wake, 99));
    fields.put("service_p50_us", micros(service, 50));
    fields.put("service_p99_us", micros(service, 99));
    after.minus(before, measured, fields);
    return fields;
  }

  /** CPU seconds of this JVM and of the Redis server at one moment. */
  private record Cpu(long jvmNanos, double redisSeconds) {
    static Cpu read(RedisCommands<byte[], byte[]> info) {
      double redis = 0;
      for (String line : info.info("cpu").split("\r?\n")) {
        if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
          redis += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
        }
      }
      OperatingSystemMXBean os =
          (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      return new Cpu(os.getProcessCpuTime(), redis);
    }

    /** Adds client and server CPU microseconds per operation since {@code before}. */
    void minus(Cpu before, long operations, Map<String, Object> fields) {
      long n = Math.max(1, operations);
      fields.put(
          "jvm_cpu_us_op",
          String.format(Locale.ROOT, "%.2f", (jvmNanos - before.jvmNanos) / 1e3 / n));
      fields.put(
          "redis_cpu_us_op",
          String.format(Locale.ROOT, "%.2f", (redisSeconds - before.redisSeconds) * 1e6 / n));
    }
  }

  private static Thread start(Runnable body) {
    Thread thread = new Thread(body);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  private static long micros(long[] sortedNanos, double percentile) {
    if (sortedNanos.length == 0) {
      return -1;
    }
    int index = (int) Math.ceil(percentile / 100.0 * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1000;
  }

  private static void emit(
      Path out, Map<String, Object> base, String phase, Side side, Map<String, Object> fields) {
    StringBuilder line = new StringBuilder("redis-claim-latency");
    base.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
    line.append(" phase=").append(phase).append(" side=").append(side.name());
    fields.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
    System.out.println(line);
    if (out != null) {
      try {
        Files.writeString(
            out,
            line + "\n",
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND,
            StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** 64 hex digits: a random base of this run, then {@code i} in 16 hex digits. */
  private static String hexKey(String base, long i) {
    char[] hex = new char[64];
    base.getChars(0, 48, hex, 0);
    for (int d = 63; d >= 48; d--) {
      hex[d] = Character.forDigit((int) (i & 0xF), 16);
      i >>>= 4;
    }
    return new String(hex);
  }

  private static String randomHex(int digits) {
    StringBuilder hex = new StringBuilder(digits);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int d = 0; d < digits; d++) {
      hex.append(Character.forDigit(random.nextInt(16), 16));
    }
    return hex.toString();
  }

  /**
   * {@code --name value} pairs.
   *
   * @throws IllegalArgumentException on an unknown option or a missing value
   */
  private static Map<String, String> options(String[] args) {
    List<String> known =
        List.of(
            "runs",
            "first-run",
            "complete",
            "ttl",
            "callers",
            "fraction",
            "workers",
            "seconds",
            "warmup",
            "max-seconds",
            "max-warmup",
            "out");
    Map<String, String> options = new LinkedHashMap<>();
    for (int a = 0; a < args.length; a++) {
      String name = args[a].startsWith("--") ? args[a].substring(2) : "";
      if (!known.contains(name) || a + 1 >= args.length) {
        throw new IllegalArgumentException(
            "usage: RedisClaimLatencyBenchmark [--name value]..., names "
                + known
                + "; at "
                + args[a]);
      }
      options.put(name, args[++a]);
    }
    return options;
  }
}
