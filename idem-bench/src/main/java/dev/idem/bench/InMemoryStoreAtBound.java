package dev.idem.bench;

import dev.idem.Fingerprint;
import dev.idem.InMemoryIdempotencyStore;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.StoreKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * What a claim + complete of a new key costs the in-memory store at its bound (100,000 records)
 * against the same work under it, in ns per key on one thread. The clock advances 1 ms per key, so
 * with a retention of 100 s one record expires for every key added ("expiring one at a time"), and
 * with 24 h none does and every key added evicts a live one ("nothing expires"). Medians over
 * rounds after one warm-up round; a simulated clock, so this measures the store's work, not time
 * passing.
 *
 * <p>Usage: {@code java -Xms2g -Xmx2g -cp benchmarks.jar dev.idem.bench.InMemoryStoreAtBound [keys
 * per round] [rounds]}
 */
public final class InMemoryStoreAtBound {
  private static final int BOUND = 100_000;
  private static final Fingerprint FINGERPRINT = Fingerprint.ofHex("ab".repeat(32));
  private static final Duration LEASE = Duration.ofSeconds(30);
  private static final String PAD = "0".repeat(48);

  private InMemoryStoreAtBound() {}

  public static void main(String[] args) {
    int keys = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    System.out.printf("%-40s %10s %16s %16s%n", "case", "ns/key", "forced evictions", "expired");
    run("under the bound (baseline)", Integer.MAX_VALUE, Duration.ofHours(24), keys, rounds);
    run("at the bound, expiring one at a time", BOUND, Duration.ofMillis(BOUND), keys, rounds);
    run("at the bound, nothing expires", BOUND, Duration.ofHours(24), keys, rounds);
  }

  private static void run(String name, int bound, Duration retention, int keys, int rounds) {
    long[] now = {0};
    Clock clock = new SteppedClock(now);
    InMemoryIdempotencyStore store =
        InMemoryIdempotencyStore.builder().clock(clock).maximumSize(bound).build();
    byte[] result = new byte[64];
    // Fill to the bound first (or as far for the baseline), so every measured key finds it full.
    long next = 0;
    for (; next < BOUND; next++, now[0]++) {
      claimAndComplete(store, next, result, retention);
    }
    double[] perKey = new double[rounds];
    for (int round = -1; round < rounds; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < keys; i++, next++, now[0]++) {
        claimAndComplete(store, next, result, retention);
      }
      if (round >= 0) {
        perKey[round] = (double) (System.nanoTime() - start) / keys;
      }
    }
    Arrays.sort(perKey);
    InMemoryIdempotencyStore.Stats stats = store.stats();
    System.out.printf(
        "%-40s %10.0f %16d %16d%n",
        name, perKey[rounds / 2], stats.forcedEvictions(), stats.expiredRemovals());
  }

  private static void claimAndComplete(
      InMemoryIdempotencyStore store, long n, byte[] result, Duration retention) {
    // Spread over the segments as digests are: a multiplicative hash of the sequence number.
    StoreKey key = new StoreKey(PAD + Long.toHexString((n * 0x9E3779B97F4A7C15L) | Long.MIN_VALUE));
    LeaseToken token = ((AcquireResult.Acquired) store.acquire(key, FINGERPRINT, LEASE)).token();
    store.complete(key, token, result, retention);
  }

  /** A clock the loop moves: 1 ms per key. */
  private static final class SteppedClock extends Clock {
    private final long[] millis;

    SteppedClock(long[] millis) {
      this.millis = millis;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public long millis() {
      return millis[0];
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis[0]);
    }
  }
}
