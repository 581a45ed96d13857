package dev.idem.spi;

import dev.idem.internal.CharClasses;
import dev.idem.internal.LeaseTokens;
import java.util.Objects;

/**
 * The fencing token of one claim on a record. Every write after {@code acquire} carries it, and a
 * store applies the write only while the record is still held under this token: a worker whose
 * lease ran out cannot complete, renew or release a record that someone else now holds.
 *
 * @param value opaque, 1 to 64 characters of {@code [A-Za-z0-9_-]}
 */
public record LeaseToken(String value) {
  /** The longest token a store must be able to hold. */
  public static final int MAX_LENGTH = 64;

  /**
   * A fresh token of 128 bits from Idem's CSPRNG, for stores that mint tokens themselves.
   * Thread-safe.
   */
  public static LeaseToken random() {
    return new LeaseToken(LeaseTokens.next());
  }

  /**
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is empty, too long or not URL-safe
   */
  public LeaseToken {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty() || value.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a lease token is 1 to " + MAX_LENGTH + " characters, got " + value.length());
    }
    if (!CharClasses.isUrlSafe(value)) {
      throw new IllegalArgumentException("a lease token is [A-Za-z0-9_-] only");
    }
  }
}
