package dev.idem.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Fingerprint;
import dev.idem.ManualClock;
import dev.idem.spi.AcquireResult;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.LeaseToken;
import dev.idem.spi.RecordState;
import dev.idem.spi.StoreKey;
import dev.idem.spi.WriteResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Drives random sequences of acquire / complete / renew / release / find / time passing against a
 * store and against a reference model of the state machine in DESIGN.md, and requires the two to
 * agree on every step. jqwik shrinks a failing sequence to a minimal one.
 *
 * <p>Subclass it next to the store's {@link IdempotencyStoreContract} subclass. Stores that expire
 * by their server's clock override {@link #usesServerTime()}: their sequences leave out the passing
 * of time (sleeping through thousands of sequences would be too slow), and the contract's Expiry
 * group covers it instead.
 */
public abstract class IdempotencyStoreModelProperties {

  private static final long LEASE_MILLIS = 1_000;
  private static final long RETENTION_MILLIS = 3_000;
  private static final Duration LEASE = Duration.ofMillis(LEASE_MILLIS);
  private static final Duration RETENTION = Duration.ofMillis(RETENTION_MILLIS);
  private static final int KEYS = 3;
  private static final int FINGERPRINTS = 2;

  /** A new, empty, isolated store that measures time with {@code clock}. */
  protected abstract IdempotencyStore newStore(ManualClock clock);

  /** Whether the store expires records by its back end's clock. */
  protected boolean usesServerTime() {
    return false;
  }

  /** One step of a generated sequence. */
  sealed interface Step {}

  record Acquire(int key, int fingerprint) implements Step {}

  record Complete(int key, int token, int payload) implements Step {}

  record Renew(int key, int token) implements Step {}

  record Release(int key, int token) implements Step {}

  record Find(int key) implements Step {}

  record Purge(int key) implements Step {}

