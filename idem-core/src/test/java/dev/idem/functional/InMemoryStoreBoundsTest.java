package dev.idem.functional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.Fingerprint;
import dev.idem.InMemoryIdempotencyStore;
import dev.idem.ManualClock;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.StoreKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The in-memory store's bound")
class InMemoryStoreBoundsTest {
  private static final Fingerprint FP = IdempotencyEngineTest.fingerprint("fp");
  private static final Duration LEASE = Duration.ofSeconds(60);
  private static final Duration RETENTION = Duration.ofHours(24);

  private final ManualClock clock = ManualClock.ofDefaults();

  private static StoreKey key(int i) {
    return new StoreKey(String.format("%064x", i));
  }

  private static void complete(InMemoryIdempotencyStore store, int i) {
    LeaseToken token = ((AcquireResult.Acquired) store.acquire(key(i), FP, LEASE)).token();
    store.complete(key(i), token, new byte[] {(byte) i}, RETENTION);
  }

  @Test
  @DisplayName("under its bound it keeps every completed record until retention ends")
  void keepsEverythingUnderTheBound() {
    InMemoryIdempotencyStore store =
        InMemoryIdempotencyStore.builder().clock(clock).maximumSize(100).build();
    for (int i = 0; i < 100; i++) {
      complete(store, i);
    }

    for (int i = 0; i < 100; i++) {
      assertThat(store.acquire(key(i), FP, LEASE)).isInstanceOf(AcquireResult.Completed.class);
    }
    assertThat(store.stats().forcedEvictions()).isZero();
  }

  @Test
  @DisplayName("at its bound it drops expired records first, without counting a forced eviction")
  void dropsExpiredFirst() {
    InMemoryIdempotencyStore store =
        InMemoryIdempotencyStore.builder().clock(clock).maximumSize(10).build();
    for (int i = 0; i < 10; i++) {
      complete(store, i);
    }
    clock.advance(RETENTION.plusSeconds(1));

    complete(store, 10);

    assertThat(store.stats().forcedEvictions()).isZero();
    assertThat(store.stats().size()).isEqualTo(1);
  }

  @Test
  @DisplayName("at its bound it finds an expired record behind live ones before evicting any")
  void findsExpiredBehindLiveOnes() {
    InMemoryIdempotencyStore store =
        InMemoryIdempotencyStore.builder().clock(clock).maximumSize(3).build();
    store.acquire(key(1), FP, LEASE); // abandoned: its lease ends long before the others' retention
    complete(store, 0);
    complete(store, 2);
    store.find(key(1)); // the abandoned claim is now the most recently used; 0 is the eldest
    clock.advance(LEASE.plusSeconds(1));

    complete(store, 3);

    assertThat(store.stats().forcedEvictions()).isZero();
    assertThat(store.stats().expiredRemovals()).isEqualTo(1);
    assertThat(store.find(key(0))).isPresent();
    assertThat(store.find(key(2))).isPresent();
    assertThat(store.find(key(3))).isPresent();
  }

