package dev.idem.spi;

import dev.idem.internal.CharClasses;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The identity of a record as a store sees it: a lowercase hex digest (SHA-256 or HMAC-SHA-256) of
 * the scope and the client's key, never the key itself, so a dump of the store reveals no client
 * key and tenant B's key can never address tenant A's record.
 *
 * @param hex 64 lowercase hexadecimal characters
 */
public record StoreKey(String hex) {
  private static final int LENGTH = 64;

  /**
   * @throws NullPointerException if {@code hex} is null
   * @throws IllegalArgumentException if {@code hex} is not 64 lowercase hex characters
   */
  public StoreKey {
    Objects.requireNonNull(hex, "hex");
    if (hex.length() != LENGTH) {
      throw new IllegalArgumentException(
          "a store key is " + LENGTH + " lowercase hex characters, got " + hex.length());
    }
    int invalid = CharClasses.firstNonLowerHex(hex);
    if (invalid >= 0) {
      throw new IllegalArgumentException(
          "a store key is lowercase hex; character at position " + invalid + " is not");
    }
  }

  /** Equal when the digests are. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof StoreKey other && hex.equals(other.hex);
  }

  /**
   * Folded from the last 64 bits of the digest. A digest is uniformly distributed, so this hashes
   * as well as {@link String#hashCode()}, which on JDK 17 is a 64-step multiply chain over a string
   * no one has hashed yet (every store key is freshly computed).
   */
  @Override
  public int hashCode() {
    long bits = 0;
    for (int i = LENGTH - 16; i < LENGTH; i++) {
      bits = (bits << 4) | Character.digit(hex.charAt(i), 16);
    }
    return (int) (bits ^ (bits >>> 32));
  }

  /** Same as {@link #hex()}. */
  @Override
  public String toString() {
    return hex;
  }
}