  record Elapse(long millis) implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Integer> key = Arbitraries.integers().between(0, KEYS - 1);
    Arbitrary<Integer> fingerprint = Arbitraries.integers().between(0, FINGERPRINTS - 1);
    // -1 (and indexes past what was issued) stand for a token the store never issued.
    Arbitrary<Integer> token = Arbitraries.integers().between(-1, 3);
    Arbitrary<Integer> payload = Arbitraries.integers().between(0, 3);
    List<Arbitrary<? extends Step>> choices = new ArrayList<>();
    choices.add(net.jqwik.api.Combinators.combine(key, fingerprint).as(Acquire::new));
    choices.add(net.jqwik.api.Combinators.combine(key, token, payload).as(Complete::new));
    choices.add(net.jqwik.api.Combinators.combine(key, token).as(Renew::new));
    choices.add(net.jqwik.api.Combinators.combine(key, token).as(Release::new));
    choices.add(key.map(Find::new));
    choices.add(key.map(Purge::new));
    if (!usesServerTime()) {
      choices.add(Arbitraries.longs().between(1, 1_600).map(Elapse::new));
    }
    @SuppressWarnings("unchecked")
    Arbitrary<Step>[] array = choices.toArray(new Arbitrary[0]);
    return Arbitraries.oneOf(List.of(array)).list().ofMinSize(1).ofMaxSize(60);
  }

  @Property(tries = 300)
  void storeAgreesWithTheModel(@ForAll("steps") List<Step> steps) {
    ManualClock clock = ManualClock.ofDefaults();
    IdempotencyStore store = newStore(clock);
    try {
      new Run(store, clock, usesServerTime()).play(steps);
    } finally {
      store.close();
    }
  }

  /** The reference model of one key. */
  private record ModelRecord(
      RecordState state, int fingerprint, int token, long expiresAt, int payload) {}

  /** One sequence played against the store and the model side by side. */
  private static final class Run {
    private final IdempotencyStore store;
    private final ManualClock clock;
    private final List<StoreKey> keys = new ArrayList<>();
    private final Map<Integer, List<LeaseToken>> issued = new HashMap<>();
    private final Map<Integer, ModelRecord> model = new HashMap<>();
    private final Fingerprint[] fingerprints = new Fingerprint[FINGERPRINTS];
    private final boolean serverTime;
    private long now;

    Run(IdempotencyStore store, ManualClock clock, boolean serverTime) {
      this.store = store;
      this.clock = clock;
      this.serverTime = serverTime;
      for (int i = 0; i < KEYS; i++) {
        keys.add(new StoreKey(IdempotencyStoreContract.sha256Hex(UUID.randomUUID().toString())));
        issued.put(i, new ArrayList<>());
      }
      for (int i = 0; i < FINGERPRINTS; i++) {
        fingerprints[i] =
            Fingerprint.ofHex(IdempotencyStoreContract.sha256Hex("model-fingerprint-" + i));
      }
    }

    void play(List<Step> steps) {
      for (Step step : steps) {
        if (step instanceof Acquire s) {
          acquire(s);
        } else if (step instanceof Complete s) {
          boolean expected = holds(s.key(), s.token());
          WriteResult actual =
              store.complete(
                  keys.get(s.key()), token(s.key(), s.token()), payload(s.payload()), RETENTION);
          assertThat(actual)
              .as("%s", step)
              .isEqualTo(expected ? WriteResult.APPLIED : WriteResult.LEASE_LOST);
          if (expected) {
            ModelRecord held = model.get(s.key());
            model.put(
                s.key(),
                new ModelRecord(
                    RecordState.COMPLETED,
                    held.fingerprint(),
                    -1,
                    now + RETENTION_MILLIS,
                    s.payload()));
          }
        } else if (step instanceof Renew s) {
          boolean expected = holds(s.key(), s.token());
          WriteResult actual = store.renew(keys.get(s.key()), token(s.key(), s.token()), LEASE);
          assertThat(actual)
              .as("%s", step)
              .isEqualTo(expected ? WriteResult.APPLIED : WriteResult.LEASE_LOST);
          if (expected) {
            ModelRecord held = model.get(s.key());
            model.put(
                s.key(),
                new ModelRecord(
                    RecordState.IN_PROGRESS,
                    held.fingerprint(),
                    held.token(),
                    now + LEASE_MILLIS,
                    -1));
          }
        } else if (step instanceof Release s) {
          boolean expected = holds(s.key(), s.token());
          WriteResult actual = store.release(keys.get(s.key()), token(s.key(), s.token()));
          assertThat(actual)
              .as("%s", step)
              .isEqualTo(expected ? WriteResult.APPLIED : WriteResult.LEASE_LOST);
          if (expected) {
            model.remove(s.key());
          }
        } else if (step instanceof Find s) {
          find(s);
        } else if (step instanceof Purge s) {
          // Unfenced: whatever holds the key, a live record goes and an absent one is reported.
          boolean expected = live(s.key()) != null;
          assertThat(store.purge(keys.get(s.key()))).as("%s", step).isEqualTo(expected);
          model.remove(s.key());
        } else if (step instanceof Elapse s) {
          now += s.millis();
          clock.advance(Duration.ofMillis(s.millis()));
        }
      }
    }

    private void acquire(Acquire step) {
      ModelRecord record = live(step.key());
      AcquireResult actual =
          store.acquire(keys.get(step.key()), fingerprints[step.fingerprint()], LEASE);
      if (record == null) {
        assertThat(actual)
            .as("%s on an absent key", step)
            .isInstanceOf(AcquireResult.Acquired.class);
        List<LeaseToken> tokens = issued.get(step.key());
        tokens.add(((AcquireResult.Acquired) actual).token());
        model.put(
            step.key(),
            new ModelRecord(
                RecordState.IN_PROGRESS,
                step.fingerprint(),
                tokens.size() - 1,
                now + LEASE_MILLIS,
                -1));
      } else if (record.fingerprint() != step.fingerprint()) {
        assertThat(actual).as("%s", step).isEqualTo(new AcquireResult.Mismatch(record.state()));
      } else if (record.state() == RecordState.COMPLETED) {
        assertThat(actual).as("%s", step).isInstanceOf(AcquireResult.Completed.class);
        assertThat(((AcquireResult.Completed) actual).record().result())
            .isEqualTo(payload(record.payload()));
      } else {
        assertThat(actual).as("%s", step).isInstanceOf(AcquireResult.InProgress.class);
        Duration retryAfter = ((AcquireResult.InProgress) actual).retryAfter();
        if (serverTime) {
          // The server's clock kept running while the sequence played; the model's did not.
          assertThat(retryAfter).isPositive().isLessThanOrEqualTo(LEASE);
        } else {
          assertThat(retryAfter).isEqualTo(Duration.ofMillis(record.expiresAt() - now));
        }
      }
    }

    private void find(Find step) {
      ModelRecord record = live(step.key());
      Optional<IdempotencyRecord> actual = store.find(keys.get(step.key()));
      if (record == null) {
        assertThat(actual).as("%s", step).isEmpty();
        return;
      }
      assertThat(actual).as("%s", step).isPresent();
      IdempotencyRecord found = actual.get();
      assertThat(found.state()).isEqualTo(record.state());
      assertThat(found.fingerprint()).isEqualTo(fingerprints[record.fingerprint()]);
      if (serverTime) {
        // Server time is not the injected clock: check the record's own arithmetic instead.
        if (record.state() == RecordState.COMPLETED) {
          assertThat(Duration.between(found.completedAt(), found.expiresAt())).isEqualTo(RETENTION);
        } else {
          assertThat(found.expiresAt()).isAfter(found.createdAt());
        }
      } else {
        assertThat(found.expiresAt().toEpochMilli() - clock.instant().toEpochMilli())
            .isEqualTo(record.expiresAt() - now);
      }
      if (record.state() == RecordState.COMPLETED) {
        assertThat(found.result()).isEqualTo(payload(record.payload()));
      } else {
        assertThat(found.token()).isEqualTo(issued.get(step.key()).get(record.token()));
      }
    }

    private ModelRecord live(int key) {
      ModelRecord record = model.get(key);
      if (record != null && now >= record.expiresAt()) {
        model.remove(key);
        return null;
      }
      return record;
    }

    private boolean holds(int key, int tokenIndex) {
      ModelRecord record = live(key);
      return record != null
          && record.state() == RecordState.IN_PROGRESS
          && tokenIndex >= 0
          && record.token() == tokenIndex;
    }

    private LeaseToken token(int key, int tokenIndex) {
      List<LeaseToken> tokens = issued.get(key);
      if (tokenIndex < 0 || tokenIndex >= tokens.size()) {
        return new LeaseToken("never-issued-" + key + "-" + tokenIndex);
      }
      return tokens.get(tokenIndex);
    }

    private static byte[] payload(int payload) {
      return ("payload-" + payload).getBytes(StandardCharsets.UTF_8);
    }
  }
}