  @Test
  @DisplayName("at its bound it keeps finding expired records as they expire one at a time")
  void expiredOneAtATime() {
    InMemoryIdempotencyStore store =
        InMemoryIdempotencyStore.builder().clock(clock).maximumSize(50).build();
    Duration retention = Duration.ofSeconds(50);
    for (int i = 0; i < 500; i++) {
      // A record a second, each kept 50 s: from the 51st on, every insert finds the store full
      // and exactly one record (completed 50 s earlier) just expired.
      LeaseToken token = ((AcquireResult.Acquired) store.acquire(key(i), FP, LEASE)).token();
      store.complete(key(i), token, new byte[] {1}, retention);
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(store.stats().forcedEvictions()).isZero();
    assertThat(store.stats().expiredRemovals()).isEqualTo(450);
    for (int i = 451; i < 500; i++) { // 450 expired as the clock reached 500 s
      assertThat(store.find(key(i))).as("record %d", i).isPresent();
    }
  }

  @Test
  @DisplayName("when it must evict a live record it evicts the least recently used and counts it")
  void evictsLeastRecentlyUsedAndCounts() {
    InMemoryIdempotencyStore store =
        InMemoryIdempotencyStore.builder().clock(clock).maximumSize(3).build();
    complete(store, 0);
    complete(store, 1);
    complete(store, 2);
    store.find(key(0)); // 0 is now more recently used than 1

    complete(store, 3);

    assertThat(store.stats().forcedEvictions()).isEqualTo(1);
    assertThat(store.find(key(1))).isEmpty();
    assertThat(store.find(key(0))).isPresent();
    assertThat(store.stats().size()).isEqualTo(3);
  }

  @Test
  @DisplayName("a store large enough for several segments keeps the same bound, exactly")
  void segmentedStoreKeepsTheBound() {
    int bound = 16 * 1024; // sixteen segments
    InMemoryIdempotencyStore store =
        InMemoryIdempotencyStore.builder().clock(clock).maximumSize(bound).build();
    for (int i = 0; i < bound; i++) {
      complete(store, i);
    }
    assertThat(store.stats().forcedEvictions()).isZero();
    assertThat(store.stats().size()).isEqualTo(bound);

    for (int i = bound; i < bound + 100; i++) {
      complete(store, i);
    }

    assertThat(store.stats().forcedEvictions()).isEqualTo(100);
    assertThat(store.stats().size()).isEqualTo(bound);
    int present = 0;
    for (int i = 0; i < bound + 100; i++) {
      present += store.find(key(i)).isPresent() ? 1 : 0;
    }
    assertThat(present).isEqualTo(bound);
    for (int i = bound; i < bound + 100; i++) {
      assertThat(store.find(key(i))).as("the newest records stay").isPresent();
    }
  }

  @Test
  @DisplayName("sweep removes expired records and reports how many")
  void sweepRemovesExpired() {
    InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().clock(clock).build();
    complete(store, 1);
    store.acquire(key(2), FP, LEASE);
    clock.advance(LEASE.plusSeconds(1));

    assertThat(store.sweep()).isEqualTo(1);
    assertThat(store.stats().size()).isEqualTo(1);
  }

  @Test
  @DisplayName("an invalid bound or sweep interval fails at build(), listing both")
  void invalidBound() {
    assertThatThrownBy(
            () ->
                InMemoryIdempotencyStore.builder()
                    .maximumSize(0)
                    .sweepInterval(Duration.ZERO)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maximumSize must be at least 1")
        .hasMessageContaining("sweepInterval must be positive");
  }

  @Test
  @DisplayName("a scheduled sweep drops expired records nobody reads, until close()")
  void scheduledSweep() throws InterruptedException {
    // The system clock: the sweep runs on a real schedule.
    InMemoryIdempotencyStore store =
        InMemoryIdempotencyStore.builder().sweepInterval(Duration.ofMillis(20)).build();
    try {
      store.acquire(key(1), FP, Duration.ofMillis(50));
      awaitSize(store, 0);
      assertThat(store.stats().expiredRemovals()).isEqualTo(1);
    } finally {
      store.close();
    }

    store.acquire(key(2), FP, Duration.ofMillis(20));
    Thread.sleep(400);
    assertThat(store.stats().size()).as("no sweep after close()").isEqualTo(1);
  }

  @Test
  @DisplayName("a scheduled sweep that fails does not stop the next ones")
  void failedSweepKeepsTheSchedule() throws InterruptedException {
    FailingClock failingClock = new FailingClock(clock);
    InMemoryIdempotencyStore store =
        InMemoryIdempotencyStore.builder()
            .clock(failingClock)
            .sweepInterval(Duration.ofMillis(20))
            .build();
    try {
      store.acquire(key(1), FP, Duration.ofSeconds(1));
      clock.advance(Duration.ofSeconds(2));
      // Several in a row: an executor drops a periodic task for good at its first exception.
      failingClock.failuresLeft.set(3);
      awaitSize(store, 0);
      assertThat(failingClock.failuresLeft).hasValue(0);
    } finally {
      store.close();
    }
  }

  /** A manual clock whose next reads fail. */
  private static final class FailingClock extends Clock {
    final AtomicInteger failuresLeft = new AtomicInteger();
    private final ManualClock time;

    FailingClock(ManualClock time) {
      this.time = time;
    }

    @Override
    public long millis() {
      if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw new IllegalStateException("clock unavailable");
      }
      return time.millis();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return time.getZone();
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  @DisplayName("without a sweep interval expired records stay until read or the bound")
  void noScheduledSweepByDefault() throws InterruptedException {
    InMemoryIdempotencyStore store = InMemoryIdempotencyStore.builder().build();
    store.acquire(key(1), FP, Duration.ofMillis(20));
    Thread.sleep(200);
    assertThat(store.stats().size()).isEqualTo(1);
    assertThat(store.find(key(1))).isEmpty();
    assertThat(store.stats().size()).isZero();
  }

  private static void awaitSize(InMemoryIdempotencyStore store, int size)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (store.stats().size() != size && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(store.stats().size()).isEqualTo(size);
  }
}
