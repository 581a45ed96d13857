package dev.idem;

import dev.idem.internal.Engine;
import dev.idem.internal.EngineSettings;
import dev.idem.spi.ConfigProblems;
import dev.idem.spi.IdempotencyRecord;
import dev.idem.spi.IdempotencyStore;
import dev.idem.spi.StoreKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * The idempotency engine: runs an operation at most once per (scope, key) and replays its stored
 * result to every retry.
 *
 * <pre>{@code
 * Idempotency idempotency = Idempotency.builder()
 *     .store(InMemoryIdempotencyStore.ofDefaults())
 *     .keyPolicy(KeyPolicy.ietf())
 *     .retention(Duration.ofHours(24))
 *     .build();
 *
 * Outcome<String> outcome =
 *     idempotency.execute(key, fingerprint, ResultCodec.utf8(), ctx -> payments.charge(order));
 * }</pre>
 *
 * <p>For each call the engine checks the key against its {@link KeyPolicy}, digests scope + key
 * (the store never sees the key), and claims the record in one atomic step. The claimant runs the
 * operation while a heartbeat renews its lease, then stores the encoded result under its fencing
 * token. A duplicate gets the stored result ({@link Outcome.Replayed}), a duplicate of a running
 * call gets {@link Outcome.InProgress} (after an optional bounded wait), and the same key with a
 * different fingerprint gets {@link Outcome.Mismatch}.
 *
 * <p>Built engines are immutable and thread-safe. {@link #close()} stops the heartbeat thread the
 * engine owns; it does not close the store.
 */
public interface Idempotency extends AutoCloseable {

  /** Default retention of a completed record: 24 hours. */
  Duration DEFAULT_RETENTION = Duration.ofHours(24);

  /**
   * The longest lease, retention, wait or heartbeat interval an engine or an {@link Invocation}
   * accepts: 36,500 days (about a century). Longer ones would overflow the engine's nanosecond and
   * the stores' millisecond arithmetic, and a record kept longer is kept for good in all but name.
   */
  Duration MAX_DURATION = Duration.ofDays(36_500);

  /** Default lease of a claim: 60 seconds, renewed by the heartbeat while the operation runs. */
  Duration DEFAULT_LEASE = Duration.ofSeconds(60);

  /** Default bound on waiting for an in-flight duplicate: none, answer at once. */
  Duration DEFAULT_MAX_WAIT = Duration.ZERO;

  /** Shortest HMAC secret accepted for key digests: 32 bytes. */
  int MIN_SECRET_BYTES = 32;

  /** A builder for an engine; use it once. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Runs {@code operation} at most once for {@code key} in the empty scope, with the engine's
   * defaults.
   *
   * @throws KeyRejectedException if the key breaks the key policy; nothing is stored
   * @throws dev.idem.spi.StoreUnavailableException if the store cannot be reached and the engine
   *     fails closed
   * @throws NullPointerException if an argument is null
   * @throws RuntimeException whatever the operation threw (after the key was released)
   */
  default <T> Outcome<T> execute(
      String key, Fingerprint fingerprint, ResultCodec<T> codec, Operation<T> operation) {
    return execute(Invocation.of(key, fingerprint), codec, operation);
  }

  /**
   * Runs {@code operation} at most once for the invocation's scope and key.
   *
   * @throws KeyRejectedException if the key breaks the key policy; nothing is stored
   * @throws dev.idem.spi.StoreUnavailableException if the store cannot be reached and the engine
   *     fails closed
   * @throws NullPointerException if an argument is null
   * @throws RuntimeException whatever the operation threw (after the key was released); checked
   *     exceptions arrive wrapped in {@link IdempotencyException}
   * @throws IdempotencyException if the operation completed but the codec could not encode its
   *     result: nothing is stored and the key stays claimed until its lease ends, so that a retry
   *     does not run the operation again at once
   * @throws IllegalStateException after {@link #close()}
   */
  <T> Outcome<T> execute(Invocation invocation, ResultCodec<T> codec, Operation<T> operation);

  /** The policy client keys are checked against. */
  KeyPolicy keyPolicy();

  /**
   * The largest encoded result this engine's store keeps ({@link
   * dev.idem.spi.IdempotencyStore#maxResultBytes()}); {@link Long#MAX_VALUE} when it has no limit.
   * A larger result is not stored and the key is released ({@link
   * Outcome.Storage#RESULT_TOO_LARGE}).
   */
  long maxResultBytes();

  /**
   * The digest a (scope, key) pair is stored under, as the store sees it.
   *
   * @throws NullPointerException if an argument is null
   */
  StoreKey storeKey(String scope, String key);

  /**
   * The live record for a (scope, key) pair, for inspection tools. The scope is applied, so one
   * tenant's record cannot be read with another's scope.
   *
   * @throws dev.idem.spi.StoreUnavailableException if the store cannot be reached
   */
  Optional<IdempotencyRecord> find(String scope, String key);

  /**
   * Operator access to this engine's records: inspect, force-release a stuck claim, purge. It uses
   * this engine's store, key policy and key digest, so it addresses exactly the record {@link
   * #execute} would for the same (scope, key). Not used by {@code execute}; hand it only to code
   * behind authorisation.
   */
  IdempotencyAdmin admin();

  /**
   * Stops taking new calls ({@link #execute} then throws {@link IllegalStateException}). Calls
   * already running keep their leases renewed until they finish; then the heartbeat thread this
   * engine owns stops. Does not wait for them. Idempotent.
   */
  @Override
  void close();

  /**
   * Configures an {@link Idempotency} engine. Not thread-safe; each option may be set once. Invalid
   * options are reported together by {@link #build()}.
   */
  final class Builder {
    private @Nullable IdempotencyStore store;
    private KeyPolicy keyPolicy = KeyPolicy.ietf();
    private Duration retention = DEFAULT_RETENTION;
    private Duration lease = DEFAULT_LEASE;
    private @Nullable Duration heartbeatInterval;
    private Duration maxWait = DEFAULT_MAX_WAIT;
    private StoreFailurePolicy storeFailurePolicy = StoreFailurePolicy.FAIL_CLOSED;
    private byte @Nullable [] keyDigestSecret;
    private IdempotencyObserver observer = IdempotencyObserver.NONE;
    private Clock clock = Clock.systemUTC();
    private @Nullable ScheduledExecutorService heartbeatExecutor;
    private final List<String> alreadySet = new ArrayList<>();

    private Builder() {}

    /**
     * Where records live. Required.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder store(IdempotencyStore store) {
      once("store");
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * The policy client keys must satisfy. Default {@link KeyPolicy#ietf()}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder keyPolicy(KeyPolicy keyPolicy) {
      once("keyPolicy");
      this.keyPolicy = Objects.requireNonNull(keyPolicy, "keyPolicy");
      return this;
    }

    /**
     * How long a completed result is kept and replayed. Default 24 hours.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder retention(Duration retention) {
      once("retention");
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /**
     * How long a claim lasts without renewal; a crashed worker's key is taken over after it.
     * Default 60 seconds.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder lease(Duration lease) {
      once("lease");
      this.lease = Objects.requireNonNull(lease, "lease");
      return this;
    }

    /**
     * How often the heartbeat renews a running operation's lease. Default a third of the lease.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      once("heartbeatInterval");
      this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
      return this;
    }

    /**
     * How long a duplicate of a running call waits for it to finish (then replays) before it
     * answers {@link Outcome.InProgress}. Default zero: answer at once.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder maxWait(Duration maxWait) {
      once("maxWait");
      this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
      return this;
    }

    /**
     * What to do when the store is down before an operation runs. Default {@link
     * StoreFailurePolicy#FAIL_CLOSED}.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder storeFailurePolicy(StoreFailurePolicy storeFailurePolicy) {
      once("storeFailurePolicy");
      this.storeFailurePolicy = Objects.requireNonNull(storeFailurePolicy, "storeFailurePolicy");
      return this;
    }

    /**
     * Digest scope + key with HMAC-SHA-256 under this secret instead of plain SHA-256, so that
     * store contents cannot be matched against guessed keys. All instances sharing a store must use
     * the same secret. At least {@value Idempotency#MIN_SECRET_BYTES} bytes; copied.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder keyDigestSecret(byte[] secret) {
      once("keyDigestSecret");
      this.keyDigestSecret = Objects.requireNonNull(secret, "secret").clone();
      return this;
    }

    /**
     * Receives outcome and failure events for metrics. Default: none.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder observer(IdempotencyObserver observer) {
      once("observer");
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    /**
     * Has no effect, and will be removed. The engine measures waits, leases and heartbeats with
     * {@link System#nanoTime()}, which no wall-clock step can disturb; every time a record holds
     * comes from its store, so inject a clock there (e.g. {@code
     * InMemoryIdempotencyStore.builder().clock(clock)}).
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     * @deprecated the engine reads no wall clock; set the store's clock instead
     */
    @Deprecated(forRemoval = true)
    public Builder clock(Clock clock) {
      once("clock");
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Runs heartbeats on this executor instead of a daemon thread the engine starts (and stops at
     * {@link Idempotency#close()}). A supplied executor is never shut down by the engine.
     *
     * @throws NullPointerException if null
     * @throws IllegalStateException if already set
     */
    public Builder heartbeatExecutor(ScheduledExecutorService heartbeatExecutor) {
      once("heartbeatExecutor");
      this.heartbeatExecutor = Objects.requireNonNull(heartbeatExecutor, "heartbeatExecutor");
      return this;
    }

    /**
     * Builds the engine.
     *
     * @throws IllegalArgumentException listing every invalid option at once
     */
    public Idempotency build() {
      List<String> problems = new ArrayList<>();
      if (store == null) {
        problems.add("store is required: e.g. InMemoryIdempotencyStore.ofDefaults()");
      }
      requirePositive(retention, "retention", problems);
      requirePositive(lease, "lease", problems);
      Duration heartbeat = heartbeatInterval != null ? heartbeatInterval : lease.dividedBy(3);
      if (heartbeatInterval != null) {
        requirePositive(heartbeatInterval, "heartbeatInterval", problems);
        if (heartbeatInterval.compareTo(lease) >= 0) {
          problems.add(
              "heartbeatInterval ("
                  + heartbeatInterval
                  + ") must be shorter than the lease ("
                  + lease
                  + "), or leases lapse while operations run");
        }
      }
      if (maxWait.isNegative()) {
        problems.add("maxWait must not be negative, was " + maxWait);
      }
      requireAtMostMax(retention, "retention", problems);
      requireAtMostMax(lease, "lease", problems);
      requireAtMostMax(maxWait, "maxWait", problems);
      if (heartbeatInterval != null) {
        requireAtMostMax(heartbeatInterval, "heartbeatInterval", problems);
      }
      if (keyDigestSecret != null && keyDigestSecret.length < MIN_SECRET_BYTES) {
        problems.add(
            "keyDigestSecret must be at least "
                + MIN_SECRET_BYTES
                + " bytes, was "
                + keyDigestSecret.length);
      }
      ConfigProblems.throwIfAny("Idempotency", problems);
      return new Engine(
          new EngineSettings(
              Objects.requireNonNull(store),
              keyPolicy,
              retention,
              lease,
              heartbeat,
              maxWait,
              storeFailurePolicy,
              keyDigestSecret,
              observer,
              clock,
              heartbeatExecutor));
    }

    private void once(String option) {
      if (alreadySet.contains(option)) {
        throw new IllegalStateException(option + " was already set");
      }
      alreadySet.add(option);
    }

    private static void requireAtMostMax(Duration value, String name, List<String> problems) {
      if (value.compareTo(MAX_DURATION) > 0) {
        problems.add(name + " must be at most " + MAX_DURATION + ", was " + value);
      }
    }

    private static void requirePositive(Duration value, String name, List<String> problems) {
      if (value.isZero() || value.isNegative()) {
        problems.add(name + " must be positive, was " + value);
      }
    }
  }
}
