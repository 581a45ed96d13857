package dev.idem.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.Fingerprint;
import dev.idem.ManualClock;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.ResultTooLargeException;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link IdempotencyStore} must pass. A store's test is a small subclass that
 * supplies {@link #newStore}; it runs against the real back end, never a stand-in.
 *
 * <pre>{@code
 * class RedisStoreContractIT extends IdempotencyStoreContract {
 *   @Override
 *   protected IdempotencyStore newStore(ManualClock clock) {
 *     return RedisIdempotencyStore.builder().client(client).keyPrefix(uniquePrefix()).build();
 *   }
 *
 *   @Override
 *   protected boolean usesServerTime() {
 *     return true; // Redis expires by its own clock: elapse() sleeps
 *   }
 * }
 * }</pre>
 *
 * <p>Time: stores that take their time from the injected clock are driven with {@link
 * ManualClock#advance}; stores that expire by the server's clock (Redis {@code PEXPIRE}) override
 * {@link #usesServerTime()} and the contract sleeps instead, with leases short enough to keep the
 * suite fast.
 */
public abstract class IdempotencyStoreContract {

  /** The clock given to the store under test. */
  protected ManualClock clock;

  /** The store under test, fresh for every test. */
  protected IdempotencyStore store;

  private final List<IdempotencyStore> opened = new ArrayList<>();

  /**
   * A new, empty store under test that measures time with {@code clock} (unless it uses server
   * time). Each call must return a store isolated from every other test's records, e.g. by a key
   * prefix or a table of its own.
   */
  protected abstract IdempotencyStore newStore(ManualClock clock);

  /** Whether the store expires records by its back end's clock rather than the injected one. */
  protected boolean usesServerTime() {
    return false;
  }

  /** The lease used by the contract; short enough for server-time stores to sleep through. */
  protected Duration lease() {
    return Duration.ofMillis(600);
  }

  /** The retention used by the contract. */
  protected Duration retention() {
    return Duration.ofMillis(1_200);
  }

  /** Lets {@code amount} of time pass for the store under test. */
  protected void elapse(Duration amount) {
    clock.advance(amount);
    if (usesServerTime()) {
      try {
        Thread.sleep(amount.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while letting time pass", e);
      }
    }
  }

  @BeforeEach
  void openStore() {
    clock = ManualClock.ofDefaults();
    store = newStore(clock);
    opened.add(store);
  }

  @AfterEach
  void closeStores() {
    for (IdempotencyStore s : opened) {
      s.close();
    }
    opened.clear();
  }

  // ---- helpers available to subclasses ------------------------------------------------------

  /** A store key no other test uses. */
  protected static StoreKey freshKey() {
    return new StoreKey(sha256Hex(UUID.randomUUID().toString()));
  }

  /** A fingerprint derived from {@code seed}. */
  protected static Fingerprint fingerprint(String seed) {
    return Fingerprint.ofHex(sha256Hex("fingerprint:" + seed));
  }

  /** UTF-8 bytes of {@code text}. */
  protected static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Acquires {@code key} and fails the test unless the store granted it. */
  protected LeaseToken acquireOrFail(StoreKey key, Fingerprint fingerprint) {
    AcquireResult result = store.acquire(key, fingerprint, lease());
    assertThat(result).as("acquire of an absent key").isInstanceOf(AcquireResult.Acquired.class);
    return ((AcquireResult.Acquired) result).token();
  }

  static String sha256Hex(String text) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder(64);
      for (byte b : digest) {
        hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
      }
      return hex.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  // ---- the contract ----------------------------------------------------------------------------

  @Nested
  @DisplayName("Acquire")
  class Acquire {
    @Test
    @DisplayName("an absent key is claimed with a token and a lease ending one lease from now")
    void absentKeyIsAcquired() {
      AcquireResult result = store.acquire(freshKey(), fingerprint("a"), lease());

      assertThat(result).isInstanceOf(AcquireResult.Acquired.class);
      AcquireResult.Acquired acquired = (AcquireResult.Acquired) result;
      assertThat(acquired.token().value()).isNotBlank();
      if (!usesServerTime()) {
        assertThat(acquired.leaseExpiresAt()).isEqualTo(clock.instant().plus(lease()));
      }
    }

    @Test
    @DisplayName("a second acquire while the first runs answers in progress with a retry-after")
    void secondAcquireIsInProgress() {
      StoreKey key = freshKey();
      acquireOrFail(key, fingerprint("a"));

      AcquireResult second = store.acquire(key, fingerprint("a"), lease());

      assertThat(second).isInstanceOf(AcquireResult.InProgress.class);
      Duration retryAfter = ((AcquireResult.InProgress) second).retryAfter();
      assertThat(retryAfter).isPositive().isLessThanOrEqualTo(lease());
    }

    @Test
    @DisplayName("after completion an acquire returns the stored result")
    void acquireAfterCompletionReplays() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      assertThat(store.complete(key, token, bytes("receipt-1"), retention()))
          .isEqualTo(WriteResult.APPLIED);

      AcquireResult again = store.acquire(key, fingerprint("a"), lease());

      assertThat(again).isInstanceOf(AcquireResult.Completed.class);
      IdempotencyRecord record = ((AcquireResult.Completed) again).record();
      assertThat(record.result()).isEqualTo(bytes("receipt-1"));
      assertThat(record.state()).isEqualTo(RecordState.COMPLETED);
      assertThat(record.fingerprint()).isEqualTo(fingerprint("a"));
      assertThat(record.completedAt()).isNotNull();
    }

    @Test
    @DisplayName("tokens differ between claims of different keys")
    void tokensAreUnique() {
      Set<String> tokens = new HashSet<>();
      for (int i = 0; i < 50; i++) {
        tokens.add(acquireOrFail(freshKey(), fingerprint("a")).value());
      }
      assertThat(tokens).hasSize(50);
    }

    @Test
    @DisplayName("find shows an in-progress record, then the completed one")
    void findFollowsTheStateMachine() {
      StoreKey key = freshKey();
      assertThat(store.find(key)).isEmpty();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));

      IdempotencyRecord running = store.find(key).orElseThrow();
      assertThat(running.state()).isEqualTo(RecordState.IN_PROGRESS);
      assertThat(running.token()).isEqualTo(token);
      assertThat(running.fingerprint()).isEqualTo(fingerprint("a"));
      assertThat(running.result()).isNull();

      store.complete(key, token, bytes("done"), retention());
      IdempotencyRecord done = store.find(key).orElseThrow();
      assertThat(done.state()).isEqualTo(RecordState.COMPLETED);
      assertThat(done.result()).isEqualTo(bytes("done"));
      assertThat(done.key()).isEqualTo(key);
    }

    @Test
    @DisplayName("results of any size the store accepts come back byte for byte")
    void binaryResultsRoundTrip() {
      byte[] payload = new byte[64 * 1024];
      for (int i = 0; i < payload.length; i++) {
        payload[i] = (byte) (i * 31 + 7);
      }
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      store.complete(key, token, payload, retention());

      AcquireResult again = store.acquire(key, fingerprint("a"), lease());
      assertThat(((AcquireResult.Completed) again).record().result()).isEqualTo(payload);
    }

    @Test
    @DisplayName("non-positive leases are refused")
    void nonPositiveLeaseIsRefused() {
      assertThatThrownBy(() -> store.acquire(freshKey(), fingerprint("a"), Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  @DisplayName("Mismatch")
  class Mismatch {
    @Test
    @DisplayName("a different fingerprint while in progress is a mismatch and changes nothing")
    void mismatchWhileInProgress() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));

      AcquireResult other = store.acquire(key, fingerprint("b"), lease());

      assertThat(other).isEqualTo(new AcquireResult.Mismatch(RecordState.IN_PROGRESS));
      assertThat(store.find(key).orElseThrow().token()).isEqualTo(token);
      assertThat(store.complete(key, token, bytes("r"), retention()))
          .isEqualTo(WriteResult.APPLIED);
    }

    @Test
    @DisplayName("a different fingerprint after completion is a mismatch, not a replay")
    void mismatchAfterCompletion() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      store.complete(key, token, bytes("r"), retention());

      assertThat(store.acquire(key, fingerprint("b"), lease()))
          .isEqualTo(new AcquireResult.Mismatch(RecordState.COMPLETED));
      assertThat(store.acquire(key, fingerprint("a"), lease()))
          .isInstanceOf(AcquireResult.Completed.class);
    }
  }

  @Nested
  @DisplayName("Fencing")
  class Fencing {
    @Test
    @DisplayName("complete, renew and release with a wrong token are refused")
    void wrongTokenIsRefused() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      LeaseToken forged = LeaseToken.random();

      assertThat(store.complete(key, forged, bytes("x"), retention()))
          .isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.renew(key, forged, lease())).isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.release(key, forged)).isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.find(key).orElseThrow().token()).isEqualTo(token);
    }

    @Test
    @DisplayName("a worker whose lease ran out cannot write over the worker that took over")
    void staleWorkerIsFencedOut() {
      StoreKey key = freshKey();
      LeaseToken stale = acquireOrFail(key, fingerprint("a"));
      elapse(lease().plusMillis(50));
      LeaseToken current = acquireOrFail(key, fingerprint("a"));
      assertThat(current).isNotEqualTo(stale);

      assertThat(store.complete(key, stale, bytes("stale"), retention()))
          .isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.renew(key, stale, lease())).isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.release(key, stale)).isEqualTo(WriteResult.LEASE_LOST);

      assertThat(store.complete(key, current, bytes("current"), retention()))
          .isEqualTo(WriteResult.APPLIED);
      AcquireResult replay = store.acquire(key, fingerprint("a"), lease());
      assertThat(((AcquireResult.Completed) replay).record().result()).isEqualTo(bytes("current"));
    }

    @Test
    @DisplayName("writes on a key that was never acquired are refused and create nothing")
    void writesOnAbsentKeyAreRefused() {
      StoreKey key = freshKey();
      LeaseToken token = LeaseToken.random();

      assertThat(store.complete(key, token, bytes("x"), retention()))
          .isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.renew(key, token, lease())).isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.release(key, token)).isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.find(key)).isEmpty();
    }

    @Test
    @DisplayName("a lease that ended is lost even when nobody took the key over")
    void expiredLeaseCannotComplete() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      elapse(lease().plusMillis(50));

      assertThat(store.complete(key, token, bytes("late"), retention()))
          .isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.find(key)).isEmpty();
    }
  }

  @Nested
  @DisplayName("Renew and release")
  class RenewAndRelease {
    @Test
    @DisplayName("renewing keeps the claim past its original lease")
    void renewExtendsTheLease() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      elapse(lease().dividedBy(2));
      assertThat(store.renew(key, token, lease())).isEqualTo(WriteResult.APPLIED);
      elapse(lease().dividedBy(2).plusMillis(100));

      assertThat(store.acquire(key, fingerprint("a"), lease()))
          .isInstanceOf(AcquireResult.InProgress.class);
      assertThat(store.complete(key, token, bytes("r"), retention()))
          .isEqualTo(WriteResult.APPLIED);
    }

    @Test
    @DisplayName("release makes the key claimable again, under a new token")
    void releaseMakesTheKeyClaimable() {
      StoreKey key = freshKey();
      LeaseToken first = acquireOrFail(key, fingerprint("a"));

      assertThat(store.release(key, first)).isEqualTo(WriteResult.APPLIED);
      assertThat(store.find(key)).isEmpty();
      LeaseToken second = acquireOrFail(key, fingerprint("a"));
      assertThat(second).isNotEqualTo(first);
      assertThat(store.complete(key, first, bytes("old"), retention()))
          .isEqualTo(WriteResult.LEASE_LOST);
    }

    @Test
    @DisplayName("after release the key may be used with another fingerprint")
    void releaseUnbindsTheFingerprint() {
      StoreKey key = freshKey();
      store.release(key, acquireOrFail(key, fingerprint("a")));

      assertThat(store.acquire(key, fingerprint("b"), lease()))
          .isInstanceOf(AcquireResult.Acquired.class);
    }

    @Test
    @DisplayName("a completed record can be neither renewed nor released")
    void completedRecordIgnoresRenewAndRelease() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      store.complete(key, token, bytes("r"), retention());

      assertThat(store.renew(key, token, lease())).isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.release(key, token)).isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.COMPLETED);
    }
  }

  @Nested
  @DisplayName("Purge")
  class Purge {
    @Test
    @DisplayName("purge deletes a completed record before its retention ends")
    void purgeDeletesACompletedRecord() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      store.complete(key, token, bytes("r"), retention());

      assertThat(store.purge(key)).isTrue();
      assertThat(store.find(key)).isEmpty();
      assertThat(store.acquire(key, fingerprint("b"), lease()))
          .as("a purged key is unbound from its fingerprint and claimable at once")
          .isInstanceOf(AcquireResult.Acquired.class);
    }

    @Test
    @DisplayName(
        "purge deletes an in-progress claim: a new acquire succeeds, the old holder is out")
    void purgedClaimCanBeAcquiredAgain() {
      StoreKey key = freshKey();
      LeaseToken stuck = acquireOrFail(key, fingerprint("a"));

      assertThat(store.purge(key)).isTrue();
      assertThat(store.find(key)).isEmpty();
      LeaseToken next = acquireOrFail(key, fingerprint("a"));
      assertThat(next).isNotEqualTo(stuck);
      assertThat(store.complete(key, stuck, bytes("late"), retention()))
          .as("the purged holder's late complete")
          .isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.complete(key, next, bytes("r"), retention())).isEqualTo(WriteResult.APPLIED);
    }

    @Test
    @DisplayName("purge of a key that was never used answers false and creates nothing")
    void purgeOfAbsentKeyIsFalse() {
      StoreKey key = freshKey();

      assertThat(store.purge(key)).isFalse();
      assertThat(store.find(key)).isEmpty();
    }

    @Test
    @DisplayName("purge of a record whose retention ended answers false: it was already absent")
    void purgeOfExpiredRecordIsFalse() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      store.complete(key, token, bytes("r"), retention());
      elapse(retention().plusMillis(100));

      assertThat(store.purge(key)).isFalse();
      assertThat(store.acquire(key, fingerprint("b"), lease()))
          .isInstanceOf(AcquireResult.Acquired.class);
    }

    @Test
    @DisplayName("purge touches only its own key")
    void purgeIsPerKey() {
      StoreKey purged = freshKey();
      StoreKey kept = freshKey();
      store.complete(purged, acquireOrFail(purged, fingerprint("a")), bytes("1"), retention());
      store.complete(kept, acquireOrFail(kept, fingerprint("a")), bytes("2"), retention());

      assertThat(store.purge(purged)).isTrue();
      assertThat(store.purge(purged)).as("a second purge").isFalse();
      assertThat(store.find(kept).orElseThrow().result()).isEqualTo(bytes("2"));
    }
  }

  @Nested
  @DisplayName("Expiry")
  class Expiry {
    @Test
    @DisplayName("a crashed claim is taken over after its lease, with a new token")
    void leaseEndAllowsTakeover() {
      StoreKey key = freshKey();
      LeaseToken crashed = acquireOrFail(key, fingerprint("a"));
      elapse(lease().minusMillis(200));
      assertThat(store.acquire(key, fingerprint("a"), lease()))
          .isInstanceOf(AcquireResult.InProgress.class);
      elapse(Duration.ofMillis(300));

      AcquireResult takeover = store.acquire(key, fingerprint("a"), lease());
      assertThat(takeover).isInstanceOf(AcquireResult.Acquired.class);
      assertThat(((AcquireResult.Acquired) takeover).token()).isNotEqualTo(crashed);
    }

    @Test
    @DisplayName("a lapsed claim no longer binds the key to its fingerprint")
    void lapsedClaimIsAbsent() {
      StoreKey key = freshKey();
      acquireOrFail(key, fingerprint("a"));
      elapse(lease().plusMillis(50));

      assertThat(store.find(key)).isEmpty();
      assertThat(store.acquire(key, fingerprint("b"), lease()))
          .isInstanceOf(AcquireResult.Acquired.class);
    }

    @Test
    @DisplayName("a completed record is replayed until its retention ends, then is gone")
    void retentionBoundsTheReplay() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      store.complete(key, token, bytes("r"), retention());
      elapse(retention().minusMillis(300));
      assertThat(store.acquire(key, fingerprint("a"), lease()))
          .isInstanceOf(AcquireResult.Completed.class);
      elapse(Duration.ofMillis(400));

      assertThat(store.find(key)).isEmpty();
      assertThat(store.acquire(key, fingerprint("b"), lease()))
          .isInstanceOf(AcquireResult.Acquired.class);
    }

    @Test
    @DisplayName("retention counts from completion, not from the claim")
    void retentionStartsAtCompletion() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      elapse(lease().minusMillis(100));
      store.complete(key, token, bytes("r"), retention());
      elapse(retention().minusMillis(200));

      assertThat(store.acquire(key, fingerprint("a"), lease()))
          .isInstanceOf(AcquireResult.Completed.class);
    }
  }

  @Nested
  @DisplayName("Result limit")
  class ResultLimit {
    @Test
    @DisplayName("keeps a result of its reported limit and refuses one byte more, writing nothing")
    void reportedLimitIsTheRealOne() {
      long limit = store.maxResultBytes();
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      if (limit == Long.MAX_VALUE) {
        // No limit reported: a result larger than any store's default must be kept.
        byte[] large = new byte[4 << 20];
        assertThat(store.complete(key, token, large, retention())).isEqualTo(WriteResult.APPLIED);
        assertThat(store.find(key).orElseThrow().result()).hasSize(large.length);
        return;
      }
      assertThat(limit).as("a reported limit a test can exercise").isBetween(1L, 64L << 20);
      assertThatThrownBy(() -> store.complete(key, token, new byte[(int) limit + 1], retention()))
          .isInstanceOf(ResultTooLargeException.class);
      assertThat(store.find(key).orElseThrow().state())
          .as("refused: still in progress under the same lease")
          .isEqualTo(RecordState.IN_PROGRESS);
      assertThat(store.complete(key, token, new byte[(int) limit], retention()))
          .isEqualTo(WriteResult.APPLIED);
    }
  }

  @Nested
  @DisplayName("Immutability")
  class Immutability {
    @Test
    @DisplayName("a completed record cannot be completed again, even with its own token")
    void completeIsOnce() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      assertThat(store.complete(key, token, bytes("first"), retention()))
          .isEqualTo(WriteResult.APPLIED);

      assertThat(store.complete(key, token, bytes("second"), retention()))
          .isEqualTo(WriteResult.LEASE_LOST);
      assertThat(store.find(key).orElseThrow().result()).isEqualTo(bytes("first"));
    }

    @Test
    @DisplayName("replays and mismatches leave the completed record untouched")
    void readsDoNotModify() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      store.complete(key, token, bytes("r"), retention());
      IdempotencyRecord before = store.find(key).orElseThrow();

      store.acquire(key, fingerprint("a"), lease());
      store.acquire(key, fingerprint("b"), lease());

      assertThat(store.find(key).orElseThrow()).isEqualTo(before);
    }

    @Test
    @DisplayName("changing the array passed to complete does not change the stored result")
    void storedBytesAreCopied() {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));
      byte[] result = bytes("original");
      store.complete(key, token, result, retention());
      result[0] = 'X';

      assertThat(store.find(key).orElseThrow().result()).isEqualTo(bytes("original"));
    }
  }

  @Nested
  @DisplayName("Concurrency")
  class Concurrency {
    private static final int THREADS = 32;

    @Test
    @DisplayName("32 threads racing on one key: exactly one claims it")
    void oneWinnerPerKey() throws Exception {
      StoreKey key = freshKey();
      List<AcquireResult> results =
          race(THREADS, i -> store.acquire(key, fingerprint("a"), lease()));

      long acquired = results.stream().filter(r -> r instanceof AcquireResult.Acquired).count();
      assertThat(acquired).isEqualTo(1);
      assertThat(results)
          .filteredOn(r -> !(r instanceof AcquireResult.Acquired))
          .allMatch(r -> r instanceof AcquireResult.InProgress);
    }

    @Test
    @DisplayName("32 threads racing over 200 keys: every key is claimed exactly once")
    void oneWinnerPerKeyAcrossManyKeys() throws Exception {
      List<StoreKey> keys = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        keys.add(freshKey());
      }
      Map<StoreKey, AtomicInteger> wins = new ConcurrentHashMap<>();
      race(
          THREADS,
          thread -> {
            List<StoreKey> order = new ArrayList<>(keys);
            Collections.shuffle(order, new java.util.Random(thread));
            for (StoreKey key : order) {
              if (store.acquire(key, fingerprint("a"), lease())
                  instanceof AcquireResult.Acquired acquired) {
                wins.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                assertThat(store.complete(key, acquired.token(), bytes("r"), retention()))
                    .isEqualTo(WriteResult.APPLIED);
              }
            }
            return null;
          });

      assertThat(wins).hasSize(keys.size());
      assertThat(wins.values()).allMatch(count -> count.get() == 1);
    }

    @Test
    @DisplayName("racing completes with one token: exactly one is applied")
    void oneCompletionWins() throws Exception {
      StoreKey key = freshKey();
      LeaseToken token = acquireOrFail(key, fingerprint("a"));

      List<WriteResult> results =
          race(THREADS, i -> store.complete(key, token, bytes("r" + i), retention()));

      assertThat(results).filteredOn(r -> r instanceof WriteResult.Applied).hasSize(1);
      assertThat(store.find(key).orElseThrow().state()).isEqualTo(RecordState.COMPLETED);
    }

    @Test
    @DisplayName("a late complete racing a takeover: never both applied")
    void lateCompleteVersusTakeover() throws Exception {
      for (int round = 0; round < 5; round++) {
        StoreKey key = freshKey();
        LeaseToken stale = acquireOrFail(key, fingerprint("a"));
        elapse(lease().plusMillis(20));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
          Future<WriteResult> late =
              pool.submit(
                  () -> {
                    start.await();
                    return store.complete(key, stale, bytes("stale"), retention());
                  });
          Future<AcquireResult> takeover =
              pool.submit(
                  () -> {
                    start.await();
                    return store.acquire(key, fingerprint("a"), lease());
                  });
          start.countDown();
          assertThat(late.get(10, TimeUnit.SECONDS)).isEqualTo(WriteResult.LEASE_LOST);
          assertThat(takeover.get(10, TimeUnit.SECONDS)).isInstanceOf(AcquireResult.Acquired.class);
        } finally {
          pool.shutdownNow();
        }
      }
    }

    private <R> List<R> race(int threads, ThrowingFunction<R> task) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch ready = new CountDownLatch(threads);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<R>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
          int index = i;
          futures.add(
              pool.submit(
                  () -> {
                    ready.countDown();
                    start.await();
                    return task.apply(index);
                  }));
        }
        assertThat(ready.await(30, TimeUnit.SECONDS)).as("threads ready").isTrue();
        start.countDown();
        List<R> results = new ArrayList<>();
        for (Future<R> future : futures) {
          results.add(future.get(60, TimeUnit.SECONDS));
        }
        return results;
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** A task run by one racing thread. */
  @FunctionalInterface
  protected interface ThrowingFunction<R> {
    /** Runs the task for thread {@code index}. */
    R apply(int index) throws Exception;
  }
}
