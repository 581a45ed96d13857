package dev.idem.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.idem.Fingerprint;
import dev.idem.ManualClock;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The contract is only worth something if it fails stores that break the state machine. Each defect
 * is one that real stores have shipped with (STYLE.md names Powertools' unfenced writes and
 * two-step expiry); the contract must catch every one, and so must the model properties.
 */
@DisplayName("The contract catches broken stores")
class BrokenStoresFailTheContractTest {

  /** A defect to splice into an otherwise correct store, and the tests that must catch it. */
  enum Defect {
    UNFENCED_WRITES(
        IgnoresTokens.class, UnfencedModel.class, "wrongTokenIsRefused", "staleWorkerIsFencedOut"),
    CHECK_THEN_ACT_ACQUIRE(RacyAcquire.class, null, "oneWinnerPerKey"),
    NO_EXPIRY(
        NeverExpires.class,
        NeverExpiresModel.class,
        "leaseEndAllowsTakeover",
        "retentionBoundsTheReplay"),
    OVERWRITABLE_COMPLETION(Overwrites.class, null, "completeIsOnce"),
    // An "admin delete" that only knows about finished records leaves a stuck claim stuck.
    PURGE_SKIPS_CLAIMS(PurgeSkipsClaims.class, null, "purgedClaimCanBeAcquiredAgain");

    final Class<?> contract;
    final Class<?> model;
    final List<String> mustFail;

    Defect(Class<?> contract, Class<?> model, String... mustFail) {
      this.contract = contract;
      this.model = model;
      this.mustFail = List.of(mustFail);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Defect.class)
  @DisplayName("the contract fails a store with the defect, in the groups that name it")
  void contractCatches(Defect defect) {
    List<String> failed =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(defect.contract))
            .execute()
            .testEvents()
            .failed()
            .stream()
            .map(e -> e.getTestDescriptor().getLegacyReportingName().replace("()", ""))
            .toList();

    assertThat(failed).containsAll(defect.mustFail);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(
      value = Defect.class,
      names = {"UNFENCED_WRITES", "NO_EXPIRY"})
  @DisplayName("the model properties fail a store with the defect")
  void modelCatches(Defect defect) {
    long failed =
        EngineTestKit.engine("jqwik")
            .selectors(selectClass(defect.model))
            .execute()
            .testEvents()
            .failed()
            .count();

    assertThat(failed).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "with every defect switched off, the same store passes: the failures are the defects'")
  void referenceStorePasses() {
    long failed =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(Correct.class))
            .execute()
            .testEvents()
            .failed()
            .count();

    assertThat(failed).isZero();
  }

  /**
   * A deliberately plain store: a map under one lock, with each guarantee switchable off. It is not
   * the in-memory store, so the contract is checked against a second implementation too.
   */
  static final class SwitchableStore implements IdempotencyStore {
    private record Entry(
        RecordState state,
        Fingerprint fingerprint,
        LeaseToken token,
        Instant createdAt,
        Instant expiresAt,
        Instant completedAt,
        byte[] result) {}

    private final Map<StoreKey, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Set<Defect> defects;

    SwitchableStore(Clock clock, Set<Defect> defects) {
      this.clock = clock;
      this.defects = defects;
    }

    private Entry live(StoreKey key) {
      Entry entry = entries.get(key);
      if (entry != null
          && !defects.contains(Defect.NO_EXPIRY)
          && !clock.instant().isBefore(entry.expiresAt())) {
        entries.remove(key);
        return null;
      }
      return entry;
    }

    private boolean holds(Entry entry, LeaseToken token) {
      if (entry == null) {
        return false;
      }
      if (defects.contains(Defect.OVERWRITABLE_COMPLETION)
          && entry.state() == RecordState.COMPLETED) {
        return true;
      }
      return entry.state() == RecordState.IN_PROGRESS
          && (defects.contains(Defect.UNFENCED_WRITES) || entry.token().equals(token));
    }

    @Override
    public AcquireResult acquire(StoreKey key, Fingerprint fingerprint, Duration lease) {
      if (lease.isZero() || lease.isNegative()) {
        throw new IllegalArgumentException("lease must be positive");
      }
      if (defects.contains(Defect.CHECK_THEN_ACT_ACQUIRE)) {
        Entry seen;
        synchronized (this) {
          seen = live(key);
        }
        if (seen == null) {
          pause();
          LeaseToken token = LeaseToken.random();
          Instant now = clock.instant();
          synchronized (this) {
            entries.put(
                key,
                new Entry(
                    RecordState.IN_PROGRESS, fingerprint, token, now, now.plus(lease), null, null));
          }
          return new AcquireResult.Acquired(token, now.plus(lease));
        }
      }
      synchronized (this) {
        Instant now = clock.instant();
        Entry entry = live(key);
        if (entry == null) {
          LeaseToken token = LeaseToken.random();
          entries.put(
              key,
              new Entry(
                  RecordState.IN_PROGRESS, fingerprint, token, now, now.plus(lease), null, null));
          return new AcquireResult.Acquired(token, now.plus(lease));
        }
        if (!entry.fingerprint().equals(fingerprint)) {
          return new AcquireResult.Mismatch(entry.state());
        }
        if (entry.state() == RecordState.COMPLETED) {
          return new AcquireResult.Completed(toRecord(key, entry));
        }
        Duration left = Duration.between(now, entry.expiresAt());
        return new AcquireResult.InProgress(
            left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left);
      }
    }

