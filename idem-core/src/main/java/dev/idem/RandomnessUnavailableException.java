package dev.idem;

import org.jspecify.annotations.Nullable;

/**
 * Strong randomness cannot be had: the operating system's source cannot be read or looks broken, or
 * the generator failed its self-test. Idem refuses to produce keys or lease tokens rather than
 * produce guessable ones; fix the platform (a JDK with AES and SHA-256, a readable {@code
 * /dev/urandom}) and restart.
 *
 * <p>Immutable and thread-safe.
 */
public final class RandomnessUnavailableException extends IdempotencyException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed
   * @param cause the underlying failure; may be null
   */
  public RandomnessUnavailableException(String message, @Nullable Throwable cause) {
    super("No strong randomness: " + message, cause);
  }
}
