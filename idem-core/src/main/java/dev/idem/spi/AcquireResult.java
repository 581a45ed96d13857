package dev.idem.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What one atomic {@link IdempotencyStore#acquire acquire} found and did. Match it with {@code
 * instanceof} patterns (or a {@code switch} on Java 21+).
 */
public sealed interface AcquireResult {

  /**
   * The key was absent (never used, released, or its lease or retention ended) and is now claimed
   * under a fresh token.
   *
   * @param token the fencing token every later write must carry
   * @param leaseExpiresAt when the claim lapses unless renewed
   */
  record Acquired(LeaseToken token, Instant leaseExpiresAt) implements AcquireResult {
    /**
     * @throws NullPointerException if a component is null
     */
    public Acquired {
      Objects.requireNonNull(token, "token");
      Objects.requireNonNull(leaseExpiresAt, "leaseExpiresAt");
    }
  }

  /**
   * Another worker holds the key with the same fingerprint and its lease has not ended.
   *
   * @param retryAfter how long until the lease ends at the latest; positive
   */
  record InProgress(Duration retryAfter) implements AcquireResult {
    /**
     * @throws NullPointerException if {@code retryAfter} is null
     * @throws IllegalArgumentException if {@code retryAfter} is not positive
     */
    public InProgress {
      Objects.requireNonNull(retryAfter, "retryAfter");
      if (retryAfter.isZero() || retryAfter.isNegative()) {
        throw new IllegalArgumentException("retryAfter must be positive: " + retryAfter);
      }
    }
  }

  /**
   * The key was completed with the same fingerprint; replay its result.
   *
   * @param record the completed record
   */
  record Completed(IdempotencyRecord record) implements AcquireResult {
    /**
     * @throws NullPointerException if {@code record} is null
     * @throws IllegalArgumentException if the record is not completed
     */
    public Completed {
      Objects.requireNonNull(record, "record");
      if (record.state() != RecordState.COMPLETED) {
        throw new IllegalArgumentException("record is " + record.state());
      }
    }
  }

  /**
   * The key is held (in progress or completed) for a request with a different fingerprint. Nothing
   * was changed.
   *
   * @param state the state of the record the key is bound to
   */
  record Mismatch(RecordState state) implements AcquireResult {
    /**
     * @throws NullPointerException if {@code state} is null
     */
    public Mismatch {
      Objects.requireNonNull(state, "state");
    }
  }
}
