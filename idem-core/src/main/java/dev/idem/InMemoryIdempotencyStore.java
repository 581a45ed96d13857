package dev.idem;

import dev.idem.spi.AcquireResult;
import dev.idem.spi.ConfigProblems;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * An {@link IdempotencyStore} in this JVM's memory: for tests, single-instance services and the
 * simulator. It deduplicates within one process only and loses everything on restart; use the Redis
 * or JDBC store when several instances serve the same keys.
 *
 * <p>Bounded and expiring. Expired records are dropped lazily, by {@link #sweep()} and, with {@link
 * Builder#sweepInterval}, by a scheduled sweep that {@link #close()} stops. While the store holds
 * fewer than {@code maximumSize} live records it never drops one before its lease or retention
 * ends. At the bound it first drops expired records, then, only if still full, evicts the least
 * recently used record and counts it in {@link Stats#forcedEvictions()}: a non-zero count means the
 * bound is too small for the retention and traffic, and retries of evicted keys would run again.
 * Expired records at the least recently used end (where records of one retention expire first) go
 * at once; finding others takes a scan of the segment, which runs only once one can have expired
 * and at most once per eighth of the segment's size in inserts, so an insert at the bound costs
 * O(1) amortised. Between scans such a record can outlast a live one that is evicted (and counted).
 *
 * <p>Thread-safe: every operation on a key is atomic. Records are spread over independently locked
 * segments by their key, so callers on different keys rarely wait for each other. Least recently
 * used is exact in a store bounded to fewer than 2,048 records (one segment) and per segment above
 * that: the record evicted is the least recently used of its segment, a random sixty-fourth or more
 * of the store.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

  /** The default bound on stored records. */
  public static final int DEFAULT_MAXIMUM_SIZE = 100_000;

  /** The bound divided by this, rounded down to a power of two, is the number of segments. */
  static final int RECORDS_PER_SEGMENT = 1024;

  private static final System.Logger LOG =
      System.getLogger(InMemoryIdempotencyStore.class.getName());
  // Many segments: two callers on one segment is rare contention, but whoever loses parks, and a
  // park and wake-up cost more than a hundred lock holds. 16 segments parked 12,000 times a second
  // on two threads at the bound; 64 (and the spin below) cut that twentyfold.
  private static final int MAX_SEGMENTS = 64;
  // A lock is held for well under a microsecond: spinning this many pauses rides out a holder on
  // another core; a holder that was descheduled is still waited for by parking.
  private static final int SPINS_BEFORE_PARKING = 100;
  // A segment is swept at the bound at most once per (its size / this) inserts.
  private static final int SWEEP_SPACING = 8;

  private final Clock clock;
  private final int maximumSize;
  private final Segment[] segments;
  // Adders, not atomics: at the bound every new key adds one record and evicts another, and callers
  // on different segments would otherwise contend for these counters on every call.
  private final LongAdder size = new LongAdder();
  private final LongAdder forcedEvictions = new LongAdder();
  private final LongAdder expiredRemovals = new LongAdder();
  private final @Nullable ScheduledExecutorService sweeper;

  private InMemoryIdempotencyStore(Builder builder) {
    this.clock = builder.clock;
    this.maximumSize = builder.maximumSize;
    int count =
        Math.min(
            MAX_SEGMENTS, Integer.highestOneBit(Math.max(1, maximumSize / RECORDS_PER_SEGMENT)));
    this.segments = new Segment[count];
    for (int i = 0; i < count; i++) {
      segments[i] = new Segment();
    }
    Duration interval = builder.sweepInterval;
    if (interval == null) {
      this.sweeper = null;
    } else {
      this.sweeper =
          Executors.newSingleThreadScheduledExecutor(
              task -> {
                Thread thread = new Thread(task, "idem-memory-sweeper");
                thread.setDaemon(true);
                return thread;
              });
      long millis = Math.max(1, interval.toMillis());
      sweeper.scheduleWithFixedDelay(this::scheduledSweep, millis, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** One independently locked share of the records, in least-recently-used order. */
  private static final class Segment {
    final ReentrantLock lock = new ReentrantLock();
    final LinkedHashMap<Bits256, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
    // No record here expires before this (a lower bound: removals and renewals only raise the
    // true minimum), so a sweep before it would find nothing.
    long earliestExpiry = Long.MAX_VALUE;
    // Inserts at the bound since the last sweep: sweeps, O(n), are spaced so that each insert pays
    // for at most SWEEP_SPACING of the records they visit.
    long insertsSinceSweep;

    void put(Bits256 id, Entry entry) {
      entries.put(id, entry);
      earliestExpiry = Math.min(earliestExpiry, entry.expiresAtMillis());
    }

    /** Takes the lock, spinning briefly before parking. */
    void lock() {
      if (lock.tryLock()) {
        return;
      }
      for (int spin = 0; spin < SPINS_BEFORE_PARKING; spin++) {
        Thread.onSpinWait();
        if (lock.tryLock()) {
          return;
        }
      }
      lock.lock();
    }
  }

  private Segment segmentFor(Bits256 id) {
    int hash = id.hashCode();
    // The high bits: HashMap indexes each segment's table with the low ones.
    return segments[(hash ^ (hash >>> 16)) >>> 16 & (segments.length - 1)];
  }

  /** A store with the system UTC clock and {@value #DEFAULT_MAXIMUM_SIZE} records at most. */
  public static InMemoryIdempotencyStore ofDefaults() {
    return builder().build();
  }

  /** A builder for a store; use it once. */
  public static Builder builder() {
    return new Builder();
  }

  /** Counters about the store's contents; a snapshot. */
  public record Stats(int size, int maximumSize, long forcedEvictions, long expiredRemovals) {}

  /**
   * 256 bits of a digest, held as four longs. Store keys and fingerprints arrive as 64-character
   * hex strings, three objects each; records stay on the heap for their whole retention and the
   * garbage collector copies them while they are young, so a record is kept in as few and as small
   * objects as it can be.
   */
  private record Bits256(long a, long b, long c, long d) {
    private static final VarHandle BIG_ENDIAN_LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    static Bits256 ofHex(String hex) {
      byte[] ascii = hex.getBytes(StandardCharsets.ISO_8859_1);
      return new Bits256(
          parseHex16(ascii, 0),
          parseHex16(ascii, 16),
          parseHex16(ascii, 32),
          parseHex16(ascii, 48));
    }

    private static long parseHex16(byte[] ascii, int at) {
      return (parseHex8(ascii, at) << 32) | parseHex8(ascii, at + 8);
    }

    /**
     * Eight lowercase hex digits (already validated by StoreKey or Fingerprint), all at once: a
     * digit at a time is a dependent chain that showed at 15% of a new key in a profile.
     */
    private static long parseHex8(byte[] ascii, int at) {
      long chars = (long) BIG_ENDIAN_LONGS.get(ascii, at);
      // '0'-'9' are 0x30-0x39 and 'a'-'f' 0x61-0x66: the low nibble, plus 9 for a letter.
      long nibbles = (chars & 0x0F0F0F0F0F0F0F0FL) + 9 * ((chars >>> 6) & 0x0101010101010101L);
      long bytes = ((nibbles >>> 4) | nibbles) & 0x00FF00FF00FF00FFL;
      long shorts = ((bytes >>> 8) | bytes) & 0x0000FFFF0000FFFFL;
      return ((shorts >>> 16) | shorts) & 0xFFFFFFFFL;
    }

    String toHex() {
      return String.format("%016x%016x%016x%016x", a, b, c, d);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Bits256 other
          && a == other.a
          && b == other.b
          && c == other.c
          && d == other.d;
    }

    /** The last 32 bits, as {@link StoreKey#hashCode()}: a digest is uniformly distributed. */
    @Override
    public int hashCode() {
      return (int) d;
    }
  }

  /** One stored record; replaced wholesale on every transition. */
  private record Entry(
      RecordState state,
      Bits256 fingerprint,
      @Nullable LeaseToken token,
      long createdAtMillis,
      long expiresAtMillis,
      long completedAtMillis,
      byte @Nullable [] result) {

    boolean expiredAt(long nowMillis) {
      return nowMillis >= expiresAtMillis;
    }

    boolean heldBy(LeaseToken candidate, long nowMillis) {
      return state == RecordState.IN_PROGRESS && !expiredAt(nowMillis) && candidate.equals(token);
    }

    /** The record; {@code knownFingerprint} is this entry's fingerprint when the caller has it. */
    IdempotencyRecord toRecord(StoreKey key, @Nullable Fingerprint knownFingerprint) {
      boolean completed = state == RecordState.COMPLETED;
      return new IdempotencyRecord(
          key,
          state,
          knownFingerprint != null ? knownFingerprint : Fingerprint.ofHex(fingerprint.toHex()),
          token,
          Instant.ofEpochMilli(createdAtMillis),
          Instant.ofEpochMilli(expiresAtMillis),
          completed ? Instant.ofEpochMilli(completedAtMillis) : null,
          result);
    }
  }

  @Override
  public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    long leaseMillis = positiveMillis(lease, "lease");
    Bits256 id = Bits256.ofHex(key.hex());
    Bits256 requestFingerprint = Bits256.ofHex(fingerprint.hex());
    Segment segment = segmentFor(id);
    segment.lock();
    try {
      long now = clock.millis();
      Entry entry = liveEntry(segment, id, now);
      if (entry == null) {
        makeRoom(segment, now);
        LeaseToken token = LeaseToken.random();
        long expiresAt = expiry(now, leaseMillis);
        segment.put(
            id,
            new Entry(RecordState.IN_PROGRESS, requestFingerprint, token, now, expiresAt, 0, null));
        size.increment();
        return new AcquireResult.Acquired(token, Instant.ofEpochMilli(expiresAt));
      }
      if (!entry.fingerprint().equals(requestFingerprint)) {
        return new AcquireResult.Mismatch(entry.state());
      }
      if (entry.state() == RecordState.COMPLETED) {
        return new AcquireResult.Completed(entry.toRecord(key, fingerprint));
      }
      return new AcquireResult.InProgress(Duration.ofMillis(entry.expiresAtMillis() - now));
    } finally {
      segment.lock.unlock();
    }
  }

  @Override
  public WriteResult complete(StoreKey key, LeaseToken token, byte[] result, Duration retention) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(result, "result");
    long retentionMillis = positiveMillis(retention, "retention");
    byte[] copy = result.clone();
    Bits256 id = Bits256.ofHex(key.hex());
    Segment segment = segmentFor(id);
    segment.lock();
    try {
      long now = clock.millis();
      Entry entry = segment.entries.get(id);
      if (entry == null || !entry.heldBy(token, now)) {
        return WriteResult.LEASE_LOST;
      }
      segment.put(
          id,
          new Entry(
              RecordState.COMPLETED,
              entry.fingerprint(),
              null,
              entry.createdAtMillis(),
              expiry(now, retentionMillis),
              now,
              copy));
      return WriteResult.APPLIED;
    } finally {
      segment.lock.unlock();
    }
  }

  @Override
  public WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    long leaseMillis = positiveMillis(lease, "lease");
    Bits256 id = Bits256.ofHex(key.hex());
    Segment segment = segmentFor(id);
    segment.lock();
    try {
      long now = clock.millis();
      Entry entry = segment.entries.get(id);
      if (entry == null || !entry.heldBy(token, now)) {
        return WriteResult.LEASE_LOST;
      }
      segment.put(
          id,
          new Entry(
              RecordState.IN_PROGRESS,
              entry.fingerprint(),
              token,
              entry.createdAtMillis(),
              expiry(now, leaseMillis),
              0,
              null));
      return WriteResult.APPLIED;
    } finally {
      segment.lock.unlock();
    }
  }

  @Override
  public WriteResult release(StoreKey key, LeaseToken token) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(token, "token");
    Bits256 id = Bits256.ofHex(key.hex());
    Segment segment = segmentFor(id);
    segment.lock();
    try {
      Entry entry = segment.entries.get(id);
      if (entry == null || !entry.heldBy(token, clock.millis())) {
        return WriteResult.LEASE_LOST;
      }
      remove(segment, id);
      return WriteResult.APPLIED;
    } finally {
      segment.lock.unlock();
    }
  }

  @Override
  public boolean purge(StoreKey key) {
    Objects.requireNonNull(key, "key");
    Bits256 id = Bits256.ofHex(key.hex());
    Segment segment = segmentFor(id);
    segment.lock();
    try {
      if (liveEntry(segment, id, clock.millis()) == null) {
        return false;
      }
      remove(segment, id);
      return true;
    } finally {
      segment.lock.unlock();
    }
  }

  @Override
  public Optional<IdempotencyRecord> find(StoreKey key) {
    Objects.requireNonNull(key, "key");
    Bits256 id = Bits256.ofHex(key.hex());
    Segment segment = segmentFor(id);
    segment.lock();
    try {
      Entry entry = liveEntry(segment, id, clock.millis());
      return entry == null ? Optional.empty() : Optional.of(entry.toRecord(key, null));
    } finally {
      segment.lock.unlock();
    }
  }

  /**
   * Removes every record whose lease or retention has ended. Safe to call from a scheduler.
   *
   * @return how many records were removed
   */
  public int sweep() {
    int removed = 0;
    for (Segment segment : segments) {
      segment.lock();
      try {
        removed += sweepExpired(segment, clock.millis());
      } finally {
        segment.lock.unlock();
      }
    }
    return removed;
  }

  private void scheduledSweep() {
    try {
      sweep();
    } catch (RuntimeException e) {
      // A task that throws is never run again by its executor: log it and keep the schedule.
      LOG.log(System.Logger.Level.WARNING, "idem in-memory store: sweep failed", e);
    }
  }

  /** Stops the scheduled sweep, if any; the records stay usable. */
  @Override
  public void close() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
  }

  /** A snapshot of the store's counters. */
  public Stats stats() {
    return new Stats((int) size.sum(), maximumSize, forcedEvictions.sum(), expiredRemovals.sum());
  }

  private @Nullable Entry liveEntry(Segment segment, Bits256 id, long now) {
    Entry entry = segment.entries.get(id);
    if (entry != null && entry.expiredAt(now)) {
      remove(segment, id);
      expiredRemovals.increment();
      return null;
    }
    return entry;
  }

  private void remove(Segment segment, Bits256 id) {
    segment.entries.remove(id);
    size.decrement();
  }

  /**
   * Makes room for one record in {@code segment} when the store is at its bound: expired records
   * first, then this segment's least recently used. A segment that has nothing left to evict lets
   * the store exceed its bound by that one record rather than reach into another segment under this
   * one's lock.
   */
  private void makeRoom(Segment segment, long now) {
    // The size is read once: each read sums counters other cores write, a cache miss apiece.
    long excess = size.sum() - maximumSize + 1;
    if (excess <= 0) {
      return;
    }
    // With one retention for all keys the eldest records are also the first to expire: taking
    // every expired one off that end costs one check each, where a sweep per insert would scan
    // the whole segment whenever records expire one at a time.
    Iterator<Entry> eldestFirst = segment.entries.values().iterator();
    while (eldestFirst.hasNext() && eldestFirst.next().expiredAt(now)) {
      eldestFirst.remove();
      size.decrement();
      expiredRemovals.increment();
      excess--;
    }
    // Expired records elsewhere in the segment (other leases and retentions, replays that moved
    // records away from the eldest end): a full scan, spaced out, and only once one can exist.
    segment.insertsSinceSweep++;
    if (excess > 0
        && now >= segment.earliestExpiry
        && segment.insertsSinceSweep >= segment.entries.size() / SWEEP_SPACING) {
      excess -= sweepExpired(segment, now);
    }
    eldestFirst = segment.entries.values().iterator();
    for (; excess > 0 && eldestFirst.hasNext(); excess--) {
      Entry eldest = eldestFirst.next();
      eldestFirst.remove();
      size.decrement();
      if (eldest.expiredAt(now)) {
        expiredRemovals.increment();
      } else {
        forcedEvictions.increment();
      }
    }
  }

  private int sweepExpired(Segment segment, long now) {
    int removed = 0;
    long earliest = Long.MAX_VALUE;
    for (Iterator<Entry> it = segment.entries.values().iterator(); it.hasNext(); ) {
      Entry entry = it.next();
      if (entry.expiredAt(now)) {
        it.remove();
        removed++;
      } else {
        earliest = Math.min(earliest, entry.expiresAtMillis());
      }
    }
    segment.earliestExpiry = earliest;
    segment.insertsSinceSweep = 0;
    size.add(-removed);
    expiredRemovals.add(removed);
    return removed;
  }

  private static long positiveMillis(Duration duration, String name) {
    Objects.requireNonNull(duration, name);
    if (duration.isZero() || duration.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
    try {
      return Math.max(1, duration.toMillis());
    } catch (ArithmeticException beyondLongMillis) {
      return Long.MAX_VALUE;
    }
  }

  /** {@code now + millis}, saturating: a wrapped sum would make a record expire at once. */
  private static long expiry(long now, long millis) {
    return millis > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + millis;
  }

  @Override
  public String toString() {
    return "InMemoryIdempotencyStore[maximumSize="
        + maximumSize
        + ", segments="
        + segments.length
        + "]";
  }

  /**
   * Configures an {@link InMemoryIdempotencyStore}. Not thread-safe; each option may be set once.
   */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private int maximumSize = DEFAULT_MAXIMUM_SIZE;
    private @Nullable Duration sweepInterval;
    private boolean clockSet;
    private boolean maximumSizeSet;

    private Builder() {}

    /**
     * The clock that leases and retention are measured with. Default: system UTC.
     *
     * @throws NullPointerException if {@code clock} is null
     * @throws IllegalStateException if already set
     */
    public Builder clock(Clock clock) {
      if (clockSet) {
        throw new IllegalStateException("clock was already set");
      }
      this.clock = Objects.requireNonNull(clock, "clock");
      clockSet = true;
      return this;
    }

    /**
     * How many records the store holds at most. Default {@value #DEFAULT_MAXIMUM_SIZE}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder maximumSize(int maximumSize) {
      if (maximumSizeSet) {
        throw new IllegalStateException("maximumSize was already set");
      }
      this.maximumSize = maximumSize;
      maximumSizeSet = true;
      return this;
    }

    /**
     * Runs {@link InMemoryIdempotencyStore#sweep()} on a daemon thread with this delay between
     * runs, until {@link InMemoryIdempotencyStore#close()}, so expired records leave memory even
     * when nothing touches them. Default: no scheduled sweep (expired records go when read, and at
     * the bound).
     *
     * @throws NullPointerException if {@code sweepInterval} is null
     * @throws IllegalStateException if already set
     */
    public Builder sweepInterval(Duration sweepInterval) {
      Objects.requireNonNull(sweepInterval, "sweepInterval");
      if (this.sweepInterval != null) {
        throw new IllegalStateException("sweepInterval was already set");
      }
      this.sweepInterval = sweepInterval;
      return this;
    }

    /**
     * Builds the store.
     *
     * @throws IllegalArgumentException listing every invalid option
     */
    public InMemoryIdempotencyStore build() {
      List<String> problems = new ArrayList<>();
      if (maximumSize < 1) {
        problems.add("maximumSize must be at least 1, was " + maximumSize);
      }
      if (sweepInterval != null && (sweepInterval.isZero() || sweepInterval.isNegative())) {
        problems.add("sweepInterval must be positive, was " + sweepInterval);
      }
      ConfigProblems.throwIfAny("InMemoryIdempotencyStore", problems);
      return new InMemoryIdempotencyStore(this);
    }
  }
}
