package dev.idem.bench;

import dev.idem.Fingerprint;
import dev.idem.Idempotency;
import dev.idem.InMemoryIdempotencyStore;
import dev.idem.Outcome;
import dev.idem.ResultCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * {@code Idempotency.execute} on the in-memory store against a baseline that makes the same state
 * transitions on a {@link ConcurrentHashMap}: claim (putIfAbsent IN_PROGRESS), complete (replace
 * with the result), and for replays one read. The engine's extra work is the key policy check, the
 * scope+key digest, a lease token, the heartbeat registration and the fenced writes.
 *
 * <p>Every "new key" call uses a key never seen before, and both sides hold the same number of
 * records: the store is bounded to {@link #WINDOW} records per thread and evicts its eldest, the
 * baseline removes the key it added {@link #WINDOW} calls earlier.
 *
 * <p>Two baselines. The bare map keys its records by the client's key. DESIGN §2 requires the
 * stored identity to be a SHA-256 digest of scope + key (so a store dump reveals no key), so the
 * second baseline does the same map transitions keyed by that digest, computed the plain way (a
 * per-thread {@code MessageDigest}, {@code HexFormat}): the work any design that meets §2 must do,
 * so the ratio against it is the engine's own overhead.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class EngineBenchmark {

  static final int WINDOW = 1 << 16;
  static final byte[] RESULT =
      "{\"id\":\"ord_123\",\"status\":\"created\"}".getBytes(StandardCharsets.UTF_8);
  static final Fingerprint FINGERPRINT =
      Fingerprint.ofHex("5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef");
  static final AtomicInteger THREAD_IDS = new AtomicInteger();

  /** Records a baseline entry holds, mirroring the store's two states. */
  record Entry(boolean completed, byte[] result) {}

  static final Entry IN_PROGRESS = new Entry(false, new byte[0]);

  @State(Scope.Benchmark)
  public static class Shared {
    InMemoryIdempotencyStore store;
    Idempotency idempotency;
    ConcurrentHashMap<String, Entry> map;

    @Setup(Level.Trial)
    public void setUp(BenchmarkParams params) {
      // As many records as the baseline keeps: WINDOW per benchmark thread.
      store = InMemoryIdempotencyStore.builder().maximumSize(WINDOW * params.getThreads()).build();
      idempotency = Idempotency.builder().store(store).build();
      map = new ConcurrentHashMap<>();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      idempotency.close();
    }
  }

  /** Fresh keys per thread, remembering the last {@link #WINDOW} for the baseline's eviction. */
  @State(Scope.Thread)
  public static class Keys {
    final String prefix = "bench-idempotency-key-t" + THREAD_IDS.incrementAndGet() + "-";
    final String[] recent = new String[WINDOW];
    long counter;

    final String[] recentDigests = new String[WINDOW];

    String nextKey() {
      String key = prefix + counter;
      int slot = (int) (counter & (WINDOW - 1));
      evicted = recent[slot];
      evictedDigest = recentDigests[slot];
      recent[slot] = key;
      counter++;
      return key;
    }

    String evicted;
    String evictedDigest;
  }

  /** A per-thread SHA-256, as an application digesting its keys would keep one. */
  static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException(e);
            }
          });

  static final byte[] DOMAIN = "idem-key-v1\0\0\0\0\0".getBytes(StandardCharsets.US_ASCII);

  /** The digest DESIGN §2 stores records under (empty scope), as lowercase hex. */
  static String digest(String key) {
    MessageDigest sha256 = SHA256.get();
    sha256.update(DOMAIN);
    return HexFormat.of().formatHex(sha256.digest(key.getBytes(StandardCharsets.UTF_8)));
  }

  /** A replayable key per thread, completed once at set-up. */
  @State(Scope.Thread)
  public static class Completed {
    String key;

    @Setup(Level.Trial)
    public void setUp(Shared shared) {
      key = "bench-replay-" + THREAD_IDS.incrementAndGet() + "-" + System.nanoTime();
      shared.idempotency.execute(key, FINGERPRINT, ResultCodec.bytes(), ctx -> RESULT);
      shared.map.put(key, new Entry(true, RESULT.clone()));
      shared.map.put(digest(key), new Entry(true, RESULT.clone()));
    }
  }

  /** New key each call: claim, run, complete. */
  @Benchmark
  public Object engineExecuteNewKey(Shared shared, Keys keys) {
    return shared.idempotency.execute(
        keys.nextKey(), FINGERPRINT, ResultCodec.bytes(), ctx -> RESULT);
  }

  @Benchmark
  public Object baselineNewKey(Shared shared, Keys keys) {
    String key = keys.nextKey();
    ConcurrentHashMap<String, Entry> map = shared.map;
    if (keys.evicted != null) {
      map.remove(keys.evicted); // the bound, as the store's eviction of its eldest
    }
    if (map.putIfAbsent(key, IN_PROGRESS) != null) {
      throw new IllegalStateException("key reused");
    }
    byte[] result = RESULT.clone();
    map.replace(key, IN_PROGRESS, new Entry(true, result));
    return result;
  }

  @Benchmark
  public Object baselineDigestedNewKey(Shared shared, Keys keys) {
    String key = digest(keys.nextKey());
    ConcurrentHashMap<String, Entry> map = shared.map;
    if (keys.evicted != null) {
      map.remove(keys.evictedDigest);
    }
    keys.recentDigests[(int) ((keys.counter - 1) & (WINDOW - 1))] = key;
    if (map.putIfAbsent(key, IN_PROGRESS) != null) {
      throw new IllegalStateException("key reused");
    }
    byte[] result = RESULT.clone();
    map.replace(key, IN_PROGRESS, new Entry(true, result));
    return result;
  }

  /** A retry of a completed key: one read, decode the stored bytes. */
  @Benchmark
  public Object engineExecuteReplay(Shared shared, Completed completed) {
    Outcome<byte[]> outcome =
        shared.idempotency.execute(completed.key, FINGERPRINT, ResultCodec.bytes(), ctx -> RESULT);
    return ((Outcome.Replayed<byte[]>) outcome).value();
  }

  @Benchmark
  public Object baselineReplay(Shared shared, Completed completed) {
    Entry entry = shared.map.get(completed.key);
    return entry.result().clone();
  }

  @Benchmark
  public Object baselineDigestedReplay(Shared shared, Completed completed) {
    Entry entry = shared.map.get(digest(completed.key));
    return entry.result().clone();
  }
}
