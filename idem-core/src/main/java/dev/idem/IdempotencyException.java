package dev.idem;

/**
 * Root of the exceptions Idem throws. Expected outcomes (a replay, a duplicate in progress, a
 * fingerprint mismatch) are never exceptions: they are {@link Outcome} values. This tree covers
 * what the caller cannot continue from: a rejected key, an unreachable store, a lost lease.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class IdempotencyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong and what the caller can do about it; never null
   */
  public IdempotencyException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong and what the caller can do about it; never null
   * @param cause the underlying failure; may be null
   */
  public IdempotencyException(String message, @org.jspecify.annotations.Nullable Throwable cause) {
    super(message, cause);
  }
}
