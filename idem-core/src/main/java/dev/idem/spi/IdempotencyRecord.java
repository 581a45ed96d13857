package dev.idem.spi;

import dev.idem.Fingerprint;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A live record as a store returns it. Immutable: the result bytes are copied in and out.
 *
 * @param key the digest the record is stored under
 * @param state in progress or completed
 * @param fingerprint the request fingerprint the key was first used with
 * @param token the lease token of the current holder; null once completed
 * @param createdAt when the key was (last) claimed
 * @param expiresAt when the lease ends (in progress) or the retention ends (completed); after it
 *     the record is as good as absent
 * @param completedAt when the result was stored; null while in progress
 * @param result the stored result; null while in progress
 */
public record IdempotencyRecord(
    StoreKey key,
    RecordState state,
    Fingerprint fingerprint,
    @Nullable LeaseToken token,
    Instant createdAt,
    Instant expiresAt,
    @Nullable Instant completedAt,
    byte @Nullable [] result) {

  /**
   * @throws NullPointerException if a required component is null, or if a completed record has no
   *     result or an in-progress record no token
   */
  public IdempotencyRecord {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (state == RecordState.COMPLETED) {
      Objects.requireNonNull(completedAt, "completedAt of a completed record");
      Objects.requireNonNull(result, "result of a completed record");
      result = result.clone();
    } else {
      Objects.requireNonNull(token, "token of an in-progress record");
    }
  }

  /** The stored result (a copy), or null while in progress. */
  @Override
  public byte @Nullable [] result() {
    return result == null ? null : result.clone();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof IdempotencyRecord other
        && key.equals(other.key)
        && state == other.state
        && fingerprint.equals(other.fingerprint)
        && Objects.equals(token, other.token)
        && createdAt.equals(other.createdAt)
        && expiresAt.equals(other.expiresAt)
        && Objects.equals(completedAt, other.completedAt)
        && Arrays.equals(result, other.result);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, state, fingerprint, token, createdAt, expiresAt, completedAt)
        + 31 * Arrays.hashCode(result);
  }

  @Override
  public String toString() {
    return "IdempotencyRecord[key="
        + key
        + ", state="
        + state
        + ", fingerprint="
        + fingerprint
        + ", createdAt="
        + createdAt
        + ", expiresAt="
        + expiresAt
        + ", completedAt="
        + completedAt
        + ", resultBytes="
        + (result == null ? "none" : result.length)
        + "]";
  }
}