    @Override
    public synchronized WriteResult complete(
        StoreKey key, LeaseToken token, byte[] result, Duration retention) {
      Entry entry = live(key);
      if (!holds(entry, token)) {
        return WriteResult.LEASE_LOST;
      }
      Instant now = clock.instant();
      entries.put(
          key,
          new Entry(
              RecordState.COMPLETED,
              entry.fingerprint(),
              null,
              entry.createdAt(),
              now.plus(retention),
              now,
              result.clone()));
      return WriteResult.APPLIED;
    }

    @Override
    public synchronized WriteResult renew(StoreKey key, LeaseToken token, Duration lease) {
      Entry entry = live(key);
      if (!holds(entry, token) || entry.state() != RecordState.IN_PROGRESS) {
        return WriteResult.LEASE_LOST;
      }
      entries.put(
          key,
          new Entry(
              entry.state(),
              entry.fingerprint(),
              entry.token(),
              entry.createdAt(),
              clock.instant().plus(lease),
              null,
              null));
      return WriteResult.APPLIED;
    }

    @Override
    public synchronized WriteResult release(StoreKey key, LeaseToken token) {
      Entry entry = live(key);
      if (!holds(entry, token) || entry.state() != RecordState.IN_PROGRESS) {
        return WriteResult.LEASE_LOST;
      }
      entries.remove(key);
      return WriteResult.APPLIED;
    }

    @Override
    public synchronized boolean purge(StoreKey key) {
      Entry entry = live(key);
      if (entry == null
          || (defects.contains(Defect.PURGE_SKIPS_CLAIMS)
              && entry.state() == RecordState.IN_PROGRESS)) {
        return false;
      }
      entries.remove(key);
      return true;
    }

    @Override
    public synchronized Optional<IdempotencyRecord> find(StoreKey key) {
      Entry entry = live(key);
      return entry == null ? Optional.empty() : Optional.of(toRecord(key, entry));
    }

    private static IdempotencyRecord toRecord(StoreKey key, Entry e) {
      return new IdempotencyRecord(
          key,
          e.state(),
          e.fingerprint(),
          e.token(),
          e.createdAt(),
          e.expiresAt(),
          e.completedAt(),
          e.result());
    }

    private static void pause() {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- the contract and model run against each (nested classes: Surefire does not pick them up)

  static final class Correct extends IdempotencyStoreContract {
    @Override
    protected IdempotencyStore newStore(ManualClock clock) {
      return new SwitchableStore(clock, EnumSet.noneOf(Defect.class));
    }
  }

  static final class IgnoresTokens extends IdempotencyStoreContract {
    @Override
    protected IdempotencyStore newStore(ManualClock clock) {
      return new SwitchableStore(clock, EnumSet.of(Defect.UNFENCED_WRITES));
    }
  }

  static final class PurgeSkipsClaims extends IdempotencyStoreContract {
    @Override
    protected IdempotencyStore newStore(ManualClock clock) {
      return new SwitchableStore(clock, EnumSet.of(Defect.PURGE_SKIPS_CLAIMS));
    }
  }

  static final class RacyAcquire extends IdempotencyStoreContract {
    @Override
    protected IdempotencyStore newStore(ManualClock clock) {
      return new SwitchableStore(clock, EnumSet.of(Defect.CHECK_THEN_ACT_ACQUIRE));
    }
  }

  static final class NeverExpires extends IdempotencyStoreContract {
    @Override
    protected IdempotencyStore newStore(ManualClock clock) {
      return new SwitchableStore(clock, EnumSet.of(Defect.NO_EXPIRY));
    }
  }

  static final class Overwrites extends IdempotencyStoreContract {
    @Override
    protected IdempotencyStore newStore(ManualClock clock) {
      return new SwitchableStore(clock, EnumSet.of(Defect.OVERWRITABLE_COMPLETION));
    }
  }

  static final class UnfencedModel extends IdempotencyStoreModelProperties {
    @Override
    protected IdempotencyStore newStore(ManualClock clock) {
      return new SwitchableStore(clock, EnumSet.of(Defect.UNFENCED_WRITES));
    }
  }

  static final class NeverExpiresModel extends IdempotencyStoreModelProperties {
    @Override
    protected IdempotencyStore newStore(ManualClock clock) {
      return new SwitchableStore(clock, EnumSet.of(Defect.NO_EXPIRY));
    }
  }
}
