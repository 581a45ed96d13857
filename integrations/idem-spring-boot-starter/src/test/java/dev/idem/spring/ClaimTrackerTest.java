package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Fingerprint;
import dev.idem.InMemoryIdempotencyStore;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.StoreKey;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code stuck_pending_keys} counts claims held past their lease, and only those. */
class ClaimTrackerTest {
  private static final StoreKey KEY = new StoreKey("a".repeat(64));
  private static final Fingerprint FINGERPRINT = Fingerprint.ofHex("b".repeat(64));

  private final ClaimTracker tracker = new ClaimTracker();
  private final IdempotencyStore store = tracker.track(InMemoryIdempotencyStore.ofDefaults());

  @Test
  void aClaimWithinItsLeaseIsNotStuck() {
    store.acquire(KEY, FINGERPRINT, Duration.ofHours(1));

    assertThat(tracker.stuckClaims()).isZero();
  }

  @Test
  void aClaimPastItsLeaseIsStuckUntilItEnds() {
    // A lease already over when acquire returns: the claim is past it without any waiting.
    AcquireResult acquired = store.acquire(KEY, FINGERPRINT, Duration.ofNanos(1));
    assertThat(acquired).isInstanceOf(AcquireResult.Acquired.class);
    long spin = System.nanoTime();
    while (System.nanoTime() - spin < 2) {
      // nanoTime may not have advanced past the 1 ns deadline yet; this is not a timing assertion.
    }

    assertThat(tracker.stuckClaims()).isEqualTo(1);

    store.release(KEY, ((AcquireResult.Acquired) acquired).token());

    assertThat(tracker.stuckClaims()).isZero();
  }

  @Test
  void aCompletedClaimIsForgotten() {
    AcquireResult.Acquired acquired =
        (AcquireResult.Acquired) store.acquire(KEY, FINGERPRINT, Duration.ofHours(1));

    store.complete(KEY, acquired.token(), new byte[] {1}, Duration.ofHours(1));

    assertThat(tracker.stuckClaims()).isZero();
    assertThat(store.find(KEY)).isPresent();
  }
}
