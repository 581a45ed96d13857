package dev.idem.spi;

import dev.idem.IdempotencyException;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The store could not be reached or did not answer in time, so nothing is known about the record. A
 * store throws this instead of guessing: a wrong answer would run an operation twice. The engine
 * turns it into its failure policy (fail closed by default, which an HTTP layer answers with 503
 * and {@code Retry-After}).
 *
 * <p>Immutable and thread-safe.
 */
public final class StoreUnavailableException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  /** The {@code Retry-After} used when a store does not suggest one. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);

  private final Duration retryAfter;

  /**
   * @param message what failed, naming the store and the operation
   * @param retryAfter how long a client should wait before retrying; positive
   * @param cause the client library's exception; may be null
   * @throws NullPointerException if {@code message} or {@code retryAfter} is null
   * @throws IllegalArgumentException if {@code retryAfter} is zero or negative
   */
  public StoreUnavailableException(String message, Duration retryAfter, @Nullable Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isZero() || retryAfter.isNegative()) {
      throw new IllegalArgumentException("retryAfter must be positive: " + retryAfter);
    }
    this.retryAfter = retryAfter;
  }

  /**
   * @param message what failed, naming the store and the operation
   * @param cause the client library's exception; may be null
   */
  public StoreUnavailableException(String message, @Nullable Throwable cause) {
    this(message, DEFAULT_RETRY_AFTER, cause);
  }

  /** How long a client should wait before retrying; never null, always positive. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
