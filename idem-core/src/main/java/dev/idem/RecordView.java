package dev.idem;

import dev.idem.spi.RecordState;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an operator may see of one record, from {@link IdempotencyAdmin#inspect}. It carries no
 * client key (the store never had it), no lease token and no result bytes: only their shape.
 *
 * @param storeKey the digest the record is stored under, to find it in the back end's own tools
 * @param state in progress or completed
 * @param fingerprintPrefix the first {@value #FINGERPRINT_PREFIX_LENGTH} hex characters of the
 *     request fingerprint, enough to tell two requests apart when comparing with a client's report
 * @param claim while in progress, an opaque id of the current claim (a digest of its lease token,
 *     never the token); pass it to {@link IdempotencyAdmin#forceRelease} so that only this claim is
 *     released. Null once completed.
 * @param createdAt when the key was (last) claimed
 * @param expiresAt when the lease ends (in progress) or the retention ends (completed)
 * @param completedAt when the result was stored; null while in progress
 * @param resultBytes the size of the stored result in bytes; null while in progress
 */
public record RecordView(
    String storeKey,
    RecordState state,
    String fingerprintPrefix,
    @Nullable String claim,
    Instant createdAt,
    Instant expiresAt,
    @Nullable Instant completedAt,
    @Nullable Integer resultBytes) {

  /** How many hex characters of the fingerprint a view shows. */
  public static final int FINGERPRINT_PREFIX_LENGTH = 12;

  /**
   * @throws NullPointerException if a required component is null, or if an in-progress view has no
   *     claim or a completed one no completion time or result size
   */
  public RecordView {
    Objects.requireNonNull(storeKey, "storeKey");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(fingerprintPrefix, "fingerprintPrefix");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (state == RecordState.IN_PROGRESS) {
      Objects.requireNonNull(claim, "claim of an in-progress record");
    } else {
      Objects.requireNonNull(completedAt, "completedAt of a completed record");
      Objects.requireNonNull(resultBytes, "resultBytes of a completed record");
    }
  }
}
