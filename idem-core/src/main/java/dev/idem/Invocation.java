package dev.idem;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One call to protect: who is asking, with which key, for which request, and any per-call overrides
 * of the engine's defaults. Immutable; build it with {@link #of} and the {@code with} methods.
 *
 * @param scope the tenant or principal the key belongs to; the stored identity is scope + key, so
 *     one tenant can never address another's record. Empty for single-tenant use.
 * @param key the client's idempotency key, checked against the engine's key policy
 * @param fingerprint the request the key is bound to
 * @param lease per-call lease, or null for the engine's default
 * @param retention per-call retention, or null for the engine's default
 * @param maxWait per-call bound on waiting for an in-flight duplicate, or null for the default
 */
public record Invocation(
    String scope,
    String key,
    Fingerprint fingerprint,
    @Nullable Duration lease,
    @Nullable Duration retention,
    @Nullable Duration maxWait) {

  /**
   * @throws NullPointerException if scope, key or fingerprint is null
   * @throws IllegalArgumentException if lease or retention is not positive, maxWait is negative, or
   *     any of them is longer than {@link Idempotency#MAX_DURATION}
   */
  public Invocation {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(fingerprint, "fingerprint");
    requirePositive(lease, "lease");
    requirePositive(retention, "retention");
    if (maxWait != null && maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
    }
    requireAtMostMax(maxWait, "maxWait");
  }

  /** An invocation in the empty scope with the engine's defaults. */
  public static Invocation of(String key, Fingerprint fingerprint) {
    return new Invocation("", key, fingerprint, null, null, null);
  }

  /** A copy in another scope. */
  public Invocation withScope(String scope) {
    return new Invocation(scope, key, fingerprint, lease, retention, maxWait);
  }

  /** A copy with its own lease. */
  public Invocation withLease(Duration lease) {
    return new Invocation(
        scope, key, fingerprint, Objects.requireNonNull(lease, "lease"), retention, maxWait);
  }

  /** A copy with its own retention. */
  public Invocation withRetention(Duration retention) {
    return new Invocation(
        scope, key, fingerprint, lease, Objects.requireNonNull(retention, "retention"), maxWait);
  }

  /** A copy with its own bound on waiting for an in-flight duplicate. */
  public Invocation withMaxWait(Duration maxWait) {
    return new Invocation(
        scope, key, fingerprint, lease, retention, Objects.requireNonNull(maxWait, "maxWait"));
  }

  /** Never prints the key: keys are credentials of a sort and end up in logs. */
  @Override
  public String toString() {
    return "Invocation[scope="
        + scope
        + ", keyLength="
        + key.length()
        + ", fingerprint="
        + fingerprint
        + ", lease="
        + lease
        + ", retention="
        + retention
        + ", maxWait="
        + maxWait
        + "]";
  }

  private static void requirePositive(@Nullable Duration duration, String name) {
    if (duration != null && (duration.isZero() || duration.isNegative())) {
      throw new IllegalArgumentException(name + " must be positive: " + duration);
    }
    requireAtMostMax(duration, name);
  }

  private static void requireAtMostMax(@Nullable Duration duration, String name) {
    if (duration != null && duration.compareTo(Idempotency.MAX_DURATION) > 0) {
      throw new IllegalArgumentException(
          name + " must be at most " + Idempotency.MAX_DURATION + ": " + duration);
    }
  }
}
